// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient declarations cannot be imported
/// <reference path="../../../electron/engine/janus/janode-textroom.d.ts" />
import Janode, { type JanodeConnection } from 'janode';
import AudioBridgePlugin, { type AudioBridgeHandle } from 'janode/plugins/audiobridge';
import TextRoomPlugin, { type TextRoomHandle } from 'janode/plugins/textroom';
import type { Clock } from '../../../electron/engine/clock';
import { systemClock } from '../../../electron/engine/clock';
import type { InvitePayload } from '../../../electron/engine/invites/invite-code';
import { describeError } from '../../../electron/shared/describe-error';

/*
 * A hostile participant: plain janode armed with every field of a decoded invite (URL, Janus
 * token, room, PIN, invite token, and any secret it carries), trying what a moderator could do.
 * Each attempt is recorded as held (Janus refused) or broken (Janus did it), for the attack table.
 */

/** What one attempt came to: `held` when the server refused it. */
export type Outcome = { readonly held: true; readonly how: string } | { readonly held: false; readonly how: string };

/** Every field of an invite's endpoint a hostile holder has. */
export interface Arms {
  readonly url: string;
  readonly janusToken?: string | undefined;
  readonly room: number;
  readonly pin?: string | undefined;
  readonly token: string;
  readonly roomSecret?: string | undefined;
  readonly inviteId: string;
}

/** The arms an invite gives for one endpoint. */
export function armsOf(invite: InvitePayload, endpoint: 'primary' | 'backup'): Arms {
  const known = invite.endpoints[endpoint];
  if (known === undefined) throw new Error(`the invite has no ${endpoint} endpoint`);
  const secret = (known as { roomSecret?: string }).roomSecret;
  return {
    url: known.janusUrl,
    janusToken: known.janusToken,
    room: known.room,
    pin: known.pin,
    token: invite.token,
    roomSecret: secret,
    inviteId: invite.id,
  };
}

async function outcome(run: () => Promise<unknown>, timeoutMs = 5000): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const result = await Promise.race([
      run(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return { held: false, how: `done: ${JSON.stringify(result)?.slice(0, 4000) ?? 'ok'}` };
  } catch (error) {
    return { held: true, how: `refused: ${describeError(error).slice(0, 200)}` };
  } finally {
    clearTimeout(timer);
  }
}

/** What each attempt came to, by name. */
export type AttackReport = Record<
  'session' | 'list' | 'participants' | 'allowed' | 'join' | 'mute' | 'kick' | 'announce' | 'destroy',
  Outcome
>;

/**
 * Tries everything with `arms` against its server: open a session, list rooms (is the room
 * visible?), list participants, add a token to `allowed`, join, mute and kick `victim`, announce
 * on the space channel, destroy the room (last). Leaves nothing behind. `harmless` skips the join and
 * the destroy (a probe with the host's own arms).
 */
export async function attack(arms: Arms, victim: string | null, options: { readonly harmless?: boolean } = {}): Promise<AttackReport> {
  let connection: JanodeConnection | null = null;
  const skipped: Outcome = { held: true, how: 'refused: no session' };
  const report: AttackReport = {
    session: skipped,
    list: skipped,
    participants: skipped,
    allowed: skipped,
    join: skipped,
    mute: skipped,
    kick: skipped,
    announce: skipped,
    destroy: skipped,
  };
  try {
    let audio: AudioBridgeHandle | null = null;
    let text: TextRoomHandle | null = null;
    report.session = await outcome(async () => {
      connection = await Janode.connect({
        address: { url: arms.url, ...(arms.janusToken !== undefined ? { token: arms.janusToken } : {}) },
        max_retries: 1,
        retry_time_secs: 1,
      });
      const session = await connection.create(10);
      audio = await session.attach<AudioBridgeHandle>(AudioBridgePlugin);
      text = await session.attach<TextRoomHandle>(TextRoomPlugin);
      return { session: 'open' };
    });
    const bridge = audio as AudioBridgeHandle | null;
    const channel = text as TextRoomHandle | null;
    if (bridge === null || channel === null) return report;
    const secret = arms.roomSecret;
    report.list = await outcome(async () => {
      const listed = (await bridge.message({ request: 'list' })) as { list?: { room: number }[] };
      if (!(listed.list ?? []).some((room) => Number(room.room) === arms.room)) throw new Error('the room is not listed');
      return { listed: arms.room };
    });
    report.participants = await outcome(() => bridge.listParticipants({ room: arms.room, ...(secret !== undefined ? { secret } : {}) }));
    report.allowed = await outcome(() =>
      bridge.allow({ room: arms.room, action: 'add', list: [`rogue-${arms.inviteId}`], ...(secret !== undefined ? { secret } : {}) }),
    );
    if (victim !== null) {
      report.mute = await outcome(() =>
        bridge.mute({ room: arms.room, feed: Number(victim), ...(secret !== undefined ? { secret } : {}) }),
      );
      report.kick = await outcome(() =>
        bridge.kick({ room: arms.room, feed: Number(victim), ...(secret !== undefined ? { secret } : {}) }),
      );
    }
    report.announce = await outcome(() =>
      channel.announcement({ room: arms.room, text: '{"v":1,"type":"moving"}', ...(secret !== undefined ? { secret } : {}) }),
    );
    if (options.harmless === true) return report;
    report.join = await outcome(() =>
      bridge.join({
        room: arms.room,
        display: 'Rex Rogue',
        token: arms.token,
        ...(arms.pin !== undefined ? { pin: arms.pin } : {}),
        muted: true,
      }),
    );
    report.destroy = await outcome(() => bridge.destroy({ room: arms.room, ...(secret !== undefined ? { secret } : {}) }));
    return report;
  } finally {
    await (connection as JanodeConnection | null)?.close().catch(() => undefined);
  }
}

/** A clock whose timers can all be dropped at once, as when the host's app quits; `shift` moves its time. */
export function stoppableClock(): Clock & { stop(): void; shift(ms: number): void } {
  let offset = 0;
  let stopped = false;
  const handles = new Set<unknown>();
  return {
    now: () => Date.now() + offset,
    setTimeout: (callback, ms) => {
      if (stopped) return null;
      const handle = systemClock.setTimeout(() => {
        handles.delete(handle);
        if (!stopped) callback();
      }, ms);
      handles.add(handle);
      return handle;
    },
    clearTimeout: (handle) => {
      handles.delete(handle);
      systemClock.clearTimeout(handle);
    },
    stop: () => {
      stopped = true;
      for (const handle of handles) systemClock.clearTimeout(handle);
      handles.clear();
    },
    shift: (ms) => (offset += ms),
  };
}

/** A participant joined with plain janode (a modified client): any display it likes, its own mute. */
export interface RawSeat {
  readonly feed: string;
  close(): Promise<void>;
}

/** Joins `arms`'s room as a modified client would, with `display` byte for byte. */
export async function joinRaw(arms: Arms, display: string, muted: boolean): Promise<RawSeat> {
  const connection = await Janode.connect({
    address: { url: arms.url, ...(arms.janusToken !== undefined ? { token: arms.janusToken } : {}) },
    max_retries: 1,
    retry_time_secs: 1,
  });
  try {
    const session = await connection.create(10);
    const handle = await session.attach<AudioBridgeHandle>(AudioBridgePlugin);
    const joined = await handle.join({
      room: arms.room,
      display,
      token: arms.token,
      ...(arms.pin !== undefined ? { pin: arms.pin } : {}),
      muted,
    });
    return {
      feed: String(joined.feed),
      close: async () => {
        await handle.detach().catch(() => undefined);
        await connection.close().catch(() => undefined);
      },
    };
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
}
