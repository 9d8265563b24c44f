import type { SpaceChannelStatus } from '../../shared/conversation';
import { parseParticipantMessage, type ParticipantMessage } from '../../shared/space-channel';
import type { Clock } from '../clock';
import type { Logger } from '../log/logger';
import type { ChannelDelivery, ChannelJoin } from '../space-channel/textroom-channel';
import type { Attempt } from './attempt';
import { assertNever } from '../../shared/assert-never';
import { describeError } from '../../shared/describe-error';

/** The channel as the session uses it (TextRoomChannel; a fake in unit tests). */
export interface ChannelLike {
  onDelivery(listener: (delivery: ChannelDelivery) => void): () => void;
  onClosed(listener: (reason: string) => void): () => void;
  join(request: ChannelJoin): Promise<unknown>;
  send(text: string): Promise<void>;
  post(text: string): void;
  announce(text: string, secret: string): Promise<void>;
  resync(): void;
  close(): Promise<void>;
}

/** What arrives on the channel: participant messages parsed (malformed ones never reach it), announcements as sent. */
export interface ChannelHandlers {
  message(from: string, message: ParticipantMessage): void;
  /** An announcement's raw text: the owner checks the host's signature before believing it. */
  announcement(text: string): void;
  /** Someone joined the channel (they learn the locks and the show at once). */
  joined(): void;
  /** Our end just opened. */
  opened(): void;
}

/**
 * This app's end of the space channel in the room it joined. The conversation works without it:
 * a channel that cannot open or closes by itself becomes `unavailable` with what still works.
 * Every opening belongs to one attempt; what a stale attempt's channel says is dropped.
 */
export class SpaceChannelSession {
  private channel: ChannelLike | null = null;
  private state: SpaceChannelStatus = { status: 'closed' };

  constructor(
    private readonly options: {
      readonly clock: Clock;
      readonly logger: Logger;
      readonly handlers: ChannelHandlers;
      /** Called after every change of the status. */
      readonly onChange: () => void;
    },
  ) {}

  /** The channel as the UI sees it. */
  get status(): SpaceChannelStatus {
    return this.state;
  }

  /** True while our end is open. */
  get isOpen(): boolean {
    return this.channel !== null && this.state.status === 'open';
  }

  /** Opens `channel` and joins its room; never throws (the status says how it went). */
  async open(channel: ChannelLike, join: ChannelJoin, attempt: Attempt): Promise<void> {
    this.channel = channel;
    this.setStatus({ status: 'connecting' });
    channel.onDelivery((delivery) => {
      if (attempt.current) this.deliver(delivery);
    });
    channel.onClosed((reason) => {
      if (!attempt.current || this.channel !== channel) return;
      this.channel = null;
      this.setStatus({
        status: 'unavailable',
        reason: `${reason}: mutes still work, but locks, requests to speak and microphone reports do not travel until you rejoin.`,
      });
    });
    try {
      await channel.join(join);
    } catch (error) {
      if (!attempt.current || this.channel !== channel) return;
      this.channel = null;
      void channel.close();
      this.options.logger.warn(`space channel unavailable: ${describeError(error)}`);
      this.setStatus({
        status: 'unavailable',
        reason: `The space channel could not open (${describeError(error)}). Mutes still work, but locks, requests to speak and microphone reports do not travel. Check that the Janus server loads the TextRoom plugin, then rejoin.`,
      });
      return;
    }
    if (!attempt.current || this.channel !== channel) {
      await channel.close();
      return;
    }
    this.setStatus({ status: 'open', since: this.options.clock.now() });
    this.options.logger.info('space channel open');
    this.options.handlers.opened();
  }

  /** Sends a moderator announcement (Janus checks the secret); false when the channel is not open. */
  async announce(text: string, secret: string): Promise<boolean> {
    const channel = this.channel;
    if (channel === null || !this.isOpen) return false;
    await channel.announce(text, secret);
    return true;
  }

  /** Sends a participant message and waits for Janus to take it; false when the channel is not open. */
  async send(text: string): Promise<boolean> {
    const channel = this.channel;
    if (channel === null || !this.isOpen) return false;
    await channel.send(text);
    return true;
  }

  /** Posts a participant message without waiting; false when the channel is not open. */
  post(text: string): boolean {
    const channel = this.channel;
    if (channel === null || !this.isOpen) return false;
    channel.post(text);
    return true;
  }

  /** The Janus session was claimed back: the channel rebuilds its API handle. */
  resync(): void {
    this.channel?.resync();
  }

  /** Closes our end; the status becomes `closed` without telling anyone (the caller publishes). */
  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = null;
    this.state = { status: 'closed' };
    await channel?.close().catch(() => undefined);
  }

  private deliver(delivery: ChannelDelivery): void {
    switch (delivery.kind) {
      case 'message': {
        const message = parseParticipantMessage(delivery.text);
        if (message !== null) this.options.handlers.message(delivery.from, message);
        return;
      }
      case 'announcement':
        this.options.handlers.announcement(delivery.text);
        return;
      case 'joined':
        this.options.handlers.joined();
        return;
      case 'left':
        return;
      default:
        assertNever(delivery);
    }
  }

  private setStatus(status: SpaceChannelStatus): void {
    this.state = status;
    this.options.onChange();
  }
}
