/** A size in decimal units with one decimal, e.g. 12.3 MB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A level in dBFS with one decimal and a real minus sign; −∞ for digital silence. */
export function formatDbfs(dbfs: number): string {
  if (!Number.isFinite(dbfs) || dbfs <= -100) return '−∞';
  const rounded = Math.round(dbfs * 10) / 10;
  return rounded < 0 ? `−${Math.abs(rounded).toFixed(1)}` : rounded.toFixed(1);
}

/** A bitrate, e.g. 128 kbit/s. */
export function formatKbps(kbps: number): string {
  return `${Math.round(kbps)} kbit/s`;
}

/** Where a level sits on the meter's −50…0 dBFS scale, from 0 to 1. */
export function meterFraction(dbfs: number, floorDbfs = -50): number {
  if (!Number.isFinite(dbfs)) return 0;
  return Math.min(1, Math.max(0, (dbfs - floorDbfs) / -floorDbfs));
}
