import { describe, expect, it } from 'vitest';
import { IcecastConfigError, IcecastOutputError, networkError, responseError } from '../../../../electron/engine/icecast/icecast-errors';
import { judgeUplink, throwawayMount, type UplinkMeasurement } from '../../../../electron/engine/preflight/uplink-check';
import { parseCommand } from '../../../../electron/shared/contract';
import {
  formatUplinkRate,
  neededUplinkKbit,
  uplinkVerdict,
  UplinkPreflightSchema,
  type UplinkPreflight,
} from '../../../../electron/shared/preflight';

const where = { server: '198.18.1.2:8000', mount: '/steadycast-uplink-check-0000abcd.opus' };
const measured = (kbitPerSecond: number, atLeast = false): UplinkMeasurement => ({
  ...where,
  kind: 'measured',
  kbitPerSecond,
  atLeast,
  bytes: 1,
  windowMs: 2250,
});
const failed = (error: IcecastOutputError | IcecastConfigError): UplinkMeasurement => ({ ...where, kind: 'failed', error });
const twoAt128 = { bitrateKbps: 128, outputs: 2 };

describe('uplink need, verdict and figure (pure)', () => {
  it('needs the program once per Icecast output plus 64 kbit/s for the conversation', () => {
    expect(neededUplinkKbit(128, 2)).toBe(320);
    expect(neededUplinkKbit(128, 1)).toBe(192);
    expect(neededUplinkKbit(32, 2)).toBe(128);
  });

  it('passes at twice the need, warns from the need, fails below it', () => {
    expect(uplinkVerdict(640, 320)).toBe('pass');
    expect(uplinkVerdict(639.9, 320)).toBe('warn');
    expect(uplinkVerdict(320, 320)).toBe('warn');
    expect(uplinkVerdict(319.9, 320)).toBe('fail');
    expect(uplinkVerdict(0, 320)).toBe('fail');
  });

  it('formats kbit/s below 1 Mbit/s, one decimal below 10 Mbit/s, whole Mbit/s above; a lower bound reads ≥ and rounds down', () => {
    expect(formatUplinkRate(850.4)).toBe('850 kbit/s');
    expect(formatUplinkRate(999.6)).toBe('1.0 Mbit/s');
    expect(formatUplinkRate(2440)).toBe('2.4 Mbit/s');
    expect(formatUplinkRate(9960)).toBe('10 Mbit/s');
    expect(formatUplinkRate(50_400)).toBe('50 Mbit/s');
    expect(formatUplinkRate(50_900, true)).toBe('≥ 50 Mbit/s');
    expect(formatUplinkRate(2490, true)).toBe('≥ 2.4 Mbit/s');
    expect(formatUplinkRate(999.9, true)).toBe('≥ 999 kbit/s');
  });

  it('names a throwaway mount from the injected random source, never the show’s', () => {
    expect(throwawayMount(() => 0)).toBe('/steadycast-uplink-check-00000000.opus');
    expect(throwawayMount(() => 0.5)).toBe('/steadycast-uplink-check-80000000.opus');
    expect(throwawayMount(() => 0.999_999_999_9)).toMatch(/^\/steadycast-uplink-check-[0-9a-f]{8}\.opus$/);
  });
});

describe('the uplink line from a measurement (pure)', () => {
  it('passes a fast upload with room to spare and keeps the figures', () => {
    const line = judgeUplink(measured(2400), twoAt128, 7);
    expect(line).toMatchObject({
      checkedAt: 7,
      verdict: 'pass',
      kbitPerSecond: 2400,
      atLeast: false,
      neededKbit: 320,
      bitrateKbps: 128,
      outputs: 2,
      server: where.server,
    });
    expect(line.detail).toBe('Your upload carries the program (2 × 128 kbit/s) and the conversation with room to spare.');
    expect(UplinkPreflightSchema.parse(line)).toEqual(line);
  });

  it('warns when the upload just carries the show, saying what gives room', () => {
    const line = judgeUplink(measured(400), twoAt128, 0);
    expect(line.verdict).toBe('warn');
    expect(line.detail).toMatch(/^Your upload \(400 kbit\/s\) just carries the program \(2 × 128 kbit\/s\)/);
    expect(line.detail).toMatch(/Settings › Audio/);
  });

  it('fails a slow upload naming the bitrate, the servers and what to do', () => {
    const line = judgeUplink(measured(250), twoAt128, 0);
    expect(line.verdict).toBe('fail');
    expect(line.detail).toMatch(
      /^Too slow for 128 kbit\/s to two servers: the show needs 320 kbit\/s .*your upload managed 250 kbit\/s\. Lower the bitrate in Settings › Audio or use a wired connection\.$/,
    );
    expect(judgeUplink(measured(150), { bitrateKbps: 128, outputs: 1 }, 0).detail).toMatch(/^Too slow for 128 kbit\/s to one server/);
  });

  it('a lower bound ("at least") above the need passes', () => {
    const line = judgeUplink(measured(60_000, true), twoAt128, 0);
    expect(line).toMatchObject({ verdict: 'pass', atLeast: true });
  });

  it('a refused password fails and says to check the source password', () => {
    const line = judgeUplink(
      failed(responseError(401, 'Authentication Required', 'You need to authenticate', where.server, where.mount)),
      twoAt128,
      0,
    );
    expect(line).toMatchObject({ verdict: 'fail', kbitPerSecond: null, atLeast: false, neededKbit: 320 });
    expect(line.detail).toMatch(/refused the source password \(HTTP 401\)/);
    expect(line.detail).toMatch(/source-password/);
  });

  it('a server that cannot be reached fails with the reason; a busy mount is only a warning', () => {
    const refused = judgeUplink(
      failed(networkError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), where.server)),
      twoAt128,
      0,
    );
    expect(refused.verdict).toBe('fail');
    expect(refused.detail).toMatch(/connection refused/);
    const timeout = judgeUplink(
      failed(new IcecastOutputError('timeout', `${where.server} did not accept the source within 3 s`)),
      twoAt128,
      0,
    );
    expect(timeout).toMatchObject({ verdict: 'fail' });
    expect(timeout.detail).toMatch(/within 3 s.*check again/);
    const busy = judgeUplink(failed(responseError(403, 'Forbidden', 'Mountpoint in use', where.server, where.mount)), twoAt128, 0);
    expect(busy.verdict).toBe('warn');
    expect(busy.detail).toMatch(/Check again in a few seconds/);
  });

  it('a mount URL that cannot be used fails; a check stopped by going live is a warning', () => {
    expect(judgeUplink(failed(new IcecastConfigError('Icecast mount URL has no password')), twoAt128, 0)).toMatchObject({
      verdict: 'fail',
    });
    expect(judgeUplink({ ...where, kind: 'cancelled' }, twoAt128, 0)).toMatchObject({ verdict: 'warn', kbitPerSecond: null });
  });

  it('every detail fits the contract', () => {
    const cases: UplinkMeasurement[] = [
      measured(100),
      measured(400),
      measured(99_000, true),
      failed(new IcecastOutputError('server', 'x', 500)),
      failed(new IcecastOutputError('protocol', 'y')),
    ];
    for (const measurement of cases) expect(() => UplinkPreflightSchema.parse(judgeUplink(measurement, twoAt128, 0))).not.toThrow();
  });
});

describe('preflight:uplink in the contract', () => {
  it('accepts an empty payload or a bitrate the encoder offers', () => {
    expect(parseCommand('preflight:uplink', {})).toMatchObject({ ok: true });
    expect(parseCommand('preflight:uplink', { bitrateKbps: 96 })).toMatchObject({ ok: true });
  });

  it('rejects a bad payload with a message naming the channel and the field', () => {
    for (const payload of [
      { bitrateKbps: 1000 },
      { bitrateKbps: 8 },
      { bitrateKbps: 127.5 },
      { bitrateKbps: '128' },
      { durationMs: 60_000 },
      null,
      'fast',
    ]) {
      const parsed = parseCommand('preflight:uplink', payload);
      expect(parsed.ok, JSON.stringify(payload)).toBe(false);
      if (!parsed.ok) {
        expect(parsed.error.code).toBe('invalid-payload');
        expect(parsed.error.message).toMatch(/preflight:uplink/);
      }
    }
    const parsed = parseCommand('preflight:uplink', { bitrateKbps: 1000 });
    if (!parsed.ok) expect(parsed.error.message).toMatch(/bitrateKbps/);
  });

  it('rejects a result that breaks the schema', () => {
    const good: UplinkPreflight = judgeUplink(measured(2400), twoAt128, 1);
    expect(UplinkPreflightSchema.safeParse(good).success).toBe(true);
    for (const bad of [
      { ...good, verdict: 'ok' },
      { ...good, outputs: 3 },
      { ...good, kbitPerSecond: -1 },
      { ...good, neededKbit: 0 },
      { ...good, extra: true },
      { ...good, detail: 'x'.repeat(501) },
    ]) {
      expect(UplinkPreflightSchema.safeParse(bad).success, JSON.stringify(Object.keys(bad))).toBe(false);
    }
  });
});
