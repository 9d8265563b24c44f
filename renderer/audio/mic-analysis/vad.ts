import type { FvadModuleOptions, FvadWasmModule } from '@echogarden/fvad-wasm';

/*
 * WebRTC's voice activity detector (libfvad, in WebAssembly) behind a small interface, so the
 * analysis never deals with the Emscripten heap. The module is loaded once per page (or per Node
 * test process) and each analyser takes its own detector from it.
 *
 * Loading: in Node the package finds fvad.wasm beside itself; in a page the caller passes the
 * bytes (see fvad-binary.ts), because a bundle moves the .wasm away from the script.
 */

/** libfvad's aggressiveness: 0 (flags the most as speech) … 3 (the fewest false alarms). */
export type FvadMode = 0 | 1 | 2 | 3;

/** One voice activity detector at one sample rate. */
export interface VoiceActivityDetector {
  /** Sample rate of the frames it takes. */
  readonly sampleRate: number;
  /** Samples per frame (10 ms). */
  readonly frameLength: number;
  /** True when the frame (floats in [-1, 1], exactly `frameLength` long) holds speech. */
  isSpeech(frame: ArrayLike<number>): boolean;
  /** Frees the detector's memory; it must not be used after. */
  dispose(): void;
}

/** A loaded libfvad: makes detectors. */
export interface VadFactory {
  create(sampleRate: 8000 | 16000 | 32000 | 48000, mode: FvadMode): VoiceActivityDetector;
}

let shared: Promise<VadFactory> | null = null;

/**
 * Loads libfvad (once; later calls share it). `options.wasmBinary` is fvad.wasm's bytes; without
 * them the package's own loader reads the file beside itself (right in Node).
 */
export function loadVad(options: { wasmBinary?: () => Uint8Array } = {}): Promise<VadFactory> {
  shared ??= (async () => {
    const { default: createModule } = await import('@echogarden/fvad-wasm');
    const moduleOptions: FvadModuleOptions = options.wasmBinary === undefined ? {} : { wasmBinary: options.wasmBinary() };
    return fvadFactory(await createModule(moduleOptions));
  })();
  shared.catch(() => {
    shared = null;
  });
  return shared;
}

/** Detectors over an instantiated module. */
export function fvadFactory(module: FvadWasmModule): VadFactory {
  return {
    create(sampleRate, mode) {
      const instance = module._fvad_new();
      if (instance === 0) throw new Error('the voice activity detector could not allocate memory');
      if (module._fvad_set_sample_rate(instance, sampleRate) !== 0 || module._fvad_set_mode(instance, mode) !== 0) {
        module._fvad_free(instance);
        throw new Error(`the voice activity detector refused ${sampleRate} Hz, mode ${mode}`);
      }
      const frameLength = sampleRate / 100;
      const buffer = module._malloc(frameLength * 2);
      let disposed = false;
      return {
        sampleRate,
        frameLength,
        isSpeech(frame) {
          if (disposed) throw new Error('the voice activity detector was disposed');
          if (frame.length !== frameLength)
            throw new Error(`the voice activity detector takes ${frameLength} samples, got ${frame.length}`);
          const heap = module.HEAP16;
          const base = buffer >> 1;
          for (let i = 0; i < frameLength; i += 1) {
            const sample = frame[i] as number;
            heap[base + i] = sample >= 1 ? 32767 : sample <= -1 ? -32768 : Math.round(sample * 32767);
          }
          return module._fvad_process(instance, buffer, frameLength) === 1;
        },
        dispose() {
          if (disposed) return;
          disposed = true;
          module._free(buffer);
          module._fvad_free(instance);
        },
      };
    },
  };
}
