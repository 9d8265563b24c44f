import type { OpusHead } from './ogg-opus-demuxer';

/*
 * Opus packets → 48 kHz planar float audio. WebCodecs' AudioDecoder where the browser has one that
 * takes Opus (Chromium, Safari 16.4+, Firefox 130+); else opus-decoder, the libopus WASM build of
 * the wasm-audio-decoders family, loaded only when needed (its own chunk). One decoder per logical
 * stream: a chained Ogg switch gets a fresh one.
 */

/** Which decoder the page uses. */
export type DecoderKind = 'webcodecs' | 'wasm';

/** Decodes one logical stream's packets, in order. */
export interface PacketDecoder {
  readonly kind: DecoderKind;
  decode(packet: Uint8Array, timestampUs: number, durationUs: number): void;
  close(): void;
}

/** Where decoded audio and errors go. */
export interface DecoderSink {
  audio(channels: Float32Array[]): void;
  error(message: string): void;
}

function webCodecsConfig(head: OpusHead): AudioDecoderConfig {
  return { codec: 'opus', sampleRate: 48_000, numberOfChannels: head.channels, description: head.bytes };
}

/** Whether this browser's WebCodecs decodes this stream. */
export async function webCodecsDecodes(head: OpusHead): Promise<boolean> {
  if (typeof AudioDecoder === 'undefined') return false;
  try {
    return (await AudioDecoder.isConfigSupported(webCodecsConfig(head))).supported === true;
  } catch {
    return false;
  }
}

function webCodecsDecoder(head: OpusHead, sink: DecoderSink): PacketDecoder {
  let closed = false;
  const decoder = new AudioDecoder({
    output: (data) => {
      if (closed) {
        data.close();
        return;
      }
      const channels: Float32Array[] = [];
      for (let plane = 0; plane < data.numberOfChannels; plane += 1) {
        const samples = new Float32Array(data.numberOfFrames);
        data.copyTo(samples, { planeIndex: plane, format: 'f32-planar' });
        channels.push(samples);
      }
      data.close();
      sink.audio(channels);
    },
    error: (error) => {
      if (!closed) sink.error(`the browser's Opus decoder failed: ${error.message}`);
    },
  });
  decoder.configure(webCodecsConfig(head));
  return {
    kind: 'webcodecs',
    decode(packet, timestampUs, durationUs) {
      if (decoder.state !== 'configured') return;
      decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: timestampUs, duration: durationUs, data: packet }));
    },
    close() {
      closed = true;
      if (decoder.state !== 'closed') decoder.close();
    },
  };
}

async function wasmDecoder(head: OpusHead, sink: DecoderSink): Promise<PacketDecoder> {
  const { OpusDecoder } = await import('opus-decoder');
  const decoder = new OpusDecoder({
    channels: head.channels,
    preSkip: head.preSkip,
    streamCount: head.streamCount,
    coupledStreamCount: head.coupledStreamCount,
    channelMappingTable: [...head.channelMapping],
  });
  await decoder.ready;
  let closed = false;
  return {
    kind: 'wasm',
    decode(packet) {
      if (closed) return;
      const { channelData, samplesDecoded, errors } = decoder.decodeFrame(packet);
      if (errors.length > 0) sink.error(`the Opus decoder skipped a packet: ${errors[0]?.message ?? 'unknown error'}`);
      if (samplesDecoded > 0) sink.audio(channelData.map((channel) => channel.slice(0, samplesDecoded)));
    },
    close() {
      closed = true;
      decoder.free();
    },
  };
}

/** A decoder for a stream that starts with `head`: `prefer` 'wasm' forces the WASM decoder (tests, old browsers). */
export async function createDecoder(head: OpusHead, sink: DecoderSink, prefer: DecoderKind = 'webcodecs'): Promise<PacketDecoder> {
  if (prefer === 'webcodecs' && (await webCodecsDecodes(head))) return webCodecsDecoder(head, sink);
  return wasmDecoder(head, sink);
}
