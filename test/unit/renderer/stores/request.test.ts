import { describe, expect, it } from 'vitest';
import { IDLE_REQUEST, isSending, requestError, runRequest, type Request, type RequestSlot } from '../../../../renderer/stores/request';
import { deferred } from '../../../support/renderer-test-support';

/** A request kept in a variable, with every state it went through. */
class Holder<T> implements RequestSlot<T> {
  current: Request<T> = IDLE_REQUEST;
  readonly seen: Request<T>[] = [];
  constructor(private readonly options: Pick<RequestSlot<T>, 'failure' | 'repeatable'> = {}) {}
  get repeatable(): boolean | undefined {
    return this.options.repeatable;
  }
  read = (): Request<T> => this.current;
  write = (request: Request<T>): void => {
    this.current = request;
    this.seen.push(request);
  };
  failure = (reason: string): string => this.options.failure?.(reason) ?? reason;
}

const slot = <T>(options: Pick<RequestSlot<T>, 'failure' | 'repeatable'> = {}): Holder<T> => new Holder<T>(options);

describe('runRequest', () => {
  it('goes idle → sending → done with the value, and returns what it came to', async () => {
    const request = slot<number>();
    const answer = deferred<number>();
    const running = runRequest(request, () => answer.promise);
    expect(request.current).toEqual({ status: 'sending' });
    expect(isSending(request.current)).toBe(true);
    answer.resolve(3);
    expect(await running).toEqual({ status: 'done', value: 3 });
    expect(request.seen).toEqual([{ status: 'sending' }, { status: 'done', value: 3 }]);
    expect(requestError(request.current)).toBeNull();
  });

  it('says why it failed in the words the slot chooses', async () => {
    const request = slot<void>({ failure: (reason) => `Could not save: ${reason}` });
    await runRequest(request, () => Promise.reject(new Error('The disk is full.')));
    expect(request.current).toEqual({ status: 'failed', error: 'Could not save: The disk is full.' });
    expect(requestError(request.current)).toBe('Could not save: The disk is full.');
    // Without a failure text, the error's own line.
    const plain = slot<void>();
    await runRequest(plain, () => Promise.reject(new Error('Nope.')));
    expect(plain.current).toEqual({ status: 'failed', error: 'Nope.' });
  });

  it('sends nothing while one is in flight, unless the slot is repeatable', async () => {
    const request = slot<void>();
    const answer = deferred<void>();
    let sent = 0;
    const send = (): Promise<void> => {
      sent += 1;
      return answer.promise;
    };
    const first = runRequest(request, send);
    expect(await runRequest(request, send)).toBeNull();
    expect(sent).toBe(1);

    const repeatable = slot<void>({ repeatable: true });
    const again = [runRequest(repeatable, send), runRequest(repeatable, send)];
    expect(sent).toBe(3);
    answer.resolve();
    await Promise.all([first, ...again]);
    expect(repeatable.current).toEqual({ status: 'done', value: undefined });
  });
});
