/** A round trip in ms: one decimal below 10 ms (local links are fast), whole ms above. */
export function formatRoundTrip(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString()} ms`;
}

/** Wall-clock time of day, 24 h, e.g. 14:02:09. */
export function formatClockTime(at: number): string {
  const date = new Date(at);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
}

/** A whole count with thousands separators. */
export function formatCount(value: number): string {
  return value.toLocaleString();
}

/** Capitalizes the first letter, e.g. an endpoint name for a heading. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
