import dataUrl from '@echogarden/fvad-wasm/fvad.wasm?url&inline';

/*
 * libfvad's WebAssembly (20 kB), inlined into the bundle by Vite and handed to the module as bytes:
 * the same in the desktop app (pages from file://, where fetch() has no file: scheme), in the
 * browser over the bridge and on the dev server. Compiling it needs 'wasm-unsafe-eval' in the CSP,
 * which allows WebAssembly and no JavaScript eval.
 */

/** The bytes of fvad.wasm. */
export function fvadWasmBinary(): Uint8Array {
  const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  return bytes;
}
