import type { Role } from '../../shared/conversation';
import {
  rosterHelloText,
  rosterText,
  SPACE_CHANNEL_VERSION,
  type ModeratorAnnouncement,
  type ParticipantMessage,
} from '../../shared/space-channel';
import type { Clock } from '../clock';
import { proofOf, signText, verifyText, type HostKey } from '../invites/space-keys';
import type { Logger } from '../log/logger';
import { describeError } from '../../shared/describe-error';

/*
 * Who is who in the room, from what the invites granted, never from a display name. Each invitee's
 * engine proves its invite to the host's engine (a hello with an HMAC by the invite's key over its
 * own feed id); the host's engine checks the invite in its book (active, role) and announces the
 * roster signed with its key. Every app takes a participant's role from the newest roster it can
 * verify with the host's public key; a participant not in it is unverified (null).
 */

/** A roster announcement as it travels. */
export type RosterAnnouncement = Extract<ModeratorAnnouncement, { type: 'roster' }>;

/** The host's invite book as the roster asks it: an active invite's role and key, else null. */
export interface InviteCheck {
  activeInvite(inviteId: string): { readonly role: 'cohost' | 'producer'; readonly key: string } | null;
}

/** The host's half: its signing key, its invites and how to announce. */
export interface RosterHost {
  readonly key: HostKey;
  readonly invites: InviteCheck;
  announce(announcement: RosterAnnouncement): Promise<void>;
}

/** Feeds that left the room the roster keeps (their roles are harmless: feed ids are not reused). */
const MAX_ABSENT_KEPT = 50;

/** Hellos kept while their feed is not listed yet. */
const MAX_PENDING = 50;

/** Shortest pause between two hellos of one app (a roster without it asks for another). */
const HELLO_EVERY_MS = 2000;

/** The verified roles of the room's participants. */
export class Roster {
  private roles = new Map<string, { readonly role: Role; readonly inviteId: string | null }>();
  private revision = 0;
  private lastHelloAt = -Infinity;
  /** Hellos from feeds the room does not list yet. */
  private readonly pending = new Map<string, Extract<ParticipantMessage, { type: 'hello' }>>();

  constructor(
    private readonly options: {
      readonly clock: Clock;
      readonly logger: Logger;
      /** The host's public key (from the invite, or the host's own) to verify rosters with; null: none believed. */
      readonly hostPublicKey: () => string | null;
      /** Set in the host's engine only. */
      readonly host: () => RosterHost | null;
      /** Called when a role changed. */
      readonly onChange: () => void;
    },
  ) {}

  /** The invite a verified participant proved (the host's engine only), or null. */
  inviteOf(feed: string): string | null {
    return this.roles.get(feed)?.inviteId ?? null;
  }

  /** A participant's verified role, or null (unverified). */
  roleOf(feed: string): Role | null {
    return this.roles.get(feed)?.role ?? null;
  }

  /** The hello this app's engine sends for its own feed with its invite, or null when it is due later (or has no invite). */
  hello(
    selfFeed: string,
    invite: { readonly id: string; readonly key: string } | null,
    force = false,
  ): Extract<ParticipantMessage, { type: 'hello' }> | null {
    if (invite === null) return null;
    const now = this.options.clock.now();
    if (!force && now - this.lastHelloAt < HELLO_EVERY_MS) return null;
    this.lastHelloAt = now;
    return {
      v: SPACE_CHANNEL_VERSION,
      type: 'hello',
      inviteId: invite.id,
      proof: proofOf(invite.key, rosterHelloText(selfFeed, invite.id)),
    };
  }

  /** The host's engine seats itself in the roster. */
  seatHost(selfFeed: string): void {
    if (this.options.host() === null) return;
    this.set(selfFeed, { role: 'host', inviteId: null });
  }

  /**
   * The host's engine checks a hello from feed `from` whose room display names `displayInvite`:
   * the proof must be the invite's, the invite active, and the feed must be the one that joined
   * with that invite. Anything else is ignored (the participant stays unverified).
   */
  heardHello(from: string, displayInvite: string | null | undefined, message: Extract<ParticipantMessage, { type: 'hello' }>): void {
    const host = this.options.host();
    if (host === null) return;
    if (displayInvite === undefined) {
      // Not listed in the room yet: heard again when it is (see prune).
      if (this.pending.size < MAX_PENDING) this.pending.set(from, message);
      return;
    }
    const invite = host.invites.activeInvite(message.inviteId);
    if (
      invite === null ||
      displayInvite !== message.inviteId ||
      proofOf(invite.key, rosterHelloText(from, message.inviteId)) !== message.proof
    ) {
      this.options.logger.warn(`a hello from feed ${from} did not prove an active invite: it stays unverified`);
      return;
    }
    const known = this.roles.get(from);
    if (known?.role === invite.role && known.inviteId === message.inviteId) {
      // Asked again (it has not heard the roster): say it again.
      this.announce(host);
      return;
    }
    this.set(from, { role: invite.role, inviteId: message.inviteId });
  }

  /**
   * The host's engine drops the feeds of invites no longer active, and hears the hellos that came
   * before their feed was listed. Feeds that left stay (ids are never reused, and a participant
   * briefly missing from the list while its page reconnects keeps its role) until the roster grows
   * past MAX_ABSENT_KEPT of them.
   */
  prune(present: ReadonlyMap<string, string | null>): void {
    const host = this.options.host();
    if (host === null) return;
    for (const [feed, message] of this.pending) {
      if (!present.has(feed)) continue;
      this.pending.delete(feed);
      this.heardHello(feed, present.get(feed) ?? null, message);
    }
    let changed = false;
    let absent = [...this.roles.keys()].filter((feed) => !present.has(feed)).length;
    for (const [feed, entry] of this.roles) {
      const tooMany = !present.has(feed) && absent > MAX_ABSENT_KEPT;
      if (tooMany) absent -= 1;
      const gone = tooMany || (entry.inviteId !== null && host.invites.activeInvite(entry.inviteId) === null);
      if (gone) {
        this.roles.delete(feed);
        changed = true;
      }
    }
    if (changed) this.changed(host);
  }

  /** A roster heard on the channel: believed only when the host signed it and it is newer. True when it names `selfFeed`. */
  heard(announcement: RosterAnnouncement, selfFeed: string | null): boolean {
    const publicKey = this.options.hostPublicKey();
    if (this.options.host() !== null) return true;
    if (publicKey === null || !verifyText(publicKey, rosterText(announcement), announcement.signature)) {
      this.options.logger.warn('ignored a roster the host did not sign');
      return true;
    }
    if (announcement.revision > this.revision) {
      this.revision = announcement.revision;
      this.roles = new Map(announcement.entries.map((entry) => [entry.feed, { role: entry.role, inviteId: null }]));
      this.options.onChange();
    }
    return selfFeed === null || this.roles.has(selfFeed);
  }

  /** Someone joined the channel, or asked: the host's engine says the roster again. */
  repeat(): void {
    const host = this.options.host();
    if (host !== null && this.roles.size > 0) this.announce(host);
  }

  /** Forgets everything (leaving the room, or moving to another: feed ids change). */
  reset(): void {
    this.roles.clear();
    this.pending.clear();
    this.lastHelloAt = -Infinity;
  }

  private set(feed: string, entry: { readonly role: Role; readonly inviteId: string | null }): void {
    this.roles.set(feed, entry);
    const host = this.options.host();
    if (host !== null) this.changed(host);
  }

  private changed(host: RosterHost): void {
    this.options.onChange();
    this.announce(host);
  }

  private announce(host: RosterHost): void {
    this.revision = Math.max(this.options.clock.now(), this.revision + 1);
    const entries = [...this.roles].map(([feed, entry]) => ({ feed, role: entry.role }));
    const unsigned = { revision: this.revision, entries };
    const announcement: RosterAnnouncement = {
      v: SPACE_CHANNEL_VERSION,
      type: 'roster',
      ...unsigned,
      signature: signText(host.key, rosterText(unsigned)),
    };
    void host
      .announce(announcement)
      .catch((error: unknown) => this.options.logger.warn(`could not announce the roster: ${describeError(error)}`));
  }
}
