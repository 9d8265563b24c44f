import type { Browser } from 'playwright-core';
import { systemClock } from '../../../electron/engine/clock';
import type { EngineConfig } from '../../../electron/engine/config';
import { Engine } from '../../../electron/engine/engine';
import { createFetchHttp } from '../../../electron/engine/listeners/http';
import { addLogSink, formatLogRecord } from '../../../electron/engine/log/logger';
import { createNetworkProber } from '../../../electron/engine/servers/prober';
import type { EndpointName } from '../../../electron/shared/endpoint';
import type { FailoverSettings } from '../../../electron/shared/failover';
import { PeerPage, type PeerPageServer, type RtpCounters } from '../../env/browser';
import { testIceHostAddresses } from '../../env/network';
import { delay } from '../../env/process';

/*
 * Failover tests' participants: a real engine (real Janus probes, real listener statistics) and a
 * real Chromium page that carries its media. The page follows its engine as the control room's
 * store does (renderer/stores/room-slice.ts): when the engine's link is joined in another
 * room, the old connection closes and a new offer goes through the engine; the page's ICE state is
 * reported back as `conversation:report-media`.
 */

// STEADYCAST_DEBUG=1: the engines' log lines on stderr, to see what the failover rule saw.
if (process.env.STEADYCAST_DEBUG) addLogSink((record) => void process.stderr.write(`${formatLogRecord(record)}\n`));

/** totalAudioEnergy gained over a window that counts as sound (speech ≈ 1; a silent mix ≈ 1e-9). */
export const AUDIBLE_ENERGY = 0.01;

/** Polls `check` every 50 ms until it returns a value other than undefined/false; throws after `timeoutMs`. */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
  describe?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${describe ? `; ${describe()}` : ''}`);
    await delay(50);
  }
}

/** An engine for failover tests: real probes, optionally real listener statistics. */
export function failoverEngine(
  config: EngineConfig,
  options: { listeners?: boolean; recordingsDir?: string; failover?: Partial<FailoverSettings> & { probeEveryMs?: number } } = {},
): Engine {
  return new Engine({
    version: 'test',
    mode: 'headless',
    bridgeKind: 'websocket',
    config,
    clock: systemClock,
    prober: createNetworkProber({ clock: systemClock, timeoutMs: 1500 }),
    ...(options.listeners ? { listenerHttp: createFetchHttp() } : {}),
    ...(options.recordingsDir ? { recordingsDir: options.recordingsDir } : {}),
    failover: { probeEveryMs: 1000, ...options.failover },
    iceHostAddresses: testIceHostAddresses(),
  });
}

/** Where a participant's engine is joined now (null while not joined). */
export function joinedOn(engine: Engine): EndpointName | null {
  const link = engine.getState().conversation.link;
  return link.status === 'joined' ? link.endpoint : null;
}

/** One participant: an engine and the page that carries its media, following the engine's room. */
export class Participant {
  private page: PeerPage | null = null;
  private pageReady: Promise<PeerPage> | null = null;
  private room: string | null = null;
  private following = false;
  private loop: Promise<void> | null = null;
  private reported = '';
  /** Every (re)negotiation: the room and when its ICE connected (wall ms). */
  readonly negotiations: { room: string; connectedAt: number }[] = [];

  constructor(
    readonly name: string,
    readonly engine: Engine,
    private readonly browser: Browser,
    private readonly server: PeerPageServer,
  ) {}

  /** Joins (as host without an invite) and connects the media, then follows the engine's room. */
  async join(invite?: string): Promise<void> {
    await this.engine.execute({
      channel: 'conversation:join',
      payload: invite === undefined ? { display: this.name } : { display: this.name, invite },
    });
    await this.negotiate();
    this.following = true;
    this.loop = this.follow();
  }

  /** RTP counters of the page now. */
  rtp(): Promise<RtpCounters> {
    if (this.page === null) throw new Error(`${this.name} has no page`);
    return this.page.rtp();
  }

  /** Energy the current page received over `ms` (0 when the page changed meanwhile). */
  async heard(ms: number): Promise<number> {
    const page = this.page;
    if (page === null) return 0;
    try {
      const before = await page.rtp();
      await delay(ms);
      if (page !== this.page) return 0;
      const after = await page.rtp();
      return after.receivedAudioEnergy - before.receivedAudioEnergy;
    } catch {
      return 0; // the page was replaced meanwhile
    }
  }

  /** Waits until this participant hears the room on `endpoint`; resolves with the wall time it did. */
  async hearsOn(endpoint: EndpointName, timeoutMs: number): Promise<number> {
    return until(
      async () =>
        joinedOn(this.engine) === endpoint &&
        this.room?.startsWith(`${endpoint}/`) &&
        (await this.heard(200)) > AUDIBLE_ENERGY &&
        Date.now(),
      `${this.name} hears the room on the ${endpoint}`,
      timeoutMs,
      () =>
        JSON.stringify({
          link: this.engine.getState().conversation.link,
          room: this.room,
          participants: this.engine.getState().conversation.participants,
          negotiations: this.negotiations,
          failover: this.engine.getState().failover?.phase,
        }),
    );
  }

  async leave(): Promise<void> {
    this.following = false;
    await this.loop;
    await this.engine.leaveConversation().catch(() => undefined);
    await (await this.pageReady?.catch(() => null))?.close();
    this.page = null;
    this.engine.stopListenerCounts();
  }

  private async negotiate(): Promise<void> {
    const link = this.engine.getState().conversation.link;
    if (link.status !== 'joined') return;
    const room = `${link.endpoint}/${link.selfId}`;
    this.room = room;
    this.reported = '';
    // One page for the whole test, like the control room's window: a move closes the old
    // connection and makes a new one in the same page.
    this.pageReady ??= PeerPage.open(this.browser, this.server);
    const started = Date.now();
    const marks: string[] = [];
    const mark = (what: string): number => marks.push(`${what} +${Date.now() - started}`);
    const page = await this.pageReady;
    this.page = null;
    await page.hangUp();
    mark('hung up');
    const offer = await page.createOffer();
    mark('offer');
    const { answer } = await this.engine.execute({ channel: 'conversation:offer', payload: { offer, iceRestart: false } });
    mark('answer');
    await page.acceptAnswer(answer);
    await page.waitForIceConnected();
    mark('ice connected');
    if (process.env.STEADYCAST_DEBUG) process.stderr.write(`${this.name} → ${room}: ${marks.join(', ')}\n`);
    this.page = page;
    this.negotiations.push({ room, connectedAt: Date.now() });
  }

  private async follow(): Promise<void> {
    while (this.following) {
      const link = this.engine.getState().conversation.link;
      if (link.status === 'joined' && `${link.endpoint}/${link.selfId}` !== this.room) {
        await this.negotiate().catch(() => {
          this.room = null;
        });
      }
      const page = this.page;
      if (page !== null) {
        const ice = await page.iceState().catch(() => 'closed');
        const state = ice === 'completed' ? 'connected' : ice === 'checking' ? 'connecting' : ice === 'none' ? 'new' : ice;
        if (state !== this.reported && ['new', 'connecting', 'connected', 'disconnected', 'failed', 'closed'].includes(state)) {
          this.reported = state;
          await this.engine
            .execute({ channel: 'conversation:report-media', payload: { state: state as 'connected' } })
            .catch(() => undefined);
        }
      }
      await delay(50);
    }
  }
}

/** Connects the participants' engines as the space channel will: each move one announces, the others apply. */
export function wireSpaceChannel(engines: readonly Engine[]): () => void {
  const unsubscribers = engines.map((from) =>
    from.onFailoverMove((move) => {
      for (const to of engines) if (to !== from) to.applyFailoverMove(move);
    }),
  );
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

/**
 * Runs a test body and rethrows a failure without its stack: an error from inside a page carries
 * frames of the page's URL (`http://127.0.0.1:…/`), which vitest tries to read as a source file.
 */
export function plainErrors(body: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error))
        .split('\n')
        .filter((line) => !/^\s+at /.test(line))
        .join('\n');
      const plain = new Error(message);
      process.stderr.write(`test failed: ${plain.message}\n`);
      plain.stack = plain.message;
      throw plain;
    }
  };
}
