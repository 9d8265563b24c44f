import Janode from 'janode';
import AudioBridgePlugin, {
  type AudioBridgeEventData,
  type AudioBridgeHandle,
  type AudioBridgeParticipant,
  type RoomId,
} from 'janode/plugins/audiobridge';
import type { Logger } from '../log/logger';
import { EngineCommandError } from '../engine-errors';
import type { Clock } from '../clock';
import type { JanusLink } from './janus-link';
import { reattachHandle } from './session-reclaim';
import { describeError } from '../../shared/describe-error';

/*
 * One AudioBridge handle on a JanusLink's session: join, offer/answer, self-mute, moderation,
 * room provisioning, and the participant list kept from Janus's events. Events sent while the
 * transport was down are lost, so after the link is reclaimed `resync()` rebuilds the handle on the
 * claimed session and re-reads the whole list with `listparticipants`.
 */

/** A participant as Janus reports it; roles and names are decoded by the conversation. */
export interface RoomParticipant {
  readonly id: string;
  readonly display: string;
  readonly muted: boolean;
  readonly talking: boolean;
  /** The participant's PeerConnection with Janus is up. */
  readonly connected: boolean;
}

/** What a join needs. */
export interface JoinRequest {
  readonly room: number;
  readonly display: string;
  readonly token?: string | undefined;
  readonly pin?: string | undefined;
  readonly muted: boolean;
}

/** Why this handle is no longer in the room. */
export type RemovedReason = 'kicked' | 'room-destroyed';

/** Room options for provisioning. */
export interface CreateRoomRequest {
  readonly room: number;
  readonly secret: string;
  readonly pin?: string | undefined;
  readonly description: string;
  readonly allowed: readonly string[];
  /** The plugin's admin key, where the server requires one to create rooms. */
  readonly adminKey?: string | undefined;
}

/** The fields of a Janus `create` request every room of a space shares (AudioBridge and TextRoom alike). */
export function createRoomFields(request: CreateRoomRequest): Record<string, unknown> {
  return {
    request: 'create',
    room: request.room,
    description: request.description.slice(0, 120),
    secret: request.secret,
    ...(request.pin !== undefined ? { pin: request.pin } : {}),
    ...(request.adminKey !== undefined ? { admin_key: request.adminKey } : {}),
  };
}

const EVENT = AudioBridgePlugin.EVENT;
const HANGUP_EVENT = Janode.EVENT.HANDLE_HANGUP ?? 'handle_hangup';

/** Longest wait for Janus's hangup event before a renewed offer goes anyway. */
const RENEW_HANGUP_WAIT_MS = 2000;

/**
 * Janus AudioBridge refusals worth a plain-language message, matched on Janus's reason text
 * (its numeric codes differ between releases: 1.1.2 answers 489 for a token not in the allowed list).
 */
const ERROR_MESSAGES: readonly [RegExp, string][] = [
  [
    /no such room/i,
    'The conversation room does not exist on this Janus server: the host has not opened it yet. Ask the host to join first, then try again.',
  ],
  [
    /not in the allowed list/i,
    'This invite is no longer accepted by the room: it was revoked or has expired. Ask the host for a new invite.',
  ],
  [
    /wrong pin|invalid pin|missing pin/i,
    'The room refused the PIN: ask the host for a new invite (or correct janus.room.pin in the space settings).',
  ],
  [/wrong secret|invalid secret|missing secret/i, 'The room refused the room secret: check janus.room.secret in the space settings.'],
  [/already (in|joined)|already exists/i, 'You are already in this room from another window: leave there first.'],
];

/** Turns a janode/Janus error into a message the user can act on. */
export function explainRoomError(error: unknown): string {
  const message = describeError(error);
  for (const [pattern, text] of ERROR_MESSAGES) if (pattern.test(message)) return text;
  return message;
}

/** One AudioBridge handle and the room it is in. */
export class AudioBridgeRoom {
  private handle: AudioBridgeHandle | null = null;
  private handleId: number | null = null;
  private joined: { room: number; feed: RoomId } | null = null;
  /** The last join, for a rejoin with a new PeerConnection. */
  private joinRequest: JoinRequest | null = null;
  private secret: string | undefined;
  private readonly list = new Map<string, RoomParticipant>();
  private readonly changeListeners = new Set<() => void>();
  private readonly removedListeners = new Set<(reason: RemovedReason) => void>();

  constructor(
    private readonly janus: JanusLink,
    private readonly options: { readonly logger: Logger; readonly clock: Clock },
  ) {}

  /** Our own feed id once joined. */
  get selfId(): string | null {
    return this.joined ? String(this.joined.feed) : null;
  }

  /** Everyone in the room, us included. */
  participants(): RoomParticipant[] {
    return [...this.list.values()];
  }

  /** Subscribes to participant changes; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Subscribes to this handle being removed from the room by someone else. */
  onRemoved(listener: (reason: RemovedReason) => void): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  /** Joins `request.room`; the media follows with {@link offer}. */
  async join(request: JoinRequest): Promise<{ selfId: string }> {
    const handle = await this.attach();
    return { selfId: await this.enter(handle, request) };
  }

  /** Sends the page's SDP offer (non-trickle) and returns Janus's answer. */
  async offer(sdp: string, options: { iceRestart: boolean }): Promise<string> {
    const handle = this.requireHandle();
    const { jsep } = await handle.configure({ jsep: { type: 'offer', sdp, trickle: false } });
    if (jsep?.type !== 'answer') throw new Error(`Janus sent no SDP answer${options.iceRestart ? ' to the ICE restart' : ''}`);
    return jsep.sdp;
  }

  /**
   * A new page's PeerConnection for a handle that already had one (the window was reloaded or
   * its renderer crashed). Janus cannot hand a handle's DTLS session to a new peer, so the old
   * PeerConnection is hung up (AudioBridge `hangup`); Janus 1.1 then drops the participant from
   * the room, so it joins again on the same handle with the same feed id, `muted` as given, and
   * the new offer is negotiated as a first one.
   */
  async renewMedia(sdp: string, options: { readonly muted: boolean }): Promise<string> {
    const handle = this.requireHandle();
    const joined = this.joined;
    const request = this.joinRequest;
    if (joined === null || request === null) throw new EngineCommandError('Not in the room.');
    const selfId = String(joined.feed);
    const connected = this.list.get(selfId)?.connected === true;
    const hungUp = new Promise<void>((resolve) => {
      // Janus confirms the hangup with an event; none comes when the old peer had already gone.
      if (!connected) {
        resolve();
        return;
      }
      const done = (): void => {
        this.options.clock.clearTimeout(timer);
        handle.off(HANGUP_EVENT, done);
        resolve();
      };
      const timer = this.options.clock.setTimeout(done, RENEW_HANGUP_WAIT_MS);
      handle.on(HANGUP_EVENT, done);
    });
    await handle
      .audioHangup()
      .catch((error: unknown) => this.options.logger.warn(`hangup of the old PeerConnection: ${describeError(error)}`));
    await hungUp;
    try {
      await this.enter(handle, { ...request, muted: options.muted }, joined.feed);
    } catch (error) {
      // A server that keeps the participant after a hangup needs no rejoin.
      if (!/already in a room/i.test(describeError(error))) throw error;
    }
    this.options.logger.info(`the old PeerConnection is hung up; feed ${selfId} negotiates the new page's offer`);
    return this.offer(sdp, { iceRestart: false });
  }

  /** Mutes or unmutes our own microphone in the mix. */
  async setMuted(muted: boolean): Promise<void> {
    await this.requireHandle().configure({ muted });
    const selfId = this.selfId;
    const self = selfId === null ? undefined : this.list.get(selfId);
    if (self) {
      this.list.set(self.id, { ...self, muted, talking: muted ? false : self.talking });
      this.changed();
    }
  }

  /** Removes a participant (needs the room secret, given at join or provisioning). */
  async kick(feed: string, secret: string | undefined = this.secret): Promise<void> {
    const joined = this.joined;
    if (joined === null) throw new EngineCommandError('Not in the room.');
    await this.requireHandle().kick({ room: joined.room, feed: numericOrString(feed), ...(secret !== undefined ? { secret } : {}) });
  }

  /** Mutes or unmutes another participant in the mix (needs the room secret). */
  async moderate(feed: string, muted: boolean): Promise<void> {
    const joined = this.joined;
    if (joined === null) throw new EngineCommandError('Not in the room.');
    const handle = this.requireHandle();
    const request = { room: joined.room, feed: numericOrString(feed), ...(this.secret !== undefined ? { secret: this.secret } : {}) };
    try {
      if (muted) await handle.mute(request);
      else await handle.unmute(request);
    } catch (error) {
      throw new EngineCommandError(`Janus refused to ${muted ? 'mute' : 'unmute'} that participant: ${explainRoomError(error)}`);
    }
    const known = this.list.get(feed);
    if (known) {
      this.list.set(feed, { ...known, muted, talking: muted ? false : known.talking });
      this.changed();
    }
  }

  /** Remembers the room secret for moderation by this handle. */
  useSecret(secret: string | undefined): void {
    this.secret = secret;
  }

  /** Leaves the room and detaches the handle (best effort: the session may be gone). */
  async leave(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    this.joined = null;
    this.list.clear();
    if (handle === null) return;
    await handle.leave().catch(() => undefined);
    await handle.detach().catch(() => undefined);
  }

  /** Creates the room with its allowed-token list, or updates the list of an existing room; true when created. */
  async createRoom(request: CreateRoomRequest): Promise<boolean> {
    const handle = await this.attach();
    const { exists } = await handle.exists({ room: request.room });
    if (exists) {
      await this.allowTokens(request.room, request.secret, 'add', [...request.allowed]);
      return false;
    }
    // janode's create() has no `allowed` field; one request keeps the room closed from its first moment.
    const response = await handle
      .message({
        ...createRoomFields(request),
        sampling_rate: 48_000,
        audiolevel_event: true,
        // Talking after 0.5 s of voice (Janus's default is 2 s), at Janus's default level threshold.
        audio_active_packets: 25,
        allowed: [...request.allowed],
        is_private: true,
        permanent: false,
      })
      .catch((error: unknown) => {
        throw new EngineCommandError(`Janus refused to create room ${request.room}: ${explainRoomError(error)}`);
      });
    const data = (response as { plugindata?: { data?: { audiobridge?: string; error?: string } } }).plugindata?.data;
    if (data?.audiobridge !== 'created')
      throw new EngineCommandError(`Janus did not create room ${request.room}${data?.error ? `: ${data.error}` : ''}.`);
    return true;
  }

  /** Adds or removes tokens in a room's allowed list and keeps the token check on. */
  async allowTokens(room: number, secret: string, action: 'add' | 'remove', tokens: string[]): Promise<void> {
    const handle = await this.attach();
    try {
      await handle.allow({ room, action, list: tokens, secret });
      if (action === 'add') await handle.allow({ room, action: 'enable', secret });
    } catch (error) {
      throw new EngineCommandError(`Could not update the allowed list of room ${room}: ${explainRoomError(error)}`);
    }
  }

  /**
   * After the link was reclaimed: rebuilds the handle on the claimed session (same id on the
   * server) and re-reads every participant, since events sent during the gap are lost.
   */
  async resync(): Promise<void> {
    const handleId = this.handleId;
    const joined = this.joined;
    if (handleId === null || joined === null) return;
    const handle = reattachHandle(this.janus.session, AudioBridgePlugin.Handle, handleId);
    handle.feed = joined.feed;
    handle.room = joined.room;
    this.install(handle);
    const { participants } = await handle.listParticipants({
      room: joined.room,
      ...(this.secret !== undefined ? { secret: this.secret } : {}),
    });
    const selfId = String(joined.feed);
    const self = this.list.get(selfId);
    this.list.clear();
    for (const participant of participants) this.upsert(participant);
    if (!this.list.has(selfId) && self) this.list.set(selfId, self);
    this.changed();
  }

  /** Joins the room on `handle` (as `feed` when given: a rejoin keeps its id); returns our feed id. */
  private async enter(handle: AudioBridgeHandle, request: JoinRequest, feed?: RoomId): Promise<string> {
    let result: Awaited<ReturnType<AudioBridgeHandle['join']>>;
    try {
      result = await handle.join({
        room: request.room,
        display: request.display,
        muted: request.muted,
        ...(feed !== undefined ? { feed } : {}),
        ...(request.token !== undefined ? { token: request.token } : {}),
        ...(request.pin !== undefined ? { pin: request.pin } : {}),
      });
    } catch (error) {
      if (feed !== undefined && /already in a room/i.test(describeError(error))) throw error;
      throw new EngineCommandError(explainRoomError(error));
    }
    this.joined = { room: request.room, feed: result.feed };
    this.joinRequest = request;
    this.list.clear();
    for (const participant of result.participants) this.upsert(participant);
    this.list.set(String(result.feed), {
      id: String(result.feed),
      display: request.display,
      muted: request.muted,
      talking: false,
      connected: false,
    });
    this.changed();
    return String(result.feed);
  }

  private async attach(): Promise<AudioBridgeHandle> {
    if (this.handle !== null) return this.handle;
    const handle = await this.janus.session.attach<AudioBridgeHandle>(AudioBridgePlugin);
    this.handleId = handle.id;
    this.install(handle);
    return handle;
  }

  private requireHandle(): AudioBridgeHandle {
    if (this.handle === null) throw new EngineCommandError('Not connected to the room right now: wait for the conversation to reconnect.');
    return this.handle;
  }

  /** Makes `handle` current and listens to its events. */
  private install(handle: AudioBridgeHandle): void {
    this.handle = handle;
    const on = (event: string | undefined, listener: (data: AudioBridgeEventData) => void): void => {
      if (event !== undefined) handle.on(event, listener);
    };
    on(EVENT.AUDIOBRIDGE_PEER_JOINED, (data) => this.patch(data, { connected: data.setup ?? false, talking: false }));
    on(EVENT.AUDIOBRIDGE_PEER_CONFIGURED, (data) => this.patch(data, {}));
    on(EVENT.AUDIOBRIDGE_CONFIGURED, (data) => this.patch(data, {}));
    on(EVENT.AUDIOBRIDGE_PEER_TALKING, (data) => this.patch(data, { talking: data.talking ?? false }));
    on(EVENT.AUDIOBRIDGE_TALKING, (data) => this.patch(data, { talking: data.talking ?? false }));
    on(EVENT.AUDIOBRIDGE_PEER_LEAVING, (data) => this.remove(data.feed));
    on(EVENT.AUDIOBRIDGE_PEER_KICKED, (data) => this.remove(data.feed));
    on(EVENT.AUDIOBRIDGE_KICKED, () => this.removed('kicked'));
    on(EVENT.AUDIOBRIDGE_DESTROYED, () => this.removed('room-destroyed'));
    handle.on(Janode.EVENT.HANDLE_WEBRTCUP ?? 'handle_webrtcup', () => this.setSelfConnected(true));
    handle.on(HANGUP_EVENT, () => this.setSelfConnected(false));
  }

  private upsert(participant: AudioBridgeParticipant): void {
    const id = String(participant.feed);
    this.list.set(id, {
      id,
      display: participant.display ?? '',
      muted: participant.muted ?? false,
      talking: participant.talking ?? false,
      connected: participant.setup ?? false,
    });
  }

  private patch(data: AudioBridgeEventData, extra: Partial<RoomParticipant>): void {
    if (data.feed === undefined) return;
    const id = String(data.feed);
    const known = this.list.get(id);
    this.list.set(id, {
      id,
      display: data.display ?? known?.display ?? '',
      muted: data.muted ?? known?.muted ?? false,
      talking: extra.talking ?? known?.talking ?? false,
      connected: data.setup ?? extra.connected ?? known?.connected ?? false,
    });
    this.changed();
  }

  private remove(feed: RoomId | undefined): void {
    if (feed === undefined) return;
    if (this.list.delete(String(feed))) this.changed();
  }

  private setSelfConnected(connected: boolean): void {
    const selfId = this.selfId;
    const self = selfId === null ? undefined : this.list.get(selfId);
    if (self && self.connected !== connected) {
      this.list.set(self.id, { ...self, connected });
      this.changed();
    }
  }

  private removed(reason: RemovedReason): void {
    this.options.logger.warn(reason === 'kicked' ? 'removed from the room by a moderator' : 'the room was destroyed');
    this.joined = null;
    this.list.clear();
    this.changed();
    for (const listener of this.removedListeners) listener(reason);
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }
}

function numericOrString(id: string): RoomId {
  return /^\d+$/.test(id) && Number.isSafeInteger(Number(id)) ? Number(id) : id;
}
