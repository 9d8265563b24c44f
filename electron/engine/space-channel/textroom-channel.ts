import { randomBytes } from 'node:crypto';
import TextRoomPlugin, { type TextRoomHandle } from 'janode/plugins/textroom';
import { RTCPeerConnection, type RTCDataChannel } from 'werift';
import { MAX_CHANNEL_TEXT } from '../../shared/space-channel';
import type { Clock } from '../clock';
import { EngineCommandError } from '../engine-errors';
import { createRoomFields, type CreateRoomRequest } from '../janus/audiobridge-room';
import type { JanusLink } from '../janus/janus-link';
import { reattachHandle } from '../janus/session-reclaim';
import type { Logger } from '../log/logger';
import { describeError } from '../../shared/describe-error';

/*
 * One Janus TextRoom data channel, held by the engine itself (werift: WebRTC in plain TypeScript),
 * so the space channel lives as long as the engine, with or without a window. The engine's Janus
 * session carries the signalling (setup → Janus's offer → our answer → ack); joining and messages
 * go over the data channel; announcements (moderators only: they need the room secret) go over the
 * Janus API. The channel's ICE is independent of the WebSocket: a transport outage that the
 * JanusLink claims back does not close it; `resync()` then rebuilds the API handle.
 */

/** Something said on the channel, as Janus relays it. */
export type ChannelDelivery =
  | { readonly kind: 'message'; readonly from: string; readonly text: string }
  | { readonly kind: 'announcement'; readonly text: string }
  | { readonly kind: 'joined'; readonly username: string; readonly display: string }
  | { readonly kind: 'left'; readonly username: string };

/** What joining the channel's room needs. */
export interface ChannelJoin {
  readonly room: number;
  /** Unique in the room: the app's AudioBridge feed id. */
  readonly username: string;
  readonly display: string;
  readonly token?: string | undefined;
  readonly pin?: string | undefined;
}

/** How the channel is built. */
export interface TextRoomChannelOptions {
  readonly logger: Logger;
  readonly clock: Clock;
  /**
   * Extra local addresses to offer as ICE host candidates. werift leaves out virtual interfaces
   * (veth, tun, vmnet); a test network made of a veth pair needs its address named here.
   */
  readonly iceHostAddresses?: readonly string[];
  /** How long to wait for the data channel and for answers on it (default 8 s). */
  readonly timeoutMs?: number;
}

/** Room options for provisioning a space's TextRoom: those of its AudioBridge room. */
export type CreateTextRoomRequest = CreateRoomRequest;

interface Pending {
  readonly resolve: (value: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
  readonly timer: unknown;
}

/** The engine's end of a space's TextRoom. */
export class TextRoomChannel {
  private handle: TextRoomHandle | null = null;
  private handleId: number | null = null;
  private peer: RTCPeerConnection | null = null;
  private channel: RTCDataChannel | null = null;
  private room: number | null = null;
  private closed = false;
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<(delivery: ChannelDelivery) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();

  constructor(
    private readonly janus: JanusLink,
    private readonly options: TextRoomChannelOptions,
  ) {}

  /** Subscribes to what arrives on the channel; returns the unsubscribe function. */
  onDelivery(listener: (delivery: ChannelDelivery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to the channel closing by itself (ICE failed, kicked, room destroyed). */
  onClosed(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** True while the data channel is open. */
  get open(): boolean {
    return this.channel?.readyState === 'open';
  }

  /** Opens the data channel and joins the room; returns who is already there. */
  async join(request: ChannelJoin): Promise<{ username: string; display: string }[]> {
    const handle = await this.attach();
    const { jsep } = await handle.setup();
    if (jsep?.type !== 'offer') throw new Error('Janus sent no data channel offer for the space channel');
    const peer = new RTCPeerConnection({
      iceServers: [],
      iceUseIpv6: false,
      ...(this.options.iceHostAddresses && this.options.iceHostAddresses.length > 0
        ? { iceAdditionalHostAddresses: [...this.options.iceHostAddresses] }
        : {}),
    });
    this.peer = peer;
    await peer.setRemoteDescription({ type: 'offer', sdp: jsep.sdp });
    // Janus's TextRoom expects the client to open the channel (as janus.js does with `data: true`).
    const channel = peer.createDataChannel('JanusDataChannel');
    this.channel = channel;
    const opened = this.whenOpen(peer, channel);
    // Awaited below; a failure while the answer is still on its way must not go unhandled.
    opened.catch(() => undefined);
    await peer.setLocalDescription(await peer.createAnswer());
    await this.gathered(peer);
    const local = peer.localDescription;
    if (local === undefined || local === null) throw new Error('no local description for the space channel');
    await handle.ack({ type: 'answer', sdp: local.sdp, trickle: false });
    await opened;
    channel.onMessage.subscribe((data) => this.receive(typeof data === 'string' ? data : data.toString('utf8')));
    channel.stateChanged.subscribe((state) => {
      if (state === 'closed') this.lost('the space channel closed');
    });
    peer.connectionStateChange.subscribe((state) => {
      if (state === 'failed') this.lost('the space channel lost its connection to Janus');
    });
    this.room = request.room;
    const answer = await this.request({
      textroom: 'join',
      room: request.room,
      username: request.username,
      display: request.display,
      ...(request.token !== undefined ? { token: request.token } : {}),
      ...(request.pin !== undefined ? { pin: request.pin } : {}),
    });
    const participants = Array.isArray(answer.participants) ? (answer.participants as { username?: unknown; display?: unknown }[]) : [];
    return participants.map((participant) => ({ username: textOf(participant.username), display: textOf(participant.display) }));
  }

  /** Sends a message to everyone in the room (Janus answers once it relayed it). */
  async send(text: string): Promise<void> {
    if (this.room === null) throw new EngineCommandError('The space channel is not open.');
    if (Buffer.byteLength(text) > MAX_CHANNEL_TEXT) throw new Error(`space channel message too large (${Buffer.byteLength(text)} bytes)`);
    await this.request({ textroom: 'message', room: this.room, text });
  }

  /** Sends a message without waiting for Janus's answer (frequent, loss-tolerant: mic reports). */
  post(text: string): void {
    if (this.room === null || !this.open) return;
    this.channel?.send(JSON.stringify({ textroom: 'message', room: this.room, text, ack: false, transaction: transactionId() }));
  }

  /** Announces `text` to the room as a moderator (Janus checks the room secret). */
  async announce(text: string, secret: string): Promise<void> {
    const room = this.room;
    const handle = this.handle;
    if (room === null || handle === null) throw new EngineCommandError('The space channel is not open.');
    try {
      await handle.announcement({ room, text, secret });
    } catch (error) {
      throw new EngineCommandError(`Janus refused the announcement on the space channel: ${describeError(error)}`);
    }
  }

  /** Rebuilds the API handle after the Janus session was claimed back (the data channel stayed up). */
  resync(): void {
    if (this.handleId === null || this.closed) return;
    this.handle = reattachHandle(this.janus.session, TextRoomPlugin.Handle, this.handleId);
  }

  /** Leaves the room and closes the data channel (best effort). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failPending(new Error('the space channel closed'));
    const handle = this.handle;
    this.handle = null;
    if (this.room !== null && this.open) {
      try {
        this.channel?.send(JSON.stringify({ textroom: 'leave', room: this.room, transaction: transactionId() }));
      } catch {
        // Closing anyway.
      }
    }
    this.room = null;
    await this.peer?.close().catch(() => undefined);
    this.peer = null;
    this.channel = null;
    await handle?.detach().catch(() => undefined);
  }

  /** Creates the space's TextRoom (same id and secret as its AudioBridge room), or updates its allowed list; true when created. */
  static async provision(janus: JanusLink, request: CreateTextRoomRequest): Promise<boolean> {
    const handle = await janus.session.attach<TextRoomHandle>(TextRoomPlugin);
    try {
      const { exists } = await handle.exists({ room: request.room });
      if (exists) {
        if (request.allowed.length > 0) {
          await handle.allow({ room: request.room, action: 'add', list: [...request.allowed], secret: request.secret });
          await handle.allow({ room: request.room, action: 'enable', secret: request.secret });
        }
        return false;
      }
      await handle.message({
        ...createRoomFields(request),
        is_private: true,
        permanent: false,
        allowed: [...request.allowed],
        // A late joiner gets the latest moderation state from the moderators (sync-request), not from history.
        history: 0,
      });
      return true;
    } finally {
      await handle.detach().catch(() => undefined);
    }
  }

  /** Adds or removes tokens in the TextRoom's allowed list. */
  static async allowTokens(
    janus: JanusLink,
    room: number,
    secret: string,
    action: 'add' | 'remove',
    tokens: readonly string[],
  ): Promise<void> {
    const handle = await janus.session.attach<TextRoomHandle>(TextRoomPlugin);
    try {
      await handle.allow({ room, action, list: [...tokens], secret });
      if (action === 'add') await handle.allow({ room, action: 'enable', secret });
    } finally {
      await handle.detach().catch(() => undefined);
    }
  }

  private async attach(): Promise<TextRoomHandle> {
    if (this.handle !== null) return this.handle;
    const handle = await this.janus.session.attach<TextRoomHandle>(TextRoomPlugin);
    this.handle = handle;
    this.handleId = handle.id;
    return handle;
  }

  private whenOpen(peer: RTCPeerConnection, channel: RTCDataChannel): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 8000;
    return new Promise((resolve, reject) => {
      const timer = this.options.clock.setTimeout(
        () => reject(new Error(`the space channel did not open within ${timeoutMs} ms (no ICE path to Janus?)`)),
        timeoutMs,
      );
      channel.stateChanged.subscribe((state) => {
        if (state === 'open') {
          this.options.clock.clearTimeout(timer);
          resolve();
        }
      });
      peer.connectionStateChange.subscribe((state) => {
        if (state === 'failed') {
          this.options.clock.clearTimeout(timer);
          reject(new Error('no network path to the Janus server for the data channel (ICE failed)'));
        }
      });
    });
  }

  private async gathered(peer: RTCPeerConnection): Promise<void> {
    if (peer.iceGatheringState === 'complete') return;
    await new Promise<void>((resolve) => {
      const subscription = peer.iceGatheringStateChange.subscribe((state) => {
        if (state === 'complete') {
          subscription.unSubscribe();
          resolve();
        }
      });
    });
  }

  /** Sends a request on the data channel and waits for Janus's answer to its transaction. */
  private request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const channel = this.channel;
    if (channel === null || channel.readyState !== 'open') return Promise.reject(new EngineCommandError('The space channel is not open.'));
    const transaction = transactionId();
    const timeoutMs = this.options.timeoutMs ?? 8000;
    return new Promise((resolve, reject) => {
      const timer = this.options.clock.setTimeout(() => {
        this.pending.delete(transaction);
        reject(new Error(`Janus did not answer ${String(body.textroom)} on the space channel within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(transaction, { resolve, reject, timer });
      channel.send(JSON.stringify({ ...body, transaction }));
    });
  }

  private receive(text: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.options.logger.warn('ignored a malformed frame on the space channel');
      return;
    }
    const transaction = typeof message.transaction === 'string' ? message.transaction : null;
    const pending = transaction === null ? undefined : this.pending.get(transaction);
    if (pending !== undefined && transaction !== null) {
      this.pending.delete(transaction);
      this.options.clock.clearTimeout(pending.timer);
      if (message.textroom === 'error')
        pending.reject(
          new EngineCommandError(
            `The space channel refused: ${textOf(message.error) || 'unknown error'} (${textOf(message.error_code) || '?'})`,
          ),
        );
      else pending.resolve(message);
      return;
    }
    switch (message.textroom) {
      case 'message':
        if (typeof message.from === 'string' && typeof message.text === 'string')
          this.deliver({ kind: 'message', from: message.from, text: message.text });
        return;
      case 'announcement':
        if (typeof message.text === 'string') this.deliver({ kind: 'announcement', text: message.text });
        return;
      case 'join':
        if (typeof message.username === 'string')
          this.deliver({ kind: 'joined', username: message.username, display: typeof message.display === 'string' ? message.display : '' });
        return;
      case 'leave':
        if (typeof message.username === 'string') this.deliver({ kind: 'left', username: message.username });
        return;
      case 'kicked':
        this.lost('removed from the space channel by a moderator');
        return;
      case 'destroyed':
        this.lost('the space channel room was closed');
        return;
      default:
        return;
    }
  }

  private deliver(delivery: ChannelDelivery): void {
    for (const listener of this.listeners) {
      try {
        listener(delivery);
      } catch (error) {
        this.options.logger.error('space channel listener failed', error);
      }
    }
  }

  private lost(reason: string): void {
    if (this.closed) return;
    this.options.logger.warn(reason);
    void this.close();
    for (const listener of this.closeListeners) listener(reason);
  }

  private failPending(error: Error): void {
    for (const [transaction, pending] of this.pending) {
      this.options.clock.clearTimeout(pending.timer);
      pending.reject(error);
      this.pending.delete(transaction);
    }
  }
}

function transactionId(): string {
  return randomBytes(9).toString('base64url');
}

/** A string or number from Janus's JSON as text; anything else as empty. */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
