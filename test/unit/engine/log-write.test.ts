import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBridgeServer, type BridgeServer } from '../../../electron/cli/ws-bridge';
import { dispatchUntrusted } from '../../../electron/engine/dispatch';
import { EngineConfigSchema } from '../../../electron/engine/config';
import { Engine } from '../../../electron/engine/engine';
import { addLogSink, createLogger, type LogRecord } from '../../../electron/engine/log/logger';
import { formatReport, RENDERER_LOG_BURST, RENDERER_LOG_REFILL_MS, RendererLog } from '../../../electron/engine/log/renderer-log';
import { createSenderCheck, registerIpc } from '../../../electron/main/ipc';
import { buildSteadycastApi } from '../../../electron/preload/api';
import { apiFromReplies } from '../../../electron/shared/bridge';
import { parseCommand, RENDERER_ERROR_MESSAGE_MAX, RENDERER_ERROR_WHERE_MAX, type EngineEvent } from '../../../electron/shared/contract';
import { BRIDGE_PATH, ServerMessageSchema, type ServerMessage } from '../../../electron/shared/wire';
import { createFakeElectron } from '../../fakes/electron';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeProber } from '../../fakes/fake-prober';

/*
 * `log:write`: a window's unexpected errors reach the engine's log (scope `renderer`) through the
 * one contract, over IPC in the desktop app and over the WebSocket bridge headless; the payload is
 * checked and capped by the schema, and the engine rate-limits the lines on its clock.
 */

const removers: (() => void)[] = [];
afterEach(() => {
  for (const remove of removers.splice(0)) remove();
});

/** Every log record from now on. */
function recordLogs(): LogRecord[] {
  const records: LogRecord[] = [];
  removers.push(addLogSink((record) => records.push(record)));
  return records;
}

const engineOn = (clock = new FakeClock(), mode: 'desktop' | 'headless' = 'desktop'): Engine =>
  new Engine({
    version: 't',
    mode,
    bridgeKind: mode === 'desktop' ? 'ipc' : 'websocket',
    config: EngineConfigSchema.parse({}),
    clock,
    prober: new FakeProber(),
  });

describe('log:write payload', () => {
  it('takes a kind, a message and an optional place, nothing else', () => {
    expect(parseCommand('log:write', { kind: 'uncaught', message: 'x is not a function', where: 'app.js:1:2' })).toMatchObject({
      ok: true,
    });
    expect(parseCommand('log:write', { kind: 'render', message: 'boom' })).toMatchObject({ ok: true });
    for (const bad of [
      { kind: 'fatal', message: 'x' },
      { kind: 'render', message: '' },
      { kind: 'render', message: 'x', level: 'debug' },
      { kind: 'render', message: 'x'.repeat(RENDERER_ERROR_MESSAGE_MAX + 1) },
      { kind: 'render', message: 'x', where: 'y'.repeat(RENDERER_ERROR_WHERE_MAX + 1) },
      null,
    ]) {
      expect(parseCommand('log:write', bad)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    }
  });

  it('becomes one line: what happened, the message, where; control characters cannot split or forge lines', () => {
    expect(formatReport({ kind: 'render', message: 'Cannot read properties of undefined', where: 'Meter < App' })).toBe(
      'the window stopped drawing: Cannot read properties of undefined (at Meter < App)',
    );
    expect(formatReport({ kind: 'unhandled-rejection', message: 'late\n2026-12-06T00:00:00.000Z ERROR [engine] forged\r\u2028' })).toBe(
      'unhandled promise rejection in the window: late 2026-12-06T00:00:00.000Z ERROR [engine] forged',
    );
    expect(
      formatReport({ kind: 'uncaught', message: 'x'.repeat(RENDERER_ERROR_MESSAGE_MAX), where: 'y'.repeat(RENDERER_ERROR_WHERE_MAX) }),
    ).toHaveLength(2000);
  });
});

describe('rate limit', () => {
  it(`writes ${RENDERER_LOG_BURST} at once, then one per ${RENDERER_LOG_REFILL_MS} ms, and counts what it left out`, () => {
    const clock = new FakeClock();
    const logs = recordLogs();
    const log = new RendererLog({ clock, logger: createLogger('renderer', () => clock.now()) });
    const report = { kind: 'uncaught', message: 'loop' } as const;
    const written = Array.from({ length: RENDERER_LOG_BURST + 5 }, () => log.write(report).written);
    expect(written).toEqual([...Array<boolean>(RENDERER_LOG_BURST).fill(true), ...Array<boolean>(5).fill(false)]);
    expect(logs.filter((record) => record.level === 'error')).toHaveLength(RENDERER_LOG_BURST);
    expect(logs.filter((record) => record.level === 'warn').map((record) => record.message)).toEqual([
      `the window reports unexpected errors faster than ${RENDERER_LOG_BURST} a minute: further ones are left out of the log for now`,
    ]);
    expect(logs.every((record) => record.scope === 'renderer')).toBe(true);

    clock.advance(RENDERER_LOG_REFILL_MS - 1);
    expect(log.write(report).written).toBe(false);
    clock.advance(1);
    logs.splice(0);
    expect(log.write(report).written).toBe(true);
    expect(log.write(report).written).toBe(false);
    expect(logs.map((record) => [record.level, record.message])).toEqual([
      ['warn', '6 unexpected errors of the window were left out of the log'],
      ['error', 'uncaught error in the window: loop'],
      [
        'warn',
        `the window reports unexpected errors faster than ${RENDERER_LOG_BURST} a minute: further ones are left out of the log for now`,
      ],
    ]);

    // A quiet minute fills the bucket again, and no more.
    clock.advance(RENDERER_LOG_REFILL_MS * RENDERER_LOG_BURST * 3);
    const again = Array.from({ length: RENDERER_LOG_BURST + 1 }, () => log.write(report).written);
    expect(again.filter(Boolean)).toHaveLength(RENDERER_LOG_BURST);
  });
});

describe('log:write through the engine and its bindings', () => {
  it('writes through the engine door as a renderer line that the log panel shows too', async () => {
    const logs = recordLogs();
    const engine = engineOn();
    removers.push(addLogSink((record) => engine.publishLog(record)));
    const events: EngineEvent[] = [];
    removers.push(engine.subscribe((event) => events.push(event)));
    expect(await dispatchUntrusted(engine, 'log:write', { kind: 'render', message: 'boom', where: 'Meter < App' })).toEqual({
      ok: true,
      result: { written: true },
    });
    expect(logs.map(({ level, scope, message }) => ({ level, scope, message }))).toContainEqual({
      level: 'error',
      scope: 'renderer',
      message: 'the window stopped drawing: boom (at Meter < App)',
    });
    expect(events).toContainEqual({
      channel: 'log:entry',
      payload: expect.objectContaining({ scope: 'renderer', message: 'the window stopped drawing: boom (at Meter < App)' }) as unknown,
    });
  });

  it('arrives over IPC from the window through the preload', async () => {
    const logs = recordLogs();
    const electron = createFakeElectron();
    const window = new electron.BrowserWindow({});
    await window.loadFile('/app/out/renderer/index.html');
    const engine = engineOn();
    removers.push(
      registerIpc(electron.ipcMain, engine, {
        isTrustedSender: createSenderCheck(() => window.webContents, { kind: 'file', path: '/app/out/renderer/index.html' }),
        eventTarget: () => window.webContents,
      }),
    );
    electron.ipcRenderer.connectToMain(electron.ipcMain, window.webContents);
    const api = apiFromReplies(buildSteadycastApi(electron.ipcRenderer));
    await expect(api.invoke('log:write', { kind: 'uncaught', message: 'x is not a function', where: 'index.js:3:7' })).resolves.toEqual({
      written: true,
    });
    expect(
      logs.some(
        (record) => record.scope === 'renderer' && record.message === 'uncaught error in the window: x is not a function (at index.js:3:7)',
      ),
    ).toBe(true);
  });

  it('arrives over the WebSocket bridge headless', async () => {
    const logs = recordLogs();
    const engine = engineOn(new FakeClock(), 'headless');
    const server: BridgeServer = await startBridgeServer({ engine, port: 0, token: 'log-token' });
    const socket = new WebSocket(server.url.replace('http', 'ws') + BRIDGE_PATH);
    try {
      const messages: ServerMessage[] = [];
      const waiters: (() => void)[] = [];
      socket.on('message', (data) => {
        messages.push(ServerMessageSchema.parse(JSON.parse((data as Buffer).toString('utf8'))));
        for (const wake of waiters.splice(0)) wake();
      });
      const next = async (type: ServerMessage['type']): Promise<ServerMessage> => {
        for (;;) {
          const found = messages.find((message) => message.type === type);
          if (found) return found;
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      };
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      socket.send(JSON.stringify({ type: 'auth', token: 'log-token' }));
      expect(await next('auth-result')).toMatchObject({ ok: true });
      socket.send(
        JSON.stringify({
          type: 'command',
          id: 'w1',
          channel: 'log:write',
          payload: { kind: 'unhandled-rejection', message: 'network down' },
        }),
      );
      expect(await next('result')).toEqual({ type: 'result', id: 'w1', reply: { ok: true, result: { written: true } } });
      expect(
        logs.some((record) => record.scope === 'renderer' && record.message === 'unhandled promise rejection in the window: network down'),
      ).toBe(true);
    } finally {
      socket.close();
      await server.close();
    }
  });
});
