/**
 * Attempt tokens: each piece of async work (a join, a rejoin, a channel opening) holds the token of
 * the attempt that started it and checks `attempt.current` after every await. Starting a newer
 * attempt, or cancelling, makes every older token stale, so late results land nowhere.
 */

/** One attempt's token: `current` until a newer attempt starts or the owner cancels. */
export interface Attempt {
  readonly current: boolean;
  /** Aborted when the attempt stops being current (for APIs that take an AbortSignal). */
  readonly signal: AbortSignal;
}

/** Thrown by work whose attempt a newer one (a move, a rejoin, a leave) replaced while it was under way. */
export class SupersededError extends Error {
  constructor() {
    super('superseded by a newer join of the conversation');
  }
}

/** Hands out attempt tokens; only the newest is current. */
export class Attempts {
  private controller: AbortController | null = null;

  /** Starts a new attempt: every earlier token goes stale. */
  begin(): Attempt {
    this.cancel();
    const controller = new AbortController();
    this.controller = controller;
    return {
      get current() {
        return !controller.signal.aborted;
      },
      signal: controller.signal,
    };
  }

  /** Makes the current attempt stale without starting another (a leave, a removal). */
  cancel(): void {
    this.controller?.abort();
    this.controller = null;
  }
}
