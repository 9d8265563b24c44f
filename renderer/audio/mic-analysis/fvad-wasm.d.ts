/*
 * Types of @echogarden/fvad-wasm 0.2.0 (libfvad, WebRTC's voice activity detector, compiled to
 * WebAssembly by Emscripten): the package ships none. Only what vad.ts uses.
 */
declare module '@echogarden/fvad-wasm' {
  /** The instantiated Emscripten module. */
  export interface FvadWasmModule {
    /** A new detector (mode 0, 8 kHz); 0 when out of memory. */
    _fvad_new(): number;
    _fvad_free(instance: number): void;
    _fvad_reset(instance: number): void;
    /** 0 (quality) … 3 (very aggressive: fewest false "speech"); 0 on success, -1 for a bad mode. */
    _fvad_set_mode(instance: number, mode: number): number;
    /** 8000, 16000, 32000 or 48000; 0 on success, -1 otherwise. */
    _fvad_set_sample_rate(instance: number, rate: number): number;
    /** One 10, 20 or 30 ms frame of int16 samples at `heapOffset` (bytes): 1 speech, 0 not, -1 bad length. */
    _fvad_process(instance: number, heapOffset: number, length: number): number;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    /** View of the module's memory; replaced when the memory grows, so read it each time. */
    HEAP16: Int16Array;
  }

  /** Emscripten module options this project passes. */
  export interface FvadModuleOptions {
    /** The .wasm bytes (skips any fetch or file read). */
    wasmBinary?: ArrayBuffer | Uint8Array;
    /** Where the .wasm file is, given its name. */
    locateFile?: (path: string, scriptDirectory: string) => string;
  }

  const createFvadModule: (options?: FvadModuleOptions) => Promise<FvadWasmModule>;
  export default createFvadModule;
}
