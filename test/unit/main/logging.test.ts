import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import electronLog from 'electron-log/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportDiagnostics } from '../../../electron/main/diagnostics';
import { createLogFiles, type LogFiles } from '../../../electron/main/logging';
import { createLogger } from '../../../electron/engine/log/logger';
import { redactText } from '../../../electron/engine/redact';
import { sampleEngineState } from '../../fakes/fake-bridge';

/*
 * Log files written by the real electron-log (its Node entry: the same file transport main uses),
 * fed by the engine's scoped loggers through a sink and by the page's console; every line
 * redacted. A diagnostics bundle carries versions, redacted settings and the logs.
 */

const ROOM_SECRET = 'r00m-secret-XYZ';
const INVITE = 'steadycast://join/sc1.eyJ0b2tlbiI6InRvcC1zZWNyZXQifQ.Xy9_ab-CdE0';

let dir: string;
let files: LogFiles;
let removeSink: (() => void) | null = null;
let run = 0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steadycast-logs-'));
  run += 1;
  // electron-log keeps loggers by id for the process: a fresh id per test.
  files = createLogFiles({
    dir,
    secrets: () => [ROOM_SECRET],
    create: (logId) => electronLog.create({ logId: `${logId}-${run}` }),
    maxBytes: 2000,
    keep: 2,
  });
});
afterEach(async () => {
  removeSink?.();
  await rm(dir, { recursive: true, force: true });
});

describe('redaction', () => {
  it('removes URL credentials, invite codes, authorization headers, secret fields and known secrets', () => {
    const line = `mount http://source:hunter2@icecast:8000/live.opus; opened ${INVITE}; Authorization: Basic c291cmNlOmh1bnRlcjI=; {"secret":"s3","pin": "1234"} room_secret=abc api_secret: def; said ${ROOM_SECRET}!`;
    const clean = redactText(line, [ROOM_SECRET]);
    for (const leaked of ['hunter2', 'eyJ0b2tlbiI6', 'c291cmNlOmh1bnRlcjI=', '"s3"', '1234', 'abc', 'def', ROOM_SECRET])
      expect(clean).not.toContain(leaked);
    expect(clean).toBe(
      'mount http://[redacted]@icecast:8000/live.opus; opened steadycast://join/sc1.[redacted]; Authorization: Basic [redacted]; {"secret":"[redacted]","pin": "[redacted]"} room_secret=[redacted] api_secret: [redacted]; said [redacted]!',
    );
  });

  it('leaves ordinary lines alone', () => {
    const line = 'primary icecast reachable in 12 ms (Icecast 2.4.4); http://icecast:8000/live.opus is live';
    expect(redactText(line, ['x'])).toBe(line);
  });
});

describe('log files', () => {
  it('writes the engine’s lines to main.log (0600), redacted', async () => {
    removeSink = (await import('../../../electron/engine/log/logger')).addLogSink(files.mainSink);
    createLogger('conversation').info(`joined with secret ${ROOM_SECRET} via ${INVITE}`);
    createLogger('icecast').error('source refused', new Error('PUT http://source:hunter2@h:8000/m.opus: 401'));
    const text = await readFile(join(dir, 'main.log'), 'utf8');
    expect(text).toMatch(/\[info\]\s+\[conversation\] joined with secret \[redacted\] via steadycast:\/\/join\/sc1\.\[redacted\]/);
    expect(text).toMatch(/\[error\]\s+\[icecast\] source refused: PUT http:\/\/\[redacted\]@h:8000\/m\.opus: 401/);
    expect(text).not.toContain(ROOM_SECRET);
    expect(text).not.toContain('hunter2');
    expect((await stat(join(dir, 'main.log'))).mode & 0o777).toBe(0o600);
  });

  it('writes the page’s console to renderer.log, redacted, with the source file only', async () => {
    files.rendererConsole({
      message: `React warning about ${ROOM_SECRET}`,
      level: 'warning',
      lineNumber: 12,
      sourceId: 'file:///home/ada/Steadycast/out/renderer/assets/index-abc.js',
    });
    const text = await readFile(join(dir, 'renderer.log'), 'utf8');
    expect(text).toMatch(/\[warn\]\s+React warning about \[redacted\] \(index-abc\.js:12\)/);
    expect(text).not.toContain('/home/ada');
  });

  it('rotates into numbered archives and keeps only as many as asked', async () => {
    removeSink = (await import('../../../electron/engine/log/logger')).addLogSink(files.mainSink);
    const log = createLogger('bulk');
    for (let line = 0; line < 120; line += 1) log.info(`line ${line} ${'x'.repeat(80)}`);
    expect((await readdir(dir)).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    expect(files.files()).toEqual([join(dir, 'main.log'), join(dir, 'main.1.log'), join(dir, 'main.2.log')]);
    expect(await readFile(join(dir, 'main.log'), 'utf8')).toContain('line 119');
  });
});

describe('diagnostics', () => {
  it('bundles versions, server versions, redacted settings and redacted logs', async () => {
    removeSink = (await import('../../../electron/engine/log/logger')).addLogSink(files.mainSink);
    createLogger('app').info(`started; room secret is ${ROOM_SECRET}`);
    const state = sampleEngineState();
    const primary = state.space.endpoints[0];
    if (primary?.janus) primary.janus.probe = { status: 'reachable', checkedAt: 1, roundTripMs: 3, serverVersion: 'Janus 1.1.2' };
    const folder = await exportDiagnostics({
      parentDir: join(dir, 'diagnostics'),
      at: Date.UTC(2025, 0, 1),
      versions: { steadycast: '0.1.0', electron: '45.4.1', chrome: '140.0', node: '22.19.0' },
      system: { platform: 'linux', arch: 'x64', release: '6.1.0', type: 'Linux' },
      state,
      settings: { space: { name: 'Launch night', primary: { janus: { room: { secret: '(set)' } } } } },
      logFiles: files.files(),
      secrets: [ROOM_SECRET],
    });
    expect(folder).toBe(join(dir, 'diagnostics', 'steadycast-diagnostics-2025-01-01T00-00-00-000Z'));
    expect((await readdir(folder)).sort()).toEqual(['logs', 'report.json', 'settings.json']);
    const report = JSON.parse(await readFile(join(folder, 'report.json'), 'utf8')) as Record<string, unknown>;
    expect(report['versions']).toEqual({ steadycast: '0.1.0', electron: '45.4.1', chrome: '140.0', node: '22.19.0' });
    expect(report['servers']).toEqual(
      expect.arrayContaining([
        { endpoint: 'primary', kind: 'janus', url: 'ws://198.18.0.1:8188/', version: 'Janus 1.1.2' },
        {
          endpoint: 'primary',
          kind: 'icecast',
          url: 'http://198.18.0.1:8000/live.opus',
          version: 'unknown (not checked yet: press Check servers)',
        },
      ]),
    );
    const log = await readFile(join(folder, 'logs', 'main.log'), 'utf8');
    expect(log).toContain('room secret is [redacted]');
    for (const file of ['report.json', 'settings.json', 'logs/main.log'])
      expect(await readFile(join(folder, file), 'utf8')).not.toContain(ROOM_SECRET);
  });
});
