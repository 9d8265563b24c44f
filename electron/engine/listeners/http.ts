import { decodeUserinfo, serverUrlTextProblem } from '../../shared/url-text';
import { redactUrl } from '../redact';

/** What the listener pollers need from an HTTP response. */
export interface HttpResponseLike {
  readonly status: number;
  /** The whole body as text. */
  text(): Promise<string>;
  /** The body as it arrives (for the `STATS` event stream); null when there is none. */
  readonly body: AsyncIterable<Uint8Array> | null;
}

/** One request: GET for statistics, STATS for Icecast's event stream. */
export interface HttpRequestInit {
  readonly method?: 'GET' | 'STATS';
  readonly headers?: Readonly<Record<string, string>>;
  /** Aborts the request (timeouts, stop). */
  readonly signal: AbortSignal;
}

/** A fetch-like function; tests pass a hand-written fake, the engine {@link createFetchHttp}. */
export type HttpFetch = (url: string, init: HttpRequestInit) => Promise<HttpResponseLike>;

/** Largest statistics document read (a client list of ~250 000 listeners); larger ones are refused. */
export const MAX_STATS_BYTES = 32 * 1024 * 1024;

/** A response body over {@link MAX_STATS_BYTES}. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
}

/** The real HTTP client: Node's fetch, with a size limit on bodies read as text. */
export function createFetchHttp(fetchImpl: typeof fetch = fetch): HttpFetch {
  return async (url, init) => {
    const response = await fetchImpl(url, {
      method: init.method ?? 'GET',
      headers: { ...init.headers },
      signal: init.signal,
      redirect: 'manual',
    });
    const stream = response.body;
    const body = stream ? chunksOf(stream) : null;
    return {
      status: response.status,
      body,
      text: () => (body ? readText(body, MAX_STATS_BYTES) : Promise.resolve('')),
    };
  };
}

async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

async function readText(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) throw new ResponseTooLargeError(`statistics larger than ${maxBytes} bytes`);
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/** An outlet's mount URL taken apart: where its server is, which mount, and the credentials it carries. */
export interface OutletTarget {
  /** `http://host:port`. */
  readonly origin: string;
  /** Mount path, e.g. `/live.opus`. */
  readonly mount: string;
  /** `Basic …` header value, or null when the URL has no credentials. */
  readonly authorization: string | null;
  /** The URL without credentials, for logs, state and the UI. */
  readonly redacted: string;
}

/** A mount URL that cannot be polled; the message says what a valid one looks like. */
export class OutletUrlError extends Error {
  override readonly name = 'OutletUrlError';
}

/** Parses a mount URL such as `http://source:secret@icecast.example.org:8000/live.opus`. */
export function parseOutletUrl(input: string): OutletTarget {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    // Not echoed: a mistyped URL may still hold a password.
    throw new OutletUrlError(
      `an outlet is not a URL (${input.length} characters, not shown): give a mount URL such as http://source:PASSWORD@icecast.example.org:8000/live.opus`,
    );
  }
  const problem = serverUrlTextProblem(input);
  // Not echoed either: the check failed, so what looks like the host may be part of a password.
  if (problem) throw new OutletUrlError(`an outlet URL ${problem}.`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    // Only the scheme is shown: for other schemes the credentials may not parse as such.
    throw new OutletUrlError(`an outlet URL starts with "${url.protocol}" but must start with http:// or https:// (an Icecast mount URL).`);
  }
  if (url.pathname.length <= 1) {
    throw new OutletUrlError(`${redactUrl(input)} names no mount: add its path, e.g. ${url.origin}/live.opus`);
  }
  return { origin: url.origin, mount: decodeURIComponent(url.pathname), authorization: authorizationOf(input), redacted: redactUrl(input) };
}

/** The Basic `Authorization` value for a URL's user and password; null when it has none or is not a URL. */
export function authorizationOf(input: string): string | null {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  const user = decodeUserinfo(url.username);
  const password = decodeUserinfo(url.password);
  return user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : null;
}
