import { describeError } from '../../electron/shared/describe-error';

/*
 * One request the store sends for the UI, as a tagged union the components switch on:
 *
 *   idle ──run──► sending ──answered──► done (value)
 *                    └──────refused───► failed (error: the words to show)
 *
 * A new run starts from any state but `sending` (a second click while one is in flight is ignored).
 */

/** A request and what it came to. */
export type Request<T = void> =
  | { readonly status: 'idle' }
  | { readonly status: 'sending' }
  | { readonly status: 'done'; readonly value: T }
  | { readonly status: 'failed'; readonly error: string };

/** A request with nothing asked yet (or whose last answer was cleared). */
export type IdleRequest = Extract<Request, { status: 'idle' }>;

/** Nothing asked yet (or the last answer was cleared). */
export const IDLE_REQUEST: IdleRequest = { status: 'idle' };

/** Where a request lives in the store, and how its failures read. */
export interface RequestSlot<T> {
  /** The request as the store holds it now. */
  read(): Request<T>;
  write(request: Request<T>): void;
  /** The message shown for a failure, from the error's one line (default: that line as it is). */
  failure?(reason: string): string;
  /** Sends again while one is in flight (a switch whose last position counts); by default such a call is ignored. */
  repeatable?: boolean;
}

/**
 * Runs `send` through the request's states and returns what it came to; a call while the request
 * is sending returns null without sending (unless the slot is `repeatable`).
 */
export async function runRequest<T>(slot: RequestSlot<T>, send: () => Promise<T>): Promise<Request<T> | null> {
  if (slot.read().status === 'sending' && !slot.repeatable) return null;
  slot.write({ status: 'sending' });
  let settled: Request<T>;
  try {
    settled = { status: 'done', value: await send() };
  } catch (error) {
    const reason = describeError(error);
    settled = { status: 'failed', error: slot.failure ? slot.failure(reason) : reason };
  }
  slot.write(settled);
  return settled;
}

/** The request's error while it failed, else null (for components that show one line). */
export function requestError(request: Request<unknown> | undefined): string | null {
  return request?.status === 'failed' ? request.error : null;
}

/** True while the request is in flight. */
export function isSending(request: Request<unknown> | undefined): boolean {
  return request?.status === 'sending';
}
