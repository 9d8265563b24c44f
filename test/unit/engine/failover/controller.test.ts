import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FAILOVER_SETTINGS,
  FailoverController,
  type ConversationView,
  type FailoverPort,
} from '../../../../electron/engine/failover/failover-controller';
import { createLogger } from '../../../../electron/engine/log/logger';
import type { EndpointName } from '../../../../electron/shared/endpoint';
import type { EndpointHealth, FailoverMove, FailoverSettings, HealthStatus } from '../../../../electron/shared/failover';
import { FakeClock } from '../../../fakes/fake-clock';

/** The conversation and both endpoints as the controller sees them, moved by hand in each test. */
class FakeSpace implements FailoverPort {
  view: ConversationView = { status: 'idle', endpoint: null, role: 'host', name: 'Hana', removed: false, hostPresent: true };
  status: Record<EndpointName, HealthStatus> = { primary: 'healthy', backup: 'healthy' };
  readonly moves: { to: EndpointName; attempt: number }[] = [];
  /** The primary's "every reconnection refused" evidence, as the conversation's Janus link gives it. */
  gone: { since: number; lastAt: number } | null = null;
  /** What the next moves do: resolve (joined there) or reject with this message. */
  failNext: string[] = [];
  backup = true;

  conversation(): ConversationView {
    return { ...this.view };
  }

  hasBackup(): boolean {
    return this.backup;
  }

  health(endpoint: EndpointName): EndpointHealth {
    const status = this.status[endpoint];
    const part = { status, reason: status === 'down' ? `${endpoint} Janus does not answer` : null };
    return { endpoint, status, reason: part.reason, conversation: status, parts: { janus: part, media: part, icecast: part, stats: part } };
  }

  serverGone(endpoint: EndpointName): { since: number; lastAt: number } | null {
    return endpoint === 'primary' ? this.gone : null;
  }

  move(to: EndpointName, retry: { attempt: number }): Promise<void> {
    this.moves.push({ to, attempt: retry.attempt });
    this.view = { ...this.view, status: 'connecting', endpoint: to };
    const failure = this.failNext.shift();
    if (failure !== undefined) {
      this.view = { ...this.view, status: 'reconnecting' };
      return Promise.reject(new Error(failure));
    }
    this.view = { ...this.view, status: 'joined' };
    return Promise.resolve();
  }

  join(endpoint: EndpointName = 'primary'): void {
    this.view = { ...this.view, status: 'joined', endpoint };
  }
}

function setup(options: { role?: ConversationView['role']; settings?: Partial<FailoverSettings> } = {}) {
  const clock = new FakeClock();
  const space = new FakeSpace();
  space.view = { ...space.view, role: options.role ?? 'host' };
  const announced: FailoverMove[] = [];
  const controller = new FailoverController({
    clock,
    logger: createLogger('failover-test'),
    port: space,
    settings: options.settings,
    announce: (move) => announced.push(move),
  });
  controller.start();
  space.join();
  clock.advance(250);
  /** Moves time in 50 ms steps, letting each move's promise settle in between. */
  const run = async (ms: number): Promise<void> => {
    for (let elapsed = 0; elapsed < ms; elapsed += 50) {
      clock.advance(Math.min(50, ms - elapsed));
      await settle();
    }
  };
  return { clock, space, controller, announced, run };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

describe('failover controller: the automatic move', () => {
  it('moves to the backup once the primary has been down for the threshold (default 3 s), not before', async () => {
    const { space, controller, run, clock, announced } = setup();
    expect(controller.current.phase).toBe('onPrimary');
    space.status.primary = 'down';
    const downAt = clock.now();
    await run(300);
    expect(controller.current).toMatchObject({ phase: 'degraded', moveAt: expect.any(Number) as number });
    const moveAt = controller.current.phase === 'degraded' ? controller.current.moveAt : null;
    expect((moveAt ?? 0) - downAt).toBeGreaterThanOrEqual(3000);
    expect((moveAt ?? 0) - downAt).toBeLessThanOrEqual(3250);
    await run(2400);
    expect(space.moves).toEqual([]);
    await run(800);
    expect(space.moves).toEqual([{ to: 'backup', attempt: 1 }]);
    expect(controller.current).toMatchObject({ phase: 'onBackup', trigger: 'automatic', returnAt: null });
    expect(controller.state()).toMatchObject({ onAir: 'backup', canSwitch: true });
    // The host's app announces its move so stragglers follow.
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({ to: 'backup', trigger: 'automatic', by: { role: 'host', name: 'Hana' } });
    expect(controller.state().history.map((entry) => `${entry.from}→${entry.to}`)).toEqual([
      'idle→onPrimary',
      'onPrimary→degraded',
      'degraded→failingOver',
      'failingOver→onBackup',
    ]);
  });

  it('a guest takes the rule its invite carries (a 6 s threshold here), and its own again after leaving', async () => {
    const { space, controller, run } = setup({ role: 'cohost' });
    controller.useRule({ ...DEFAULT_FAILOVER_SETTINGS, thresholdMs: 6000 });
    expect(controller.state().settings.thresholdMs).toBe(6000);
    expect(controller.state().history.at(-1)?.message).toMatch(/rule from the invite: move after 6 s down/);
    space.status.primary = 'down';
    await run(5000);
    expect(space.moves).toEqual([]);
    await run(1500);
    expect(space.moves).toEqual([{ to: 'backup', attempt: 1 }]);
    controller.useRule(null);
    expect(controller.state().settings).toEqual(DEFAULT_FAILOVER_SETTINGS);
  });

  it('a co-host app moves by the same rule without waiting for the host, and does not announce', async () => {
    const { space, controller, run, announced } = setup({ role: 'cohost' });
    space.status.primary = 'down';
    await run(3500);
    expect(controller.current.phase).toBe('onBackup');
    expect(announced).toEqual([]);
    expect(controller.state().canSwitch).toBe(false);
  });

  it('hysteresis: a recovery stops the countdown; the primary must stay up 5 s before it counts as healthy', async () => {
    const { space, controller, run } = setup();
    space.status.primary = 'down';
    await run(2000);
    space.status.primary = 'healthy';
    await run(1000);
    expect(controller.current).toMatchObject({ phase: 'degraded', downSince: null, moveAt: null });
    space.status.primary = 'down';
    await run(2500);
    // The countdown started over: 2.5 s of the second outage is not enough.
    expect(space.moves).toEqual([]);
    space.status.primary = 'healthy';
    await run(4900);
    expect(controller.current.phase).toBe('degraded');
    await run(300);
    expect(controller.current.phase).toBe('onPrimary');
  });

  it('a flapping primary (down 1 s, up 1 s, for a minute) never moves the room', async () => {
    const { space, controller, run } = setup();
    for (let i = 0; i < 30; i += 1) {
      space.status.primary = 'down';
      await run(1000);
      space.status.primary = 'healthy';
      await run(1000);
    }
    expect(space.moves).toEqual([]);
    expect(controller.current.phase).toBe('degraded');
  });

  it('server gone (every reconnection refused): moves after the shorter confirmation (default 1.5 s), once a refusal at that time confirms it', async () => {
    const { space, controller, run, clock } = setup();
    space.status.primary = 'down';
    const lostAt = clock.now();
    space.gone = { since: lostAt, lastAt: lostAt + 100 };
    await run(300);
    expect(controller.current).toMatchObject({ phase: 'degraded', moveAt: lostAt + 1500 });
    // Refusals keep coming, but the last one before 1.5 s confirms nothing yet.
    space.gone = { since: lostAt, lastAt: lostAt + 1450 };
    await run(1400);
    expect(space.moves).toEqual([]);
    space.gone = { since: lostAt, lastAt: lostAt + 1700 };
    await run(100);
    expect(space.moves).toEqual([{ to: 'backup', attempt: 1 }]);
    expect(controller.current).toMatchObject({
      phase: 'onBackup',
      trigger: 'automatic',
      reason: expect.stringMatching(/refused every reconnection for 1\.7 s: the server is not running/) as string,
    });
  });

  it('a Janus that refuses connections for 1 s, then answers (flapping), never moves the room by the shorter rule', async () => {
    const { space, controller, run, clock } = setup();
    for (let cycle = 0; cycle < 10; cycle += 1) {
      space.status.primary = 'down';
      const lostAt = clock.now();
      for (let step = 1; step <= 4; step += 1) {
        space.gone = { since: lostAt, lastAt: lostAt + step * 250 };
        await run(250);
      }
      space.gone = null;
      space.status.primary = 'healthy';
      await run(1000);
    }
    expect(space.moves).toEqual([]);
    expect(controller.current.phase).toBe('degraded');
  });

  it('an outage that stops looking like a dead server (a timeout, a reset) falls back to the 3 s rule', async () => {
    const { space, controller, run, clock } = setup();
    space.status.primary = 'down';
    const lostAt = clock.now();
    space.gone = { since: lostAt, lastAt: lostAt + 200 };
    await run(1000);
    space.gone = null;
    await run(1500);
    expect(space.moves).toEqual([]);
    const moveAt = controller.current.phase === 'degraded' ? (controller.current.moveAt ?? 0) : 0;
    expect(moveAt - lostAt).toBeGreaterThanOrEqual(3000);
    expect(moveAt - lostAt).toBeLessThanOrEqual(3250);
    await run(1000);
    expect(space.moves).toEqual([{ to: 'backup', attempt: 1 }]);
  });

  it('stays when the backup is known down too, and says so', async () => {
    const { space, controller, run } = setup();
    space.status.backup = 'down';
    space.status.primary = 'down';
    await run(5000);
    expect(space.moves).toEqual([]);
    expect(controller.current).toMatchObject({
      phase: 'degraded',
      moveAt: null,
      reason: expect.stringMatching(/backup is down too/) as string,
    });
    space.status.backup = 'healthy';
    await run(300);
    // The primary has been down for more than the threshold already: the move goes at once.
    expect(space.moves).toEqual([{ to: 'backup', attempt: 1 }]);
  });

  it('without a backup there is no countdown', async () => {
    const { space, controller, run } = setup();
    space.backup = false;
    space.status.primary = 'down';
    await run(5000);
    expect(space.moves).toEqual([]);
    expect(controller.current).toMatchObject({ phase: 'degraded', moveAt: null, reason: expect.stringMatching(/no backup/) as string });
  });

  it('retries a failed move with backoff, showing the error, until it works', async () => {
    const { space, controller, run } = setup();
    space.failNext = ['no such room', 'no such room'];
    space.status.primary = 'down';
    await run(3300);
    expect(controller.current).toMatchObject({ phase: 'failingOver', attempt: 1, lastError: 'no such room' });
    await run(1000);
    expect(controller.current).toMatchObject({ phase: 'failingOver', attempt: 2 });
    await run(2000);
    expect(space.moves.map((move) => move.attempt)).toEqual([1, 2, 3]);
    expect(controller.current.phase).toBe('onBackup');
  });
});

describe('failover controller: the return', () => {
  it('automatic return is off by default: a healthy primary does not move the room back', async () => {
    const { space, controller, run } = setup();
    space.status.primary = 'down';
    await run(3500);
    space.status.primary = 'healthy';
    await run(10 * 60_000);
    expect(space.moves).toEqual([{ to: 'backup', attempt: 1 }]);
    expect(controller.current).toMatchObject({ phase: 'onBackup', returnAt: null });
  });

  it('with automatic return on: after the minimum time on the backup and the primary healthy long enough', async () => {
    const { space, controller, run, clock } = setup({ settings: { autoReturn: true, minBackupMs: 60_000, returnHealthyMs: 30_000 } });
    space.status.primary = 'down';
    await run(3500);
    const onBackupAt = controller.current.phase === 'onBackup' ? controller.current.since : Number.NaN;
    expect(onBackupAt).toBeLessThanOrEqual(clock.now());
    space.status.primary = 'healthy';
    await run(1000);
    expect(controller.current).toMatchObject({ phase: 'onBackup' });
    const returnAt = controller.current.phase === 'onBackup' ? controller.current.returnAt : null;
    expect(returnAt).toBeGreaterThanOrEqual(onBackupAt + 60_000);
    await run(onBackupAt + 59_500 - clock.now());
    expect(space.moves).toHaveLength(1);
    await run(1000);
    expect(space.moves).toEqual([
      { to: 'backup', attempt: 1 },
      { to: 'primary', attempt: 1 },
    ]);
    expect(controller.current.phase).toBe('onPrimary');
  });

  it('a primary flapping while the room is on the backup never brings it back (no flapping between rooms)', async () => {
    const { space, controller, run } = setup({ settings: { autoReturn: true, minBackupMs: 10_000, returnHealthyMs: 5000 } });
    space.status.primary = 'down';
    await run(3500);
    for (let i = 0; i < 60; i += 1) {
      space.status.primary = i % 2 === 0 ? 'healthy' : 'down';
      await run(1000);
    }
    expect(space.moves).toEqual([{ to: 'backup', attempt: 1 }]);
    expect(controller.current.phase).toBe('onBackup');
  });

  it('a return that fails three times goes back to the backup', async () => {
    const { space, controller, run } = setup();
    space.status.primary = 'down';
    await run(3500);
    space.status.primary = 'healthy';
    space.failNext = ['no such room', 'no such room', 'no such room'];
    controller.requestSwitch('primary');
    await run(100);
    expect(controller.current).toMatchObject({ phase: 'returning', attempt: 1 });
    await run(3500);
    expect(space.moves.map((move) => move.to)).toEqual(['backup', 'primary', 'primary', 'primary', 'backup']);
    expect(controller.current).toMatchObject({
      phase: 'onBackup',
      reason: expect.stringMatching(/return to the primary failed/) as string,
    });
  });

  it('the backup failing while the room is on it sends the room back to the primary', async () => {
    const { space, controller, run } = setup();
    space.status.primary = 'down';
    await run(3500);
    space.status.primary = 'healthy';
    space.status.backup = 'down';
    await run(3500);
    expect(space.moves.map((move) => move.to)).toEqual(['backup', 'primary']);
    expect(controller.current.phase).toBe('onPrimary');
  });

  it('a co-host alone on the backup (no host came) goes back to a primary that answers', async () => {
    const { space, controller, run } = setup({ role: 'cohost' });
    space.status.primary = 'down';
    await run(3500);
    space.view = { ...space.view, hostPresent: false };
    space.status.primary = 'healthy';
    await run(9000);
    expect(controller.current.phase).toBe('onBackup');
    await run(1500);
    expect(space.moves.map((move) => move.to)).toEqual(['backup', 'primary']);
  });
});

describe('failover controller: by hand and by announcement', () => {
  it('host and producer switch and return by hand; each move is announced', async () => {
    for (const role of ['host', 'producer'] as const) {
      const { space, controller, run, announced } = setup({ role });
      controller.requestSwitch('backup');
      expect(controller.current).toMatchObject({ phase: 'failingOver', trigger: 'manual' });
      await run(100);
      expect(controller.current).toMatchObject({ phase: 'onBackup', trigger: 'manual' });
      expect(() => controller.requestSwitch('backup')).toThrow(/already on the backup/);
      controller.requestSwitch('primary');
      await run(100);
      expect(controller.current.phase).toBe('onPrimary');
      expect(space.moves.map((move) => move.to)).toEqual(['backup', 'primary']);
      expect(announced.map((move) => [move.to, move.trigger, move.by.role])).toEqual([
        ['backup', 'manual', role],
        ['primary', 'manual', role],
      ]);
    }
  });

  it('a co-host cannot switch or return, with a clear error', () => {
    const { controller, space } = setup({ role: 'cohost' });
    expect(() => controller.requestSwitch('backup')).toThrow(/Only the host or a producer can move the show/);
    expect(space.moves).toEqual([]);
  });

  it('refuses a second move while one is under way, and a move before joining', async () => {
    const { controller, space } = setup();
    space.failNext = ['slow'];
    controller.requestSwitch('backup');
    expect(() => controller.requestSwitch('primary')).toThrow(/already moving to the backup/);
    const idle = setup();
    idle.space.view = { ...idle.space.view, status: 'idle', endpoint: null };
    await idle.run(300);
    expect(() => idle.controller.requestSwitch('backup')).toThrow(/Join the conversation first/);
  });

  it('follows a host or producer announcement once, ignores a co-host one', async () => {
    const { controller, space, run, announced } = setup({ role: 'cohost' });
    const move: FailoverMove = { id: 'm1', to: 'backup', trigger: 'manual', reason: 'drill', at: 0, by: { role: 'host', name: 'Hana' } };
    expect(controller.applyAnnouncement({ ...move, id: 'c1', by: { role: 'cohost', name: 'Cole' } })).toBe(false);
    expect(controller.applyAnnouncement(move)).toBe(true);
    expect(controller.applyAnnouncement(move)).toBe(false);
    await run(100);
    expect(controller.current).toMatchObject({ phase: 'onBackup', trigger: 'announced' });
    // Already there: a second announcement of the same move (another id) changes nothing.
    expect(controller.applyAnnouncement({ ...move, id: 'm2' })).toBe(false);
    expect(space.moves).toHaveLength(1);
    // Followers do not re-announce.
    expect(announced).toEqual([]);
  });

  it('goes idle when the conversation ends, and does not move a removed participant', async () => {
    const { controller, space, run } = setup();
    space.view = { ...space.view, status: 'failed', removed: true };
    space.status.primary = 'down';
    await run(5000);
    expect(controller.current.phase).toBe('idle');
    expect(space.moves).toEqual([]);
  });

  it('automatic return can be turned on and off, and the change is in the history', () => {
    const { controller } = setup();
    controller.setAutoReturn(true);
    expect(controller.state().settings.autoReturn).toBe(true);
    expect(controller.state().history.at(-1)?.message).toMatch(/turned on/);
  });
});
