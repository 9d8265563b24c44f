/** Lowest level a meter reports; anything quieter (digital silence) reads as this. */
export const LEVEL_FLOOR_DB = -100;

/** RMS level of a block in dBFS, never below {@link LEVEL_FLOOR_DB}. */
export function rmsDbfs(samples: Float32Array): number {
  if (samples.length === 0) return LEVEL_FLOOR_DB;
  let sum = 0;
  for (const sample of samples) sum += Number.isFinite(sample) ? sample * sample : 0;
  const rms = Math.sqrt(sum / samples.length);
  return rms > 0 ? Math.max(LEVEL_FLOOR_DB, 20 * Math.log10(rms)) : LEVEL_FLOOR_DB;
}
