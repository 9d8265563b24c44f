/*
 * Signal analysis for audio tests: the dominant frequency of a signal (FFT peak with parabolic
 * interpolation) and helpers to pull one channel out of interleaved audio.
 */

/** One channel of interleaved samples, as float. */
export function channelOf(samples: ArrayLike<number>, channels: number, channel = 0, scale = 1): Float64Array {
  const out = new Float64Array(Math.floor(samples.length / channels));
  for (let i = 0; i < out.length; i += 1) out[i] = (samples[i * channels + channel] ?? 0) * scale;
  return out;
}

/** Joins frames' samples into one array. */
export function concatFloat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** In-place radix-2 FFT of (re, im); length must be a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i += 1) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j] ?? 0, re[i] ?? 0];
      [im[i], im[j]] = [im[j] ?? 0, im[i] ?? 0];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const angle = (-2 * Math.PI) / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k += 1) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = start + k;
        const b = a + size / 2;
        const xr = (re[b] ?? 0) * wr - (im[b] ?? 0) * wi;
        const xi = (re[b] ?? 0) * wi + (im[b] ?? 0) * wr;
        re[b] = (re[a] ?? 0) - xr;
        im[b] = (im[a] ?? 0) - xi;
        re[a] = (re[a] ?? 0) + xr;
        im[a] = (im[a] ?? 0) + xi;
      }
    }
  }
}

/** The frequency (Hz) with the most energy, from a Hann-windowed FFT of up to 65536 samples from the middle. */
export function dominantFrequency(signal: Float64Array, sampleRate: number): number {
  let size = 1;
  while (size * 2 <= Math.min(signal.length, 65536)) size *= 2;
  if (size < 1024) throw new Error(`need at least 1024 samples to find a frequency, got ${signal.length}`);
  const offset = Math.floor((signal.length - size) / 2);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < size; i += 1) re[i] = (signal[offset + i] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 1)));
  fft(re, im);
  const power = (k: number): number => (re[k] ?? 0) ** 2 + (im[k] ?? 0) ** 2;
  let best = 1;
  for (let k = 2; k < size / 2; k += 1) if (power(k) > power(best)) best = k;
  // Parabolic interpolation on log power around the peak bin.
  const [left, middle, right] = [power(best - 1), power(best), power(best + 1)].map((value) => Math.log(value + 1e-30)) as [
    number,
    number,
    number,
  ];
  const shift = (0.5 * (left - right)) / (left - 2 * middle + right);
  return ((best + (Number.isFinite(shift) ? shift : 0)) * sampleRate) / size;
}

/** Root mean square of a signal. */
export function rms(signal: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < signal.length; i += 1) sum += (signal[i] ?? 0) ** 2;
  return Math.sqrt(sum / Math.max(1, signal.length));
}
