import type { InviteSummary } from '../../../electron/shared/conversation';
import type { StatusTone } from '../../components/status-pill';

/** How long a new invite can be used: the choices of the create form. */
export const EXPIRY_CHOICES: readonly { minutes: number; label: string }[] = [
  { minutes: 60, label: '1 hour' },
  { minutes: 24 * 60, label: '24 hours' },
  { minutes: 7 * 24 * 60, label: '7 days' },
];

/** The default expiry of the create form. */
export const DEFAULT_EXPIRY_MINUTES = 24 * 60;

/** A time left, coarse enough to read at a glance: `6 d 23 h`, `23 h 59 min`, `14 min`, `less than a minute`. */
export function formatRemaining(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** When something happens, e.g. `14:02` today, `25 Nov 14:02` on another day. */
export function formatMoment(at: number, now: number): string {
  const date = new Date(at);
  const time = `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
  if (date.toDateString() === new Date(now).toDateString()) return time;
  const day = date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  return `${day} ${time}`;
}

/** The expiry of an invite in words: `Expires in 23 h 59 min` or `Expired at 14:02`. */
export function describeExpiry(expiresAt: number, now: number): string {
  return expiresAt > now ? `Expires in ${formatRemaining(expiresAt - now)}` : `Expired at ${formatMoment(expiresAt, now)}`;
}

/** The status the list shows: an active invite past its expiry is expired, even before the engine says so. */
export function effectiveStatus(invite: Pick<InviteSummary, 'status' | 'expiresAt'>, now: number): InviteSummary['status'] {
  return invite.status === 'active' && invite.expiresAt <= now ? 'expired' : invite.status;
}

/** Tone and label of an invite's status pill. */
export const INVITE_STATUS_WORDS: Record<InviteSummary['status'], { tone: StatusTone; label: string }> = {
  active: { tone: 'ok', label: 'Active' },
  expired: { tone: 'neutral', label: 'Expired' },
  revoked: { tone: 'bad', label: 'Revoked' },
};

/** The invites in list order: active first (soonest to expire first), then the rest newest first. */
export function sortInvites(invites: readonly InviteSummary[], now: number): InviteSummary[] {
  return invites.toSorted((a, b) => {
    const aActive = effectiveStatus(a, now) === 'active';
    const bActive = effectiveStatus(b, now) === 'active';
    if (aActive !== bActive) return aActive ? -1 : 1;
    return aActive ? a.expiresAt - b.expiresAt : b.createdAt - a.createdAt;
  });
}
