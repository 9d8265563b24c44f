import { createRequire } from 'node:module';

/*
 * libopus 1.4 as WebAssembly, from the `opusscript` package, driven directly.
 *
 * We load opusscript's compiled module (build/opusscript_native_wasm.js) rather than its JS
 * wrapper (index.js) because the wrapper places its PCM buffers at the wrong address: it builds
 * them with `HEAPU16.subarray(pointer, …)`, which treats malloc's byte address as a 16-bit index,
 * so it writes to twice the allocated address — memory it never allocated, which another encoder
 * or decoder in the same thread may own. Here every buffer is addressed by its real pointer and
 * the heap views are re-read on each call (the module's memory can grow and replace them).
 *
 * The compiled handler's calling convention (from opusscript's C++): encode input is one 16-bit
 * slot per PCM *byte* (little-endian), which it packs back into int16 in place; decode output is
 * written the same way. Both conventions are honoured below.
 */

/** libopus CTL request numbers (opus_defines.h) used by the engine. */
export const OpusCtl = {
  SET_BITRATE: 4002,
  GET_BITRATE: 4003,
  SET_VBR: 4006,
  GET_VBR: 4007,
  SET_COMPLEXITY: 4010,
  GET_COMPLEXITY: 4011,
  SET_INBAND_FEC: 4012,
  GET_INBAND_FEC: 4013,
  SET_PACKET_LOSS_PERC: 4014,
  SET_VBR_CONSTRAINT: 4020,
  GET_LOOKAHEAD: 4027,
} as const;

/** libopus application modes. */
export const OpusApplication = { VOIP: 2048, AUDIO: 2049, RESTRICTED_LOWDELAY: 2051 } as const;

/** Largest Opus packet libopus writes for one frame. */
const MAX_PACKET_BYTES = 1276 * 3;
/** Longest frame the handler decodes: 120 ms at 48 kHz. */
const MAX_DECODE_SAMPLES = 960 * 6;
/** Longest frame we encode: 60 ms at 48 kHz. */
const MAX_ENCODE_SAMPLES = 2880;

interface NativeHandler {
  _encode(input: number, bytes: number, output: number, frameSize: number): number;
  _decode(input: number, bytes: number, output: number): number;
  _encoder_ctl(request: number, value: number): number;
  _decoder_ctl(request: number, value: number): number;
}

interface NativeModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
  HEAP32: Int32Array;
  OpusScriptHandler: {
    new (sampleRate: number, channels: number, application: number): NativeHandler;
    destroy_handler(handler: NativeHandler): void;
  };
}

const ERRORS: Record<number, string> = {
  [-1]: 'bad argument',
  [-2]: 'buffer too small',
  [-3]: 'internal error',
  [-4]: 'invalid packet',
  [-5]: 'unimplemented',
  [-6]: 'invalid state',
  [-7]: 'memory allocation failed',
};

/** A libopus call that returned an error code. */
export class OpusError extends Error {
  constructor(
    readonly operation: string,
    readonly code: number,
  ) {
    super(`libopus ${operation} failed: ${ERRORS[code] ?? `error ${code}`}`);
    this.name = 'OpusError';
  }
}

let loaded: NativeModule | null = null;

/** The compiled module, loaded once per thread (instantiation is synchronous in Node). */
function native(): NativeModule {
  if (!loaded) {
    const factory = createRequire(import.meta.url)('opusscript/build/opusscript_native_wasm.js') as () => NativeModule;
    loaded = factory();
  }
  return loaded;
}

/** Converts float samples in [-1, 1] to int16 with rounding, clamping anything beyond full scale. */
export function floatToInt16(samples: Float32Array, out: Int16Array = new Int16Array(samples.length)): Int16Array {
  for (let i = 0; i < samples.length; i += 1) {
    const value = Math.round((samples[i] ?? 0) * 32767);
    out[i] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
  }
  return out;
}

/** One libopus encoder/decoder pair at 48 kHz; synchronous, so run encoders in a worker thread. */
class OpusHandle {
  protected readonly module = native();
  protected readonly handler: NativeHandler;
  private readonly scratch: number;
  private destroyed = false;

  constructor(
    readonly channels: 1 | 2,
    application: number,
  ) {
    this.handler = new this.module.OpusScriptHandler(48_000, channels, application);
    this.scratch = this.module._malloc(4);
  }

  protected ensureOpen(): void {
    if (this.destroyed) throw new Error('the Opus codec was destroyed');
  }

  protected readCtl(call: (request: number, pointer: number) => number, request: number, name: string): number {
    this.ensureOpen();
    const result = call(request, this.scratch);
    if (result < 0) throw new OpusError(name, result);
    return this.module.HEAP32[this.scratch >> 2] ?? 0;
  }

  /** Frees the native state; the object cannot be used afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.module.OpusScriptHandler.destroy_handler(this.handler);
    this.module._free(this.scratch);
    this.freeBuffers();
  }

  protected freeBuffers(): void {}
}

/** A libopus encoder (48 kHz). */
export class OpusEncoder extends OpusHandle {
  private readonly input: number;
  private readonly output: number;

  constructor(channels: 1 | 2, application: number = OpusApplication.AUDIO) {
    super(channels, application);
    // The handler reads up to 4 × the PCM byte count in 16-bit slots while packing: size for that.
    this.input = this.module._malloc(MAX_ENCODE_SAMPLES * channels * 2 * 2 * 2);
    this.output = this.module._malloc(MAX_PACKET_BYTES);
  }

  /** Encodes one frame of interleaved int16 PCM (`frameSize` samples per channel: 120–2880). */
  encode(pcm: Int16Array, frameSize: number): Uint8Array {
    this.ensureOpen();
    const count = frameSize * this.channels;
    if (pcm.length < count || frameSize > MAX_ENCODE_SAMPLES) {
      throw new RangeError(`need ${count} samples for a ${frameSize}-sample frame, got ${pcm.length}`);
    }
    const heap16 = this.module.HEAPU16;
    let slot = this.input >> 1;
    for (let i = 0; i < count; i += 1) {
      const value = pcm[i] ?? 0;
      heap16[slot] = value & 0xff;
      heap16[slot + 1] = (value >> 8) & 0xff;
      slot += 2;
    }
    const length = this.handler._encode(this.input, count * 2, this.output, frameSize);
    if (length < 0) throw new OpusError('encode', length);
    return this.module.HEAPU8.slice(this.output, this.output + length);
  }

  /** Sets an encoder parameter (an OPUS_SET_* request). */
  set(request: number, value: number): void {
    this.ensureOpen();
    const result = this.handler._encoder_ctl(request, value);
    if (result < 0) throw new OpusError(`encoder ctl ${request}`, result);
  }

  /** Reads an encoder parameter (an OPUS_GET_* request). */
  get(request: number): number {
    return this.readCtl((ctl, pointer) => this.handler._encoder_ctl(ctl, pointer), request, `encoder ctl ${request}`);
  }

  protected override freeBuffers(): void {
    this.module._free(this.input);
    this.module._free(this.output);
  }
}

/** A libopus decoder (48 kHz), for checking what the engine sends. */
export class OpusDecoder extends OpusHandle {
  private readonly input: number;
  private readonly output: number;

  constructor(channels: 1 | 2) {
    super(channels, OpusApplication.AUDIO);
    this.input = this.module._malloc(MAX_PACKET_BYTES);
    // Decoded PCM comes back as one 16-bit slot per byte.
    this.output = this.module._malloc(MAX_DECODE_SAMPLES * channels * 2 * 2);
  }

  /** Decodes one packet to interleaved int16 PCM. */
  decode(packet: Uint8Array): Int16Array {
    this.ensureOpen();
    if (packet.length > MAX_PACKET_BYTES) throw new RangeError(`Opus packet of ${packet.length} bytes is too long`);
    this.module.HEAPU8.set(packet, this.input);
    const frames = this.handler._decode(this.input, packet.length, this.output);
    if (frames < 0) throw new OpusError('decode', frames);
    const heap16 = this.module.HEAPU16;
    const count = frames * this.channels;
    const out = new Int16Array(count);
    let slot = this.output >> 1;
    for (let i = 0; i < count; i += 1) {
      out[i] = (((heap16[slot] ?? 0) | ((heap16[slot + 1] ?? 0) << 8)) << 16) >> 16;
      slot += 2;
    }
    return out;
  }

  protected override freeBuffers(): void {
    this.module._free(this.input);
    this.module._free(this.output);
  }
}
