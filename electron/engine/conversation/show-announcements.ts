import type { ShowStatus } from '../../shared/conversation';
import { SPACE_CHANNEL_VERSION, type ModeratorAnnouncement } from '../../shared/space-channel';
import type { Clock } from '../clock';
import type { Logger } from '../log/logger';
import { describeError } from '../../shared/describe-error';

/** Show announcement timings: repeated every `announceEveryMs` while on air; unknown after `staleMs` without one. */
export interface ShowTimings {
  readonly announceEveryMs: number;
  readonly staleMs: number;
}

/** While on air the host's app says so again every 5 s; another app that has not heard it for 15 s no longer knows. */
export const SHOW_TIMINGS: ShowTimings = { announceEveryMs: 5000, staleMs: 15_000 };

/** A show announcement as it travels. */
export type ShowAnnouncement = Extract<ModeratorAnnouncement, { type: 'show' }>;

/** What the show announcer needs from the conversation. */
export interface ShowPort {
  /** True when this app is the host's and may announce on an open channel now. */
  canAnnounce(): boolean;
  /** True when this app is the host's (it repeats its announcement while on air). */
  isHost(): boolean;
  /** The host's name as it announces. */
  display(): string;
  announce(announcement: ShowAnnouncement): Promise<void>;
}

/**
 * The show on the space channel: the host's app announces whether its program is on air (at
 * once, on request and every few seconds while on air); every app keeps the newest it heard and
 * forgets it when the announcements stop.
 */
export class ShowAnnouncements {
  /** This engine's own program (the host's show): on air since, or null. */
  private programSince: number | null = null;
  private show: ShowStatus = { status: 'unknown' };
  private revisionHeard = 0;
  private heardAt = 0;
  private revisionSent = 0;
  private announcedAt = 0;

  constructor(
    private readonly options: {
      readonly clock: Clock;
      readonly logger: Logger;
      readonly port: ShowPort;
      readonly timings?: ShowTimings | undefined;
      /** Called when the show as this app knows it changes. */
      readonly onChange: () => void;
    },
  ) {}

  /** The show as this app knows it. */
  get status(): ShowStatus {
    return this.show;
  }

  /** The engine's program started (on air since `since`) or ended (null): a host's app tells the room. */
  setProgram(since: number | null): void {
    if (since === this.programSince) return;
    this.programSince = since;
    this.announce();
  }

  /** The host's app announces its show (on air since …, or off air); anyone else's does nothing. */
  announce(): void {
    const { port, clock, logger } = this.options;
    if (!port.canAnnounce()) return;
    const now = clock.now();
    this.revisionSent = Math.max(now, this.revisionSent + 1);
    this.announcedAt = now;
    const since = this.programSince;
    void port
      .announce({
        v: SPACE_CHANNEL_VERSION,
        type: 'show',
        revision: this.revisionSent,
        onAir: since !== null,
        since,
        by: port.display().slice(0, 200),
      })
      .catch((error: unknown) => logger.warn(`could not announce the show: ${describeError(error)}`));
  }

  /** While on air the host says so again; a show not heard of for a while is no longer known. */
  tick(now: number): void {
    const timings = this.options.timings ?? SHOW_TIMINGS;
    if (this.options.port.isHost() && this.programSince !== null && now - this.announcedAt >= timings.announceEveryMs) this.announce();
    if (this.show.status === 'on-air' && now - this.heardAt > timings.staleMs) {
      this.options.logger.warn(
        `no word of the show from ${this.show.by} for ${Math.round((now - this.heardAt) / 1000)} s: whether it is on air is not known`,
      );
      this.show = { status: 'unknown' };
      this.options.onChange();
    }
  }

  /** A show announcement heard on the channel (the newest revision wins). */
  heard(announcement: ShowAnnouncement): void {
    if (announcement.revision <= this.revisionHeard) return;
    this.revisionHeard = announcement.revision;
    this.heardAt = this.options.clock.now();
    const by = announcement.by.slice(0, 200);
    const next: ShowStatus =
      announcement.onAir && announcement.since !== null ? { status: 'on-air', since: announcement.since, by } : { status: 'off-air', by };
    if (JSON.stringify(next) === JSON.stringify(this.show)) return;
    this.show = next;
    this.options.logger.info(
      next.status === 'on-air' ? `${by} is on air (since ${new Date(next.since).toISOString()})` : `${by} is off air`,
    );
    this.options.onChange();
  }

  /** Forgets the show heard (leaving the conversation); this engine's own program stays as it is. */
  reset(): void {
    this.show = { status: 'unknown' };
    this.revisionHeard = 0;
  }
}
