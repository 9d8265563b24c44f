import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OutputState, OutputStatus } from '../../../electron/shared/broadcast';
import { BROADCAST_JSON_EVENTS } from '../../../electron/cli/broadcast-command';
import { newOutputReport, reportOutputs } from '../../../electron/cli/broadcast-report';

const AUTH = '198.18.0.1:8000 refused the source credentials for /a.opus (401): check the password';
const REFUSED = '198.18.0.1:8000: connection refused (is Icecast running?)';

const output = (id: string, state: OutputState): OutputStatus => ({
  id,
  label: id === 'a' ? 'Primary' : 'Backup',
  url: `http://198.18.0.1:8000/${id}.opus`,
  state,
});
const connecting = (attempt: number): OutputState => ({ status: 'connecting', attempt, since: 0 });
const live: OutputState = { status: 'live', since: 0, bytesSent: 0, backlogMs: 0 };
const retrying = (error: string, attempt = 1): OutputState => ({
  status: 'retrying',
  attempt,
  since: 0,
  nextAttemptAt: 1000,
  errorClass: 'network',
  error,
});
const stopped = (message: string, reason: 'auth' | 'fatal' | 'requested' = 'auth'): OutputState => ({
  status: 'stopped',
  since: 0,
  reason,
  message,
});

/** Feeds the states in order and returns every line told, as "tell: …" / "warn: …". */
function tell(states: OutputStatus[][]): { lines: string[]; everLive: boolean } {
  const report = newOutputReport();
  const lines = states.flatMap((outputs) => reportOutputs(report, outputs).map((line) => `${line.kind}: ${line.text}`));
  return { lines, everLive: report.everLive };
}

describe('what steadycast broadcast tells about its outputs', () => {
  it('says nothing about "on air" while connecting, and "On air" once the first output is live', () => {
    const { lines, everLive } = tell([[output('a', connecting(1))], [output('a', live)], [output('a', live)]]);
    expect(lines).toEqual(['tell: On air: Primary (http://198.18.0.1:8000/a.opus) is live.']);
    expect(everLive).toBe(true);
  });

  it('tells a wrong password once: the retry that fails the same way and the giving up add no second copy', () => {
    const { lines, everLive } = tell([
      [output('a', connecting(1))],
      [output('a', retrying(AUTH))],
      [output('a', connecting(2))],
      [output('a', stopped(AUTH))],
      [output('a', stopped(AUTH))],
    ]);
    expect(lines).toEqual([
      `warn: Primary (http://198.18.0.1:8000/a.opus) is not live, retrying: ${AUTH}`,
      'warn: Primary (http://198.18.0.1:8000/a.opus) gave up: the failure above will not go away by retrying.',
    ]);
    expect(lines.join('\n').split(AUTH)).toHaveLength(2);
    expect(everLive).toBe(false);
  });

  it('tells a dead port once however many attempts fail the same way', () => {
    const attempts = Array.from({ length: 10 }, (_, index) => [
      [output('a', connecting(index + 1))],
      [output('a', retrying(REFUSED, index + 1))],
    ]).flat();
    expect(tell(attempts).lines).toEqual([`warn: Primary (http://198.18.0.1:8000/a.opus) is not live, retrying: ${REFUSED}`]);
  });

  it('tells a new failure, and the same failure again after the output was live in between', () => {
    const { lines } = tell([
      [output('a', live)],
      [output('a', retrying(REFUSED))],
      [output('a', retrying(AUTH))],
      [output('a', live)],
      [output('a', retrying(REFUSED))],
    ]);
    expect(lines).toEqual([
      'tell: On air: Primary (http://198.18.0.1:8000/a.opus) is live.',
      `warn: Primary (http://198.18.0.1:8000/a.opus) is down, retrying: ${REFUSED}`,
      `warn: Primary (http://198.18.0.1:8000/a.opus) is down, retrying: ${AUTH}`,
      'tell: Primary (http://198.18.0.1:8000/a.opus) is live again.',
      `warn: Primary (http://198.18.0.1:8000/a.opus) is down, retrying: ${REFUSED}`,
    ]);
  });

  it('says "On air" for the first live output only; the second is live too; a clean stop says nothing', () => {
    const { lines } = tell([
      [output('a', retrying(REFUSED)), output('b', live)],
      [output('a', live), output('b', live)],
      [output('a', stopped('Stopped.', 'requested')), output('b', stopped('Stopped.', 'requested'))],
    ]);
    expect(lines).toEqual([
      `warn: Primary (http://198.18.0.1:8000/a.opus) is not live, retrying: ${REFUSED}`,
      'tell: On air: Backup (http://198.18.0.1:8000/b.opus) is live.',
      'tell: Primary (http://198.18.0.1:8000/a.opus) is live.',
    ]);
  });

  it('says why an output stopped when the reason was not told before', () => {
    expect(tell([[output('a', stopped('The server refused this source.', 'fatal'))]]).lines).toEqual([
      'warn: Primary (http://198.18.0.1:8000/a.opus) stopped: The server refused this source.',
    ]);
  });
});

describe('the user guide of steadycast broadcast --json', () => {
  it('lists every event the command prints', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'user-guide.md'), 'utf8');
    const paragraph = /`--json` prints one JSON object per line:[\s\S]*?\n(?:\S|\n)/.exec(readme)?.[0] ?? '';
    expect(paragraph).not.toBe('');
    for (const event of BROADCAST_JSON_EVENTS)
      expect(paragraph, `the user guide's --json list misses "${event}"`).toContain(`\`${event}\``);
  });
});
