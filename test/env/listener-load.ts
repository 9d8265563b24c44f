/*
 * A bounded load generator of real Icecast listeners for tests and benchmarks: plain TCP clients
 * that send `GET /mount`, wait for `200`, then read (and drop) the stream like a player.
 *
 * Icecast 2.4 listens with a backlog of 5, so connections are paced (a few handshakes in flight at
 * once) and refused or reset ones are retried with a short backoff, as real players do. Every loop
 * is bounded: a pool holds at most MAX_POOL_LISTENERS, each listener has a bounded number of
 * attempts, and every `add` has a deadline.
 */
import { connect, type Socket } from 'node:net';

/** Hard bound on the listeners one pool may hold. */
export const MAX_POOL_LISTENERS = 10_000;

/** Where and how the listeners connect. */
export interface ListenerLoadOptions {
  readonly host: string;
  readonly port: number;
  /** e.g. `/live.opus`. */
  readonly mount: string;
  /** User agent of listener `index` (default `SteadycastLoad/1.0 (listener N)`: every listener distinct). */
  readonly userAgent?: (index: number) => string;
  /** Source address of listener `index` (e.g. `127.0.0.2` to look like another host); default: the system's choice. */
  readonly localAddress?: (index: number) => string | undefined;
  /** Handshakes in flight at once (default 4, below Icecast's backlog of 5). */
  readonly concurrency?: number;
  /** Attempts per listener before `add` fails (default 30). */
  readonly maxAttempts?: number;
  /** One attempt's limit for connect + response header (default 5 s). */
  readonly attemptTimeoutMs?: number;
}

/** One connected listener. */
export interface LoadListener {
  readonly index: number;
  /** `performance.now()` when Icecast's `200` arrived: from here on it is listening. */
  readonly listeningSince: number;
  readonly attempts: number;
  close(): void;
}

/** A listener that could not connect within its attempts. */
export class ListenerConnectError extends Error {
  override readonly name = 'ListenerConnectError';
}

/** A pool of real listeners on one mount. */
export class ListenerLoad {
  private readonly open = new Map<number, { listener: LoadListener; socket: Socket }>();
  private nextIndex = 0;
  private droppedCount = 0;
  private retries = 0;

  constructor(private readonly options: ListenerLoadOptions) {}

  /** Listeners connected now. */
  get connected(): number {
    return this.open.size;
  }

  /** Listeners the server closed on its own (e.g. its source left without a fallback). */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Attempts that were refused or reset and tried again. */
  get retried(): number {
    return this.retries;
  }

  /** Connects `count` more listeners; resolves once all are listening (in connection order). */
  async add(count: number, deadlineMs = 60_000 + count * 20): Promise<LoadListener[]> {
    if (this.open.size + count > MAX_POOL_LISTENERS) throw new RangeError(`a pool holds at most ${MAX_POOL_LISTENERS} listeners`);
    const deadline = performance.now() + deadlineMs;
    const indexes = Array.from({ length: count }, () => this.nextIndex++);
    const results: LoadListener[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < indexes.length) {
        const index = indexes[next++];
        if (index === undefined) return;
        results.push(await this.connectOne(index, deadline));
      }
    };
    const workers = Array.from({ length: Math.min(this.options.concurrency ?? 4, count) }, () => worker());
    const settled = await Promise.allSettled(workers);
    const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
    return results.sort((a, b) => a.index - b.index);
  }

  /** Closes the `count` most recently connected listeners. */
  remove(count: number): void {
    const newest = [...this.open.keys()].sort((a, b) => b - a).slice(0, count);
    for (const index of newest) this.open.get(index)?.listener.close();
  }

  /** Closes every listener. */
  closeAll(): void {
    for (const { listener } of [...this.open.values()]) listener.close();
  }

  private async connectOne(index: number, deadline: number): Promise<LoadListener> {
    const maxAttempts = this.options.maxAttempts ?? 30;
    let lastError = 'no attempt';
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (performance.now() > deadline) break;
      try {
        return await this.attempt(index, attempt);
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        if (!/ECONNREFUSED|ECONNRESET|EPIPE|timed out|closed before/.test(lastError)) break;
        this.retries += 1;
        await delay(Math.min(500, 10 * attempt * attempt));
      }
    }
    throw new ListenerConnectError(`listener ${index} could not connect to ${this.options.mount}: ${lastError}`);
  }

  private attempt(index: number, attempt: number): Promise<LoadListener> {
    const { host, port, mount, attemptTimeoutMs = 5_000 } = this.options;
    const userAgent = this.options.userAgent?.(index) ?? `SteadycastLoad/1.0 (listener ${index})`;
    const localAddress = this.options.localAddress?.(index);
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
      let head = '';
      const timer = setTimeout(() => fail(new Error(`timed out after ${attemptTimeoutMs} ms`)), attemptTimeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      socket.once('error', fail);
      socket.once('close', () => fail(new Error('closed before the response')));
      socket.once('connect', () =>
        socket.write(`GET ${mount} HTTP/1.0\r\nHost: ${host}:${port}\r\nUser-Agent: ${userAgent}\r\nIcy-MetaData: 0\r\n\r\n`),
      );
      const onData = (chunk: Buffer): void => {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n');
        if (end === -1) return;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.removeAllListeners('error');
        socket.removeAllListeners('close');
        const statusLine = head.slice(0, end);
        if (!/^HTTP\/1\.[01] 200\b/.test(statusLine)) {
          socket.destroy();
          reject(new Error(`refused: "${statusLine}"`));
          return;
        }
        let closedByUs = false;
        const listener: LoadListener = {
          index,
          listeningSince: performance.now(),
          attempts: attempt,
          close: () => {
            closedByUs = true;
            this.open.delete(index);
            socket.destroy();
          },
        };
        socket.on('error', () => undefined);
        socket.on('close', () => {
          if (!closedByUs && this.open.delete(index)) this.droppedCount += 1;
        });
        socket.resume(); // read and drop the audio, like a player would consume it
        this.open.set(index, { listener, socket });
        resolve(listener);
      };
      socket.on('data', onData);
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
