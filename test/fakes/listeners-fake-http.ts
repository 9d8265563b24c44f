import type { HttpFetch, HttpRequestInit, HttpResponseLike } from '../../electron/engine/listeners/http';

/** What the fake answers for one request. */
export type FakeAnswer =
  | { status: number; body: string }
  | { error: Error }
  /** Never answers; rejects with the abort reason when the caller aborts. */
  | { hang: true }
  /** A streaming body the test feeds with `push` (the `STATS` event stream). */
  | { stream: FakeStream };

/** One recorded request. */
export interface FakeRequest {
  url: string;
  method: string;
  authorization: string | null;
  signal: AbortSignal;
}

/** A body a test writes lines into, ending when it says so or the request is aborted. */
export class FakeStream {
  private queue: Uint8Array[] = [];
  private wake: (() => void) | null = null;
  private ended = false;

  /** Sends text to the reader. */
  push(text: string): void {
    this.queue.push(new TextEncoder().encode(text));
    this.wake?.();
  }

  /** Ends the body. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *iterate(signal: AbortSignal): AsyncGenerator<Uint8Array> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended || signal.aborted) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      this.wake = null;
    }
  }
}

/**
 * A hand-written Icecast over HTTP: answers by path (`/status-json.xsl`, `/admin/listclients?mount=/a`,
 * `/admin/stats`, `STATS`), records every request, and honours abort signals like fetch does.
 */
export class FakeIcecastHttp {
  readonly requests: FakeRequest[] = [];
  /** Requests started and not yet settled. */
  inFlight = 0;
  maxInFlight = 0;
  private readonly answers = new Map<string, (request: FakeRequest) => FakeAnswer>();

  /** Sets the answer for `key`: a path with query (`/admin/listclients?mount=/live.opus`) or `STATS`. */
  on(key: string, answer: FakeAnswer | ((request: FakeRequest) => FakeAnswer)): this {
    this.answers.set(key, typeof answer === 'function' ? answer : () => answer);
    return this;
  }

  /** Requests whose key (path + query, or STATS) is `key`. */
  requestsTo(key: string): FakeRequest[] {
    return this.requests.filter((request) => keyOf(request) === key);
  }

  readonly fetch: HttpFetch = (url: string, init: HttpRequestInit): Promise<HttpResponseLike> => {
    const request: FakeRequest = {
      url,
      method: init.method ?? 'GET',
      authorization: init.headers?.['authorization'] ?? null,
      signal: init.signal,
    };
    this.requests.push(request);
    const answer = this.answers.get(keyOf(request))?.(request) ?? { status: 404, body: 'not found' };
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const settle = <T>(promise: Promise<T>): Promise<T> => promise.finally(() => (this.inFlight -= 1));
    if ('error' in answer) return settle(Promise.reject(answer.error));
    if ('hang' in answer) {
      return settle(
        new Promise<HttpResponseLike>((_, reject) => {
          const abort = (): void => reject(init.signal.reason instanceof Error ? init.signal.reason : new Error('aborted'));
          if (init.signal.aborted) abort();
          else init.signal.addEventListener('abort', abort, { once: true });
        }),
      );
    }
    if ('stream' in answer) {
      const body = answer.stream.iterate(init.signal);
      return settle(Promise.resolve({ status: 200, body, text: () => Promise.reject(new Error('stream')) }));
    }
    const bytes = new TextEncoder().encode(answer.body);
    return settle(
      Promise.resolve({
        status: answer.status,
        body: oneChunk(bytes),
        text: () => Promise.resolve(answer.body),
      }),
    );
  };
}

async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  await Promise.resolve();
  yield bytes;
}

function keyOf(request: FakeRequest): string {
  if (request.method === 'STATS') return 'STATS';
  const url = new URL(request.url);
  return decodeURIComponent(url.pathname + url.search);
}

/** A connection refused, shaped like Node's fetch reports it. */
export function connectionRefused(): Error {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED 198.18.0.1:8000'), { code: 'ECONNREFUSED' }),
  });
}

/** `/admin/listclients` XML for `mount` with these clients. */
export function listClientsXml(mount: string, clients: readonly { ip: string; userAgent: string }[]): string {
  const listeners = clients
    .map(
      (client, index) =>
        `<listener><IP>${client.ip}</IP><UserAgent>${escapeXml(client.userAgent)}</UserAgent><Connected>${index}</Connected><ID>${index + 10}</ID></listener>`,
    )
    .join('');
  return `<?xml version="1.0"?>\n<icestats><source mount="${mount}"><Listeners>${clients.length}</Listeners>${listeners}</source></icestats>\n`;
}

/** `n` distinct players. */
export function players(n: number, ip = '198.18.0.2'): { ip: string; userAgent: string }[] {
  return Array.from({ length: n }, (_, index) => ({ ip, userAgent: `Player/${index}` }));
}

/** `/status-json.xsl` with these sources, in Icecast 2.4's shape (absent / object / array). */
export function statusJson(sources: readonly object[]): string {
  const head = '"admin":"a@b","host":"198.18.0.1","location":"x","server_id":"Icecast 2.4.4","server_start":"x","server_start_iso8601":"x"';
  if (sources.length === 0) return `{"icestats":{${head},"dummy":null}}`;
  const source = sources.length === 1 ? JSON.stringify(sources[0]) : JSON.stringify(sources);
  return `{"icestats":{${head},"source":${source}}}`;
}

/** A live source entry of status-json. */
export function liveEntry(mount: string, listeners: number): object {
  return {
    listeners,
    listener_peak: listeners,
    listenurl: `http://198.18.0.1:8000${mount}`,
    server_type: 'audio/ogg',
    stream_start: 'x',
    stream_start_iso8601: 'x',
    dummy: null,
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Lets pending promise callbacks (fake HTTP answers, poll bookkeeping) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}
