import bundledUrl from './program-capture-worklet.ts?worker&url';

/*
 * Where the program capture worklet is served. Vite bundles it as its own file under 'self' (no
 * blob: or data: sources in the CSP). The dev server serves workers as classic scripts with an
 * `importScripts` preamble, which an AudioWorkletGlobalScope lacks; as a module it gets an
 * `import` preamble instead, which works. A built URL carries no such query and is left alone.
 */

/** URL to pass to `audioWorklet.addModule`. */
export const programCaptureWorkletUrl: string = bundledUrl.replace('type=classic', 'type=module');
