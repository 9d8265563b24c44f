import type { HeadersReceivedDetails, HeadersReceivedResponse } from './electron-api';

/** Options of the renderer's Content Security Policy. */
export interface CspOptions {
  /**
   * Loosen the policy for the Vite dev server: its React refresh preamble is an inline script and
   * it injects CSS as inline style elements. Never set for a built renderer.
   */
  devServer: boolean;
}

/**
 * The renderer's Content Security Policy. The renderer loads only its own files and talks to
 * nothing but the preload bridge: the engine, never the page, connects to servers. Microphone
 * and room audio are MediaStreams (`srcObject`), so media-src needs only 'self' and blob:.
 * 'wasm-unsafe-eval' lets the page compile its own WebAssembly (libfvad, the microphone analysis's
 * voice activity detector, served from 'self'); it allows no JavaScript eval.
 */
export function buildContentSecurityPolicy({ devServer }: CspOptions): string {
  const inline = devServer ? " 'unsafe-inline'" : '';
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval'${inline}`,
    `style-src 'self'${inline}`,
    "connect-src 'self'",
    // As renderer/index.html's own policy allows: data: images cannot run code.
    "img-src 'self' data:",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Adds the policy to a response's headers, replacing any policy the response carried. */
export function withContentSecurityPolicy(details: HeadersReceivedDetails, policy: string): HeadersReceivedResponse {
  const responseHeaders: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(details.responseHeaders ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = values;
  }
  responseHeaders['Content-Security-Policy'] = [policy];
  return { responseHeaders };
}
