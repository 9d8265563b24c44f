/** Frame durations (48 kHz samples) by the TOC's configuration number (RFC 6716, section 3.1). */
function frameSamples(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config % 4] ?? 960; // SILK-only
  if (config < 16) return [480, 960][config % 2] ?? 960; // hybrid
  return [120, 240, 480, 960][config % 4] ?? 960; // CELT-only
}

/** Samples (48 kHz) one Opus packet decodes to, read from its TOC byte; 0 for an empty packet. */
export function opusPacketSamples(packet: Uint8Array): number {
  const toc = packet[0];
  if (toc === undefined) return 0;
  const perFrame = frameSamples(toc >> 3);
  switch (toc & 0x03) {
    case 0:
      return perFrame;
    case 1:
    case 2:
      return perFrame * 2;
    default:
      return perFrame * ((packet[1] ?? 0) & 0x3f);
  }
}
