import { randomBytes } from 'node:crypto';
import { moderateText, SPACE_CHANNEL_VERSION, type ModeratorAnnouncement, type ParticipantMessage } from '../../shared/space-channel';
import type { Clock } from '../clock';
import { EngineCommandError } from '../engine-errors';
import { proofOf } from '../invites/space-keys';
import type { Logger } from '../log/logger';

/*
 * A producer moderates without the room secret: its engine sends each request on the space channel
 * with an HMAC by its invite key over the request and its own feed; the host's engine (the only
 * holder of the room secret) checks it against its book and answers with a (signed) `moderated`
 * announcement. When the host's app is down nobody answers, and the producer is told so.
 */

/** A moderation request as it travels, without the proof. */
export type RelayBody = Omit<Extract<ParticipantMessage, { type: 'moderate' }>, 'v' | 'type' | 'proof'>;

/** The request fields a producer's engine fills in. */
export type RelayAsk = Omit<RelayBody, 'id' | 'at'>;

/** The answer the host's engine announces. */
export type RelayAnswer = Extract<ModeratorAnnouncement, { type: 'moderated' }>;

/** How long a producer's engine waits for the host's engine to answer. */
const ANSWER_MS = 5000;

/** How many request ids the host's engine remembers (a replay of one is refused). */
const IDS_KEPT = 5000;

const HOST_SILENT =
  "The host's app did not answer: producers can mute, unmute and remove people only while the host's app is in the room (it holds the room's keys). Ask the host, or try again when the host's app is back.";

/** Both ends of the relay: the producer's requests waiting for answers, and the ids the host's engine has acted on. */
export class ProducerRelay {
  private readonly waiting = new Map<string, { resolve: (muted: number | null) => void; reject: (error: Error) => void; timer: unknown }>();
  private readonly seen = new Set<string>();

  constructor(private readonly options: { readonly clock: Clock; readonly logger: Logger }) {}

  /** A producer's engine: the signed request to post for `ask` from feed `selfFeed`, and the answer to wait for. */
  ask(ask: RelayAsk, selfFeed: string, inviteKey: string): { message: ParticipantMessage; answer: Promise<number | null> } {
    const body: RelayBody = { id: randomBytes(12).toString('base64url'), at: this.options.clock.now(), ...ask };
    const message: ParticipantMessage = {
      v: SPACE_CHANNEL_VERSION,
      type: 'moderate',
      ...body,
      proof: proofOf(inviteKey, moderateText(selfFeed, body)),
    };
    const answer = new Promise<number | null>((resolve, reject) => {
      const timer = this.options.clock.setTimeout(() => {
        this.waiting.delete(body.id);
        reject(new EngineCommandError(HOST_SILENT));
      }, ANSWER_MS);
      this.waiting.set(body.id, { resolve, reject, timer });
    });
    return { message, answer };
  }

  /** The host's engine answered (its signature already checked). */
  answered(answer: RelayAnswer): void {
    const pending = this.waiting.get(answer.id);
    if (pending === undefined) return;
    this.waiting.delete(answer.id);
    this.options.clock.clearTimeout(pending.timer);
    if (answer.ok) pending.resolve(answer.muted);
    else pending.reject(new EngineCommandError(answer.message));
  }

  /**
   * The host's engine checks a request from feed `from`: the feed's proven invite must be an active
   * producer invite whose key made the proof, the feed in the room, and the id new. Null when it may
   * be done, else why not (for the answer).
   */
  check(
    from: string,
    message: Extract<ParticipantMessage, { type: 'moderate' }>,
    invite: { readonly role: string; readonly key: string } | null,
    inRoom: boolean,
  ): string | null {
    if (invite?.role !== 'producer' || proofOf(invite.key, moderateText(from, message)) !== message.proof) {
      this.options.logger.warn(`refused a moderation request from feed ${from}: not a verified producer with an active invite`);
      return "The host's app did not accept the request: your producer invite is not valid any more (revoked or expired). Ask the host for a new one.";
    }
    // Replays are refused by id (apps' clocks differ, so the request's time is not checked against ours).
    if (this.seen.has(message.id) || !inRoom)
      return "The host's app refused a repeated request, or one from a participant no longer in the room: try again.";
    this.seen.add(message.id);
    if (this.seen.size > IDS_KEPT) this.seen.delete(this.seen.values().next().value ?? '');
    return null;
  }
}
