/*
 * Binary PCM frames: how the renderer's capture graph hands program audio to the engine, on both
 * bindings (an ArrayBuffer over IPC, a binary message over the WebSocket).
 *
 * Layout, little-endian:
 *   0  u32  magic "SCPF"
 *   4  u8   version (1)
 *   5  u8   channels (1 or 2)
 *   6  u16  reserved (0)
 *   8  u32  sample rate (48000)
 *  12  u32  sequence number (wraps)
 *  16  f64  capture time in ms (sender's clock)
 *  24  f32[] interleaved samples, frameLength × channels
 */

export const PCM_FRAME_MAGIC = 0x46504353; // "SCPF" read as little-endian u32
export const PCM_FRAME_VERSION = 1;
export const PCM_FRAME_HEADER_BYTES = 24;
export const PCM_SAMPLE_RATE = 48_000;
/** 20 ms at 48 kHz. */
export const PCM_FRAME_LENGTH = 960;
/** Largest frame accepted: 100 ms of stereo, so a late frame batch still fits. */
export const PCM_FRAME_MAX_BYTES = PCM_FRAME_HEADER_BYTES + 4800 * 2 * 4;

/** Latest capture time accepted: the largest time a JavaScript Date can hold (ms since the epoch). */
export const PCM_MAX_CAPTURE_TIME = 8.64e15;

/** A decoded PCM frame. */
export interface PcmFrame {
  channels: 1 | 2;
  sampleRate: number;
  sequence: number;
  captureTime: number;
  /** Interleaved samples in [-1, 1]. */
  samples: Float32Array;
}

/** Encodes a frame for the bridge's binary channel. */
export function encodePcmFrame(frame: PcmFrame): ArrayBuffer {
  const buffer = new ArrayBuffer(PCM_FRAME_HEADER_BYTES + frame.samples.length * 4);
  const view = new DataView(buffer);
  view.setUint32(0, PCM_FRAME_MAGIC, true);
  view.setUint8(4, PCM_FRAME_VERSION);
  view.setUint8(5, frame.channels);
  view.setUint16(6, 0, true);
  view.setUint32(8, frame.sampleRate, true);
  view.setUint32(12, frame.sequence >>> 0, true);
  view.setFloat64(16, frame.captureTime, true);
  new Float32Array(buffer, PCM_FRAME_HEADER_BYTES).set(frame.samples);
  return buffer;
}

/** Outcome of decoding untrusted bytes. */
export type DecodedPcmFrame = { ok: true; frame: PcmFrame } | { ok: false; error: string };

/** Decodes and validates an untrusted binary frame; never throws. */
export function decodePcmFrame(bytes: ArrayBuffer | Uint8Array): DecodedPcmFrame {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (data.byteLength < PCM_FRAME_HEADER_BYTES) {
    return { ok: false, error: `PCM frame too short (${data.byteLength} bytes; header is ${PCM_FRAME_HEADER_BYTES}).` };
  }
  if (data.byteLength > PCM_FRAME_MAX_BYTES) {
    return { ok: false, error: `PCM frame too large (${data.byteLength} bytes; limit ${PCM_FRAME_MAX_BYTES}).` };
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(0, true) !== PCM_FRAME_MAGIC) return { ok: false, error: 'Not a PCM frame (bad magic).' };
  const version = view.getUint8(4);
  if (version !== PCM_FRAME_VERSION) {
    return { ok: false, error: `PCM frame version ${version} is not supported (expected ${PCM_FRAME_VERSION}).` };
  }
  const channels = view.getUint8(5);
  if (channels !== 1 && channels !== 2) return { ok: false, error: `PCM frame has ${channels} channels (1 or 2 allowed).` };
  const sampleRate = view.getUint32(8, true);
  if (sampleRate !== PCM_SAMPLE_RATE) {
    return { ok: false, error: `PCM frame sample rate ${sampleRate} Hz (the engine takes ${PCM_SAMPLE_RATE} Hz).` };
  }
  const payloadBytes = data.byteLength - PCM_FRAME_HEADER_BYTES;
  if (payloadBytes % (4 * channels) !== 0) {
    return { ok: false, error: 'PCM frame payload is not a whole number of float32 sample frames.' };
  }
  const captureTime = view.getFloat64(16, true);
  // The engine subtracts it from its own clock for the input delay: a time that is not a moment
  // (NaN, ±Infinity, -1e308, before the epoch or past Date's range) would poison that figure.
  if (!(Number.isFinite(captureTime) && captureTime >= 0 && captureTime <= PCM_MAX_CAPTURE_TIME)) {
    return { ok: false, error: `PCM frame capture time ${captureTime} is not a time (ms since 1970, 0 to ${PCM_MAX_CAPTURE_TIME}).` };
  }
  // Copy so the frame never aliases a transport buffer that may be reused.
  const samples = new Float32Array(payloadBytes / 4);
  new Uint8Array(samples.buffer).set(data.subarray(PCM_FRAME_HEADER_BYTES));
  for (const sample of samples) {
    if (!Number.isFinite(sample)) return { ok: false, error: 'PCM frame contains NaN or infinite samples.' };
  }
  return {
    ok: true,
    frame: { channels, sampleRate, sequence: view.getUint32(12, true), captureTime, samples },
  };
}
