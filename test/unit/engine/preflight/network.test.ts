import { describe, expect, it } from 'vitest';
import { judgeServer } from '../../../../electron/engine/preflight/network-preflight';
import type { ServerProbe } from '../../../../electron/shared/state';

const answered = (roundTripMs: number): ServerProbe => ({ status: 'reachable', checkedAt: 0, roundTripMs, serverVersion: 'Icecast 2.4.4' });
const refused: ServerProbe = {
  status: 'unreachable',
  checkedAt: 0,
  error: 'Icecast did not answer at 198.18.0.2:8000 (ECONNREFUSED). Check the mount URL and that Icecast is running.',
};

describe('preflight verdict on one server', () => {
  it('passes every answer within the limit, with the median round trip', () => {
    expect(judgeServer('primary', 'icecast', 'http://h/m', [answered(30), answered(10), answered(20)])).toMatchObject({
      verdict: 'pass',
      answered: 3,
      roundTripMs: 20,
      serverVersion: 'Icecast 2.4.4',
    });
  });

  it('warns on a slow server and says what helps', () => {
    const line = judgeServer('backup', 'janus', 'ws://h', [answered(500), answered(450), answered(600)]);
    expect(line).toMatchObject({ verdict: 'warn', roundTripMs: 500 });
    expect(line.detail).toMatch(/Backup Janus \(conversation\) answers slowly \(500 ms\)/);
  });

  it('warns when some checks were not answered, fails when none were, with the reason', () => {
    expect(judgeServer('primary', 'icecast', 'http://h/m', [answered(10), refused, answered(12)])).toMatchObject({
      verdict: 'warn',
      answered: 2,
      roundTripMs: 11,
    });
    const dead = judgeServer('backup', 'icecast', 'http://h/m', [refused, refused]);
    expect(dead).toMatchObject({ verdict: 'fail', answered: 0, roundTripMs: null, serverVersion: null });
    expect(dead.detail).toBe(refused.status === 'unreachable' ? refused.error : '');
  });
});
