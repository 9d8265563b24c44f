import bundledUrl from './mic-analysis-worklet.ts?worker&url';

/*
 * Where the microphone analysis worklet is served: its own bundled file under 'self', like the
 * program capture worklet (see ../worklet-url.ts for why the dev server's URL is patched).
 */

/** URL to pass to `audioWorklet.addModule`. */
export const micAnalysisWorkletUrl: string = bundledUrl.replace('type=classic', 'type=module');
