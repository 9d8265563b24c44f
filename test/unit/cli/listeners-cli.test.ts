import { describe, expect, it } from 'vitest';
import { formatLiveLine, runListenersCommand, type ListenersCommandIo } from '../../../electron/cli/listeners-command';
import { FakeClock } from '../../fakes/fake-clock';
import { connectionRefused, FakeIcecastHttp, flush, listClientsXml, liveEntry, players, statusJson } from '../../fakes/listeners-fake-http';

const PASSWORD = 'hunter2-very-secret';

interface Captured {
  io: ListenersCommandIo;
  out: () => string;
  err: () => string;
  stop: () => void;
}

function fakeIo(http: FakeIcecastHttp, clock: FakeClock, isTty = false): Captured {
  let out = '';
  let err = '';
  const controller = new AbortController();
  return {
    io: { stdout: (text) => (out += text), stderr: (text) => (err += text), isTty, http: http.fetch, clock, stop: controller.signal },
    out: () => out,
    err: () => err,
    stop: () => controller.abort(),
  };
}

/** Runs the command on simulated time until it ends by itself (its --duration). */
async function runFor(args: string[], captured: Captured, clock: FakeClock, ms: number): Promise<number> {
  const done = runListenersCommand(args, captured.io);
  for (let elapsed = 0; elapsed <= ms; elapsed += 100) {
    await flush();
    clock.advance(100);
  }
  await flush();
  return done;
}

describe('steadycast listeners', () => {
  it('--json prints one line per reading with total, outlets, freshness and age, and never a password', async () => {
    const http = new FakeIcecastHttp()
      .on('/admin/listclients?mount=/live.opus', {
        status: 200,
        body: listClientsXml('/live.opus', [...players(4), { ip: '198.18.0.5', userAgent: 'Icecast 2.4.4' }]),
      })
      .on('/status-json.xsl', { status: 200, body: statusJson([liveEntry('/relay.opus', 3)]) })
      .on('/admin/listclients?mount=/relay.opus', { status: 401, body: 'You need to authenticate' })
      .on('/admin/listclients?mount=/down.opus', { error: connectionRefused() });
    const clock = new FakeClock();
    const captured = fakeIo(http, clock);
    const code = await runFor(
      [
        '--outlet',
        `http://source:${PASSWORD}@198.18.0.1:8000/live.opus`,
        '--outlet',
        `http://source:wrong-${PASSWORD}@198.18.0.1:8000/relay.opus`,
        '--outlet',
        `http://admin:${PASSWORD}@198.18.0.2:8000/down.opus`,
        '--interval',
        '500',
        '--duration',
        '4',
        '--json',
      ],
      captured,
      clock,
      5000,
    );
    expect(code).toBe(0);
    const lines = captured.out().trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(8);
    const readings = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const last = readings.at(-1) as {
      event: string;
      total: number;
      coveredOutlets: number;
      outlets: {
        listeners: number | null;
        stale: boolean;
        ageMs: number | null;
        relaysExcluded: number | null;
        staleReason: string | null;
        notice: string | null;
      }[];
    };
    expect(last.event).toBe('listeners');
    expect(last.total).toBe(7);
    expect(last.coveredOutlets).toBe(2);
    expect(last.outlets[0]).toMatchObject({ listeners: 4, relaysExcluded: 1, stale: false });
    expect(last.outlets[1]).toMatchObject({ listeners: 3, relaysExcluded: null, stale: false });
    expect(last.outlets[1]?.notice).toMatch(/Credentials refused/);
    expect(last.outlets[2]).toMatchObject({ listeners: null, stale: true, ageMs: null });
    for (const outlet of last.outlets.slice(0, 2)) expect(typeof outlet.ageMs).toBe('number');
    expect(captured.out()).not.toContain(PASSWORD);
    expect(captured.err()).not.toContain(PASSWORD);
  });

  it('draws a live line and stops on Ctrl+C', async () => {
    const http = new FakeIcecastHttp().on('/admin/listclients?mount=/live.opus', { error: connectionRefused() });
    const clock = new FakeClock();
    const captured = fakeIo(http, clock, true);
    const done = runListenersCommand(['--outlet', `http://source:${PASSWORD}@198.18.0.1:8000/live.opus`], captured.io);
    for (let i = 0; i < 40; i += 1) {
      await flush();
      clock.advance(100);
    }
    captured.stop();
    expect(await done).toBe(0);
    expect(captured.out()).toContain('\r\x1b[2K');
    expect(captured.out()).toMatch(/not counted \(No server reporting\)/);
    expect(captured.out()).toMatch(/STALE \(server down: 198\.18\.0\.1:8000 refused the connection\)/);
    expect(captured.out() + captured.err()).not.toContain(PASSWORD);
  });

  it('refuses a bad URL, a bad option or no outlet in one line with exit code 2, without echoing a password', async () => {
    const cases: [string[], RegExp][] = [
      [['--outlet', `ftp://source:${PASSWORD}@host/live.opus`], /must start with http:\/\/ or https:\/\//],
      [['--outlet', `source:${PASSWORD}@host/live.opus`], /starts with "source:" but must start with http/],
      [['--outlet', `//source:${PASSWORD}@host/live.opus`], /is not a URL/],
      [['--outlet', `http://source:${PASSWORD}@host:8000/`], /names no mount/],
      [['--outlet', `http://source:${PASSWORD}@host:8000/a`, '--interval', 'fast'], /--interval must be/],
      [[`--bogus=http://source:${PASSWORD}@host:8000/a`], /Unknown option/i],
      [[], /at least one --outlet/],
    ];
    for (const [args, message] of cases) {
      const captured = fakeIo(new FakeIcecastHttp(), new FakeClock());
      expect(await runListenersCommand(args, captured.io)).toBe(2);
      const lines = captured.err().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^steadycast listeners: /);
      expect(lines[0]).toMatch(message);
      expect(captured.err() + captured.out()).not.toContain(PASSWORD);
    }
  });

  it('formats a compact line that says what the total covers', () => {
    const line = formatLiveLine({
      at: 0,
      total: 1234,
      coveredOutlets: 1,
      totalOutlets: 2,
      peak: 1500,
      peakAt: 0,
      uniqueEstimate: 1200,
      uniqueCoveredOutlets: 1,
      outlets: [
        {
          id: 'a',
          label: 'a:8000/live',
          url: 'http://a:8000/live',
          listeners: 1234,
          relaysExcluded: 2,
          sourceLive: true,
          method: 'client-list',
          stale: false,
          staleReason: null,
          notice: null,
          ageMs: 300,
        },
        {
          id: 'b',
          label: 'b:8000/live',
          url: 'http://b:8000/live',
          listeners: 9,
          relaysExcluded: null,
          sourceLive: true,
          method: 'public-status',
          stale: true,
          staleReason: 'timeout: b:8000 gave no answer within 2000 ms',
          notice: null,
          ageMs: 4000,
        },
      ],
    });
    expect(line).toContain('1,234 connections from 1,200 listeners (1 of 2 servers reporting)  peak 1,500');
    expect(line).toContain('a:8000/live 1,234 −2 relays');
    expect(line).toContain('b:8000/live STALE (timeout: b:8000 gave no answer within 2000 ms)');
  });
});
