import type { FailoverPhase } from '../../electron/shared/failover';
import { lampIsLit, onAirLamp } from '../../electron/shared/on-air-lamp';
import { selectIsOnAir } from './broadcast-selectors';
import { selectConversationLink, selectSelfParticipant } from './conversation-selectors';
import type { AppSlice, AppState, StoreDeps } from './store-types';

/*
 * Toasts: short messages about transitions the host must notice even while looking elsewhere —
 * reconnected, moved to the backup, muted by a producer, on air. They come from changes of the
 * store's own state (never from a component), one pure function of the state before and after.
 */

/** How a toast looks: good news, something to watch, something wrong, or plain information. */
export type ToastTone = 'ok' | 'warn' | 'bad' | 'info';

/** One toast as shown. */
export interface Toast {
  id: number;
  /** What kind of transition; a newer toast of the same group ({@link TOAST_GROUP}) replaces the older one. */
  kind: string;
  tone: ToastTone;
  title: string;
  detail: string | null;
}

/** A toast before it gets its id. */
export type ToastDraft = Omit<Toast, 'id'>;

/** How long a toast stays, by tone (problems stay longer). */
export const TOAST_MS: Record<ToastTone, number> = { ok: 5000, info: 5000, warn: 8000, bad: 10_000 };

/** At most this many toasts show at once (the strip at the bottom holds two); the oldest goes first. */
export const TOAST_LIMIT = 2;

/**
 * Toasts about one story share a group: a newer one replaces the older (the link lost, the move to
 * the backup and the reconnection of one failover are one toast that changes, not three).
 */
export const TOAST_GROUP: Record<string, string> = {
  bridge: 'bridge',
  conversation: 'conversation',
  failover: 'conversation',
  lock: 'lock',
  show: 'show',
};

const groupOf = (toast: Pick<Toast, 'kind'>): string => TOAST_GROUP[toast.kind] ?? toast.kind;
const SEVERITY: Record<ToastTone, number> = { bad: 3, warn: 2, ok: 1, info: 0 };

/**
 * The toasts after `added` arrive, in order (pure). A toast replaces the shown one of its group,
 * except good news of another kind that follows bad news (the conversation reconnected after the
 * move to the backup): that becomes a line of the shown toast instead of hiding it. At most
 * `limit` stay, the newest.
 */
export function mergeToasts(shown: readonly Toast[], added: readonly Toast[], limit = TOAST_LIMIT): Toast[] {
  let toasts = [...shown];
  for (const toast of added) {
    const group = groupOf(toast);
    const current = toasts.find((candidate) => groupOf(candidate) === group);
    const followUp =
      current !== undefined && current.kind !== toast.kind && SEVERITY[toast.tone] <= SEVERITY.ok && SEVERITY[current.tone] > SEVERITY.ok;
    toasts = followUp
      ? toasts.map((candidate) =>
          candidate === current ? { ...current, detail: [current.detail, `${toast.title}.`].filter(Boolean).join(' ') } : candidate,
        )
      : [...toasts.filter((candidate) => groupOf(candidate) !== group), toast];
  }
  return toasts.slice(-limit);
}

/** The toasts part of the store. */
export interface ToastsSlice {
  toasts: Toast[];
  dismissToast: (id: number) => void;
}

const phaseOf = (state: AppState): FailoverPhase['phase'] | null => state.engine?.failover?.phase.phase ?? null;

/** The toasts that the change from `before` to `after` calls for (pure; `wasEverConnected` is about `before`). */
export function toastsFor(before: AppState, after: AppState, wasEverConnected: boolean): ToastDraft[] {
  const drafts: ToastDraft[] = [];
  const connection = { before: before.connection.status, after: after.connection.status };
  if (connection.before === 'connected' && after.connection.status === 'disconnected') {
    drafts.push({
      kind: 'bridge',
      tone: 'bad',
      title: 'Lost the connection to the engine',
      detail: 'Reconnecting by itself; what you see may be out of date until then.',
    });
  }
  if (connection.before !== 'connected' && connection.after === 'connected' && wasEverConnected) {
    drafts.push({ kind: 'bridge', tone: 'ok', title: 'Reconnected to the engine', detail: null });
  }

  const link = { before: selectConversationLink(before)?.status ?? 'idle', after: selectConversationLink(after)?.status ?? 'idle' };
  if (link.before === 'joined' && link.after === 'reconnecting') {
    drafts.push({
      kind: 'conversation',
      tone: 'warn',
      title: 'Conversation link lost',
      detail: 'Reconnecting to Janus; your audio keeps flowing meanwhile.',
    });
  }
  if (link.before === 'reconnecting' && link.after === 'joined') {
    drafts.push({ kind: 'conversation', tone: 'ok', title: 'Conversation reconnected', detail: null });
  }

  const phase = { before: phaseOf(before), after: phaseOf(after) };
  const afterPhase = after.engine?.failover?.phase;
  if (phase.before !== 'onBackup' && phase.after === 'onBackup') {
    drafts.push({
      kind: 'failover',
      tone: 'warn',
      title: 'Moved to the backup space',
      detail: afterPhase?.phase === 'onBackup' ? afterPhase.reason : null,
    });
  }
  if (phase.before === 'returning' && phase.after === 'onPrimary') {
    drafts.push({ kind: 'failover', tone: 'ok', title: 'Back on the primary space', detail: null });
  }

  const lock = { before: selectSelfParticipant(before)?.lock ?? null, after: selectSelfParticipant(after)?.lock ?? null };
  if (lock.before === null && lock.after !== null) {
    drafts.push({
      kind: 'lock',
      tone: 'warn',
      title: `Muted by ${lock.after.by}`,
      detail: lock.after.reason || 'Use "Request to speak" to ask to be unmuted.',
    });
  }
  if (lock.before !== null && lock.after === null && selectSelfParticipant(after) !== null) {
    drafts.push({
      kind: 'lock',
      tone: 'ok',
      title: 'A moderator lifted your mute',
      detail: 'Unmute yourself when you are ready to speak.',
    });
  }

  // "On air" as the lamp means it: the program reaching listeners, not merely a show running.
  const lamp = { before: onAirLamp(before.engine?.broadcast ?? null), after: onAirLamp(after.engine?.broadcast ?? null) };
  if (!lampIsLit(lamp.before) && lampIsLit(lamp.after))
    drafts.push({ kind: 'show', tone: 'bad', title: 'You are on air', detail: 'The program is reaching listeners.' });
  if (lamp.before.kind !== 'unreached' && lamp.after.kind === 'unreached' && lamp.after.total > 0) {
    drafts.push({
      kind: 'show',
      tone: 'warn',
      title: 'Not reaching listeners',
      detail: 'No output is live: the Program panel says why and when each retries.',
    });
  }
  if (selectIsOnAir(before) && !selectIsOnAir(after))
    drafts.push({
      kind: 'show',
      tone: 'info',
      title: 'The show has ended',
      detail: 'The outputs are closed and the safety recording is complete.',
    });
  return drafts;
}

/** Creates the toasts slice: it watches the store's changes and times each toast out with `deps.setTimer`. */
export const createToastsSlice =
  (deps: Pick<StoreDeps, 'setTimer'>): AppSlice<ToastsSlice> =>
  (set, get, api) => {
    let nextId = 1;
    let everConnected = false;
    const dismiss = (id: number): void => set((current) => ({ toasts: current.toasts.filter((toast) => toast.id !== id) }));
    // The store lives as long as the window: so does this subscription.
    api.subscribe((after, before) => {
      const drafts = toastsFor(before, after, everConnected);
      if (before.connection.status === 'connected') everConnected = true;
      if (drafts.length === 0) return;
      const added = drafts.map((draft): Toast => ({ ...draft, id: nextId++ }));
      const toasts = mergeToasts(get().toasts, added);
      set({ toasts });
      for (const toast of toasts)
        if (added.some((draft) => draft.id === toast.id)) deps.setTimer(() => dismiss(toast.id), TOAST_MS[toast.tone]);
    });
    return { toasts: [], dismissToast: dismiss };
  };
