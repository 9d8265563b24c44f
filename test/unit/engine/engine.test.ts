import { EngineCommandError } from '../../../electron/engine/engine-errors';
import { describe, expect, it } from 'vitest';
import { EngineConfigSchema, ConfigError, parseEngineConfig } from '../../../electron/engine/config';
import { dispatchUntrusted } from '../../../electron/engine/dispatch';
import { Engine } from '../../../electron/engine/engine';
import { RECENT_LOG_LIMIT, type EngineEvent } from '../../../electron/shared/contract';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeProber } from '../../fakes/fake-prober';
import { describeError } from '../../../electron/shared/describe-error';

const spaceConfig = {
  space: {
    name: 'Launch night',
    primary: { janus: { url: 'ws://198.18.0.1:8188' }, icecast: { mountUrl: 'http://source:s3cret@198.18.0.1:8000/live.opus' } },
    backup: { janus: { url: 'ws://198.18.0.2:8188' }, icecast: { mountUrl: 'http://198.18.0.2:8000/live.opus' } },
  },
};

function makeEngine(prober = new FakeProber()): { engine: Engine; events: EngineEvent[]; clock: FakeClock } {
  const clock = new FakeClock();
  const engine = new Engine({
    version: '1.2.3',
    mode: 'headless',
    bridgeKind: 'websocket',
    config: EngineConfigSchema.parse(spaceConfig),
    clock,
    prober,
  });
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  return { engine, events, clock };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Engine', () => {
  it('describes both endpoints with redacted URLs and unknown probes', () => {
    const { engine } = makeEngine();
    const state = engine.getState();
    expect(state.space.name).toBe('Launch night');
    expect(state.space.endpoints.map((endpoint) => endpoint.name)).toEqual(['primary', 'backup']);
    expect(state.space.endpoints[0]?.icecast?.url).toBe('http://198.18.0.1:8000/live.opus');
    expect(JSON.stringify(state)).not.toContain('s3cret');
    expect(state.space.endpoints[0]?.janus?.probe).toEqual({ status: 'unknown' });
  });

  it('probes every configured server and reports each result as an event and in state', async () => {
    const prober = new FakeProber({
      icecast: { status: 'unreachable', checkedAt: 5, error: 'Icecast did not answer' },
    });
    const { engine, events } = makeEngine(prober);
    const reply = await dispatchUntrusted(engine, 'servers:check', {});
    expect(reply).toEqual({ ok: true, result: { started: 4 } });
    await settle();
    const firstState = events.find((event) => event.channel === 'engine:state');
    expect(firstState?.channel === 'engine:state' && firstState.payload.space.endpoints[0]?.janus?.probe.status).toBe('checking');

    expect(prober.calls).toHaveLength(4);
    expect(prober.calls).toContainEqual({ kind: 'icecast', url: 'http://source:s3cret@198.18.0.1:8000/live.opus' });
    const probed = events.filter((event) => event.channel === 'servers:probed');
    expect(probed).toHaveLength(4);
    const primary = engine.getState().space.endpoints[0];
    expect(primary?.janus?.probe.status).toBe('reachable');
    expect(primary?.icecast?.probe).toEqual({ status: 'unreachable', checkedAt: 5, error: 'Icecast did not answer' });
  });

  it('checks only the endpoint asked for', async () => {
    const prober = new FakeProber();
    const { engine } = makeEngine(prober);
    await dispatchUntrusted(engine, 'servers:check', { endpoint: 'backup' });
    await settle();
    expect(prober.calls.map((call) => call.url)).toEqual(['ws://198.18.0.2:8188', 'http://198.18.0.2:8000/live.opus']);
  });

  it('turns a prober that throws into an unreachable probe instead of a crash', async () => {
    const prober = new FakeProber();
    prober.probeJanus = () => Promise.reject(new Error('socket hang up'));
    const { engine } = makeEngine(prober);
    await dispatchUntrusted(engine, 'servers:check', { endpoint: 'primary' });
    await settle();
    expect(engine.getState().space.endpoints[0]?.janus?.probe).toMatchObject({ status: 'unreachable', error: 'socket hang up' });
  });

  it('answers ping with the nonce and an engine:pong event on the engine clock', async () => {
    const { engine, events, clock } = makeEngine();
    clock.advance(250);
    const reply = await dispatchUntrusted(engine, 'engine:ping', { nonce: 'abc' });
    expect(reply).toEqual({ ok: true, result: { nonce: 'abc', engineTime: clock.now() } });
    expect(events).toContainEqual({ channel: 'engine:pong', payload: { nonce: 'abc', engineTime: clock.now() } });
  });

  it('reports an engine failure as a typed reply, not a thrown error', async () => {
    const { engine } = makeEngine();
    engine.execute = () => Promise.reject(new Error('boom'));
    const reply = await dispatchUntrusted(engine, 'engine:get-state', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'engine-error', message: expect.stringContaining('boom') } });
  });

  it('passes an expected refusal through as written, without the "see the log" wrapper', async () => {
    const { engine } = makeEngine();
    engine.execute = () => Promise.reject(new EngineCommandError('Already in the conversation: leave it before joining again.'));
    const reply = await dispatchUntrusted(engine, 'engine:get-state', {});
    expect(reply).toEqual({
      ok: false,
      error: { code: 'engine-error', message: 'Already in the conversation: leave it before joining again.' },
    });
  });

  it('keeps the latest log lines for UIs that attach later, bounded', async () => {
    const { engine, events } = makeEngine();
    for (let index = 1; index <= RECENT_LOG_LIMIT + 20; index += 1) {
      engine.publishLog({ at: index, level: 'info', scope: 'engine', message: `line ${index}` });
    }
    expect(events.filter((event) => event.channel === 'log:entry')).toHaveLength(RECENT_LOG_LIMIT + 20);
    const reply = await dispatchUntrusted(engine, 'log:get-recent', {});
    expect(reply.ok).toBe(true);
    const { entries } = (reply as { result: { entries: { message: string }[] } }).result;
    expect(entries).toHaveLength(RECENT_LOG_LIMIT);
    expect(entries[0]?.message).toBe('line 21');
    expect(entries.at(-1)?.message).toBe(`line ${RECENT_LOG_LIMIT + 20}`);
  });

  it('keeps emitting to other listeners when one throws', () => {
    const { engine, events } = makeEngine();
    engine.subscribe(() => {
      throw new Error('bad listener');
    });
    engine.emitState();
    expect(events.filter((event) => event.channel === 'engine:state')).toHaveLength(1);
  });
});

describe('engine config', () => {
  it('names every bad field with what is expected', () => {
    const bad = {
      space: { name: '', primary: { janus: { url: 'http://janus:8088' }, icecast: { mountUrl: 'not a url' } } },
    };
    let error: unknown;
    try {
      parseEngineConfig(bad, 'space.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('space.name');
    expect(problems).toMatch(/space\.primary\.janus\.url: must start with ws:\/\//);
    expect(problems).toMatch(/space\.primary\.icecast\.mountUrl: must be a URL/);
    expect((error as ConfigError).message).toContain('space.json');
  });

  it('takes the space’s failover rule, field by field, and names a bad one', () => {
    expect(parseEngineConfig({ space: { name: 'x', failover: { thresholdMs: 5000 } } }, 'c.json').space.failover).toEqual({
      thresholdMs: 5000,
    });
    expect(() => parseEngineConfig({ space: { name: 'x', failover: { thresholdMs: 100 } } }, 'c.json')).toThrow(
      /space\.failover\.thresholdMs: at least 500 ms/,
    );
    expect(() => parseEngineConfig({ space: { name: 'x', failover: { treshold: 5000 } } }, 'c.json')).toThrow(/treshold|Unrecognized/);
  });

  it('rejects unknown keys so typos do not pass silently', () => {
    expect(() => parseEngineConfig({ space: { name: 'x', primray: {} } }, 'c.json')).toThrow(/primray|Unrecognized/);
  });
});

describe('recording:reveal without a desktop', () => {
  it('says where the file is instead of failing silently', async () => {
    const engine = new Engine({
      version: 't',
      mode: 'headless',
      bridgeKind: 'websocket',
      config: EngineConfigSchema.parse({ space: { name: 'x' } }),
      clock: new FakeClock(),
      prober: new FakeProber(),
    });
    await expect(engine.execute({ channel: 'recording:reveal', payload: {} })).rejects.toThrow(/No show has been recorded/);
  });
});

describe('describeError', () => {
  it('follows causes, reads event-like objects and never prints {}', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(describeError(new TypeError('fetch failed', { cause: refused }))).toBe('fetch failed: connect ECONNREFUSED 127.0.0.1:9');
    expect(describeError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('socket hang up (ECONNRESET)');
    const wsErrorEvent = Object.create({
      get message() {
        return 'connect ECONNREFUSED';
      },
    }) as object;
    expect(describeError(wsErrorEvent)).toBe('connect ECONNREFUSED');
    expect(describeError({ error: refused })).toBe('connect ECONNREFUSED 127.0.0.1:9');
    expect(describeError({})).toBe('[object Object]');
  });
});

describe('Engine: the space chosen in Settings is the one it runs', () => {
  const form = (name: string) => ({
    name,
    primary: {
      janusUrl: 'ws://198.18.0.3:8188',
      roomId: 77,
      roomSecret: 'a-long-secret',
      roomPin: '',
      mountUrl: 'http://198.18.0.3:8000/morning.opus',
      sourceUser: 'source',
      sourcePassword: 'pw-123',
    },
    backup: null,
  });

  it('"Use" runs a saved space from now on, and it becomes the space in use', async () => {
    const { engine } = makeEngine();
    const created = await engine.execute({ channel: 'settings:save-space', payload: { id: null, space: form('Morning show') } });
    const id = created.spaces[1]?.id ?? '';
    const used = await engine.execute({ channel: 'settings:use-space', payload: { id } });
    expect(used.activeSpaceId).toBe(id);
    expect(used.spaces.map((space) => space.name)).toEqual(['Morning show', 'Launch night']);
    expect(used.pendingSpace).toBe(false);
    const state = engine.getState();
    expect(state.space.name).toBe('Morning show');
    expect(state.space.endpoints.map((endpoint) => [endpoint.name, endpoint.icecast?.url])).toEqual([
      ['primary', 'http://198.18.0.3:8000/morning.opus'],
    ]);
    // The space it ran before can be deleted now; the one in use cannot.
    await expect(engine.execute({ channel: 'settings:delete-space', payload: { id } })).rejects.toThrow(
      /is the space this engine runs now/,
    );
  });

  it('an edit of the space in use applies at once while off air and out of the room', async () => {
    const { engine } = makeEngine();
    const view = await engine.execute({ channel: 'settings:get', payload: {} });
    const saved = await engine.execute({
      channel: 'settings:save-space',
      payload: { id: view.activeSpaceId, space: form('Launch night, moved') },
    });
    expect(saved.pendingSpace).toBe(false);
    expect(engine.getState().space.name).toBe('Launch night, moved');
    expect(engine.getState().space.endpoints[0]?.janus?.url).toBe('ws://198.18.0.3:8188/');
  });
});

describe('Engine: an edit of the space in use, saved on air', () => {
  it('waits for the show to end and applies when the host next goes live; "Use" is refused on air with what to do', async () => {
    const clock = new FakeClock();
    const engine = new Engine({
      version: '1.2.3',
      mode: 'headless',
      bridgeKind: 'websocket',
      // Nobody listens on port 1: the output keeps retrying, the show is on air all the same.
      config: EngineConfigSchema.parse({
        space: {
          name: 'Loopback show',
          primary: { janus: { url: 'ws://127.0.0.1:1' }, icecast: { mountUrl: 'http://source:pw-123@127.0.0.1:1/live.opus' } },
        },
      }),
      clock,
      prober: new FakeProber(),
    });
    const view = await engine.execute({ channel: 'settings:get', payload: {} });
    const other = await engine.execute({
      channel: 'settings:save-space',
      payload: {
        id: null,
        space: {
          name: 'Other',
          primary: {
            janusUrl: 'ws://127.0.0.1:2',
            roomId: null,
            roomSecret: null,
            roomPin: '',
            mountUrl: 'http://127.0.0.1:2/other.opus',
            sourceUser: 'source',
            sourcePassword: 'pw-456',
          },
          backup: null,
        },
      },
    });
    await engine.execute({ channel: 'broadcast:start', payload: { source: { kind: 'tone', frequencyHz: 440 } } });
    expect(engine.getState().broadcast).not.toBeNull();

    await expect(engine.execute({ channel: 'settings:use-space', payload: { id: other.spaces[1]?.id ?? '' } })).rejects.toThrow(
      'A show is on air: end it before changing the space.',
    );
    const edited = await engine.execute({
      channel: 'settings:save-space',
      payload: {
        id: view.activeSpaceId,
        space: {
          name: 'Loopback show, renamed',
          primary: {
            janusUrl: 'ws://127.0.0.1:1',
            roomId: null,
            roomSecret: null,
            roomPin: '',
            mountUrl: 'http://127.0.0.1:1/live.opus',
            sourceUser: 'source',
            sourcePassword: null,
          },
          backup: null,
        },
      },
    });
    expect(edited.pendingSpace).toBe(true);
    expect(engine.getState().space.name).toBe('Loopback show');

    await engine.execute({ channel: 'broadcast:stop', payload: {} });
    expect((await engine.execute({ channel: 'settings:get', payload: {} })).pendingSpace).toBe(true);
    await engine.execute({ channel: 'broadcast:start', payload: { source: { kind: 'tone', frequencyHz: 440 } } });
    expect(engine.getState().space.name).toBe('Loopback show, renamed');
    expect((await engine.execute({ channel: 'settings:get', payload: {} })).pendingSpace).toBe(false);
    await engine.execute({ channel: 'broadcast:stop', payload: {} });
    // Two real shows start (the Opus encoder loads each time): slow on a loaded machine.
  }, 60_000);
});
