import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { Engine } from '../../../electron/engine/engine';
import { EngineConfigSchema } from '../../../electron/engine/config';
import { encodePcmFrame, PCM_FRAME_LENGTH } from '../../../electron/shared/pcm-frame';
import { BRIDGE_PATH, MAX_TEXT_MESSAGE_BYTES, ServerMessageSchema, type ServerMessage } from '../../../electron/shared/wire';
import { CONTENT_SECURITY_POLICY, startBridgeServer, type BridgeServer } from '../../../electron/cli/ws-bridge';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeProber } from '../../fakes/fake-prober';

/** A test client that queues every message so tests can await them in order. */
class Client {
  private readonly queue: ServerMessage[] = [];
  private readonly waiters: ((message: ServerMessage) => void)[] = [];
  readonly closed: Promise<{ code: number }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = ServerMessageSchema.parse(JSON.parse((data as Buffer).toString('utf8')));
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve({ code })));
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<Client> {
    const socket = new WebSocket(url, { headers });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new Client(socket);
  }

  next(): Promise<ServerMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Skips events until a message of the given type arrives. */
  async nextOf<T extends ServerMessage['type']>(type: T): Promise<Extract<ServerMessage, { type: T }>> {
    for (;;) {
      const message = await this.next();
      if (message.type === type) return message as Extract<ServerMessage, { type: T }>;
    }
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }
}

describe('WebSocket bridge', () => {
  let engine: Engine;
  let server: BridgeServer;
  let wsUrl: string;
  let uiDir: string;
  const clients: Client[] = [];

  beforeEach(async () => {
    uiDir = await mkdtemp(join(tmpdir(), 'steadycast-ui-'));
    await writeFile(join(uiDir, 'index.html'), '<!doctype html><title>ui</title>');
    engine = new Engine({
      version: 'test',
      mode: 'headless',
      bridgeKind: 'websocket',
      config: EngineConfigSchema.parse({
        space: {
          name: 'Test space',
          primary: { janus: { url: 'ws://198.18.0.1:8188' }, icecast: { mountUrl: 'http://source:hackme@198.18.0.1:8000/live.opus' } },
        },
      }),
      clock: new FakeClock(),
      prober: new FakeProber(),
    });
    server = await startBridgeServer({ engine, port: 0, token: 'correct-token', staticDir: uiDir });
    wsUrl = server.url.replace('http', 'ws') + BRIDGE_PATH;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.close();
    await server.close();
    await rm(uiDir, { recursive: true, force: true });
  });

  const connect = async (headers?: Record<string, string>): Promise<Client> => {
    const client = await Client.open(wsUrl, headers);
    clients.push(client);
    return client;
  };

  const authed = async (): Promise<Client> => {
    const client = await connect();
    client.send({ type: 'auth', token: 'correct-token' });
    expect(await client.nextOf('auth-result')).toEqual({ type: 'auth-result', ok: true });
    return client;
  };

  it('refuses a wrong token with a clear reply and accepts the right one on the same connection', async () => {
    const client = await connect();
    client.send({ type: 'auth', token: 'wrong' });
    const refused = await client.nextOf('auth-result');
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('unauthorized');
    expect(refused.error?.message).toMatch(/link the steadycast command printed/);

    client.send({ type: 'auth', token: 'correct-token' });
    expect((await client.nextOf('auth-result')).ok).toBe(true);
    const state = await client.nextOf('event');
    expect(state.channel).toBe('engine:state');
    expect(engine.getState().bridge.clients).toBe(1);
  });

  it('answers commands sent before auth with unauthorized, echoing the command id', async () => {
    const client = await connect();
    client.send({ type: 'command', id: 'c1', channel: 'engine:get-state', payload: {} });
    const error = await client.nextOf('error');
    expect(error).toMatchObject({ inReplyTo: 'c1', error: { code: 'unauthorized' } });
  });

  it('closes a connection after too many wrong tokens', async () => {
    const client = await connect();
    for (let attempt = 0; attempt < 5; attempt += 1) client.send({ type: 'auth', token: `wrong-${attempt}` });
    expect((await client.closed).code).toBe(1008);
  });

  it('answers malformed and oversized messages with an error and stays usable', async () => {
    const client = await authed();
    client.send('{not json');
    expect((await client.nextOf('error')).error.code).toBe('malformed-message');

    client.send({ type: 'shout', id: 'x' });
    expect((await client.nextOf('error')).error.code).toBe('malformed-message');

    client.send({ type: 'command', id: 'big', channel: 'engine:ping', payload: { nonce: 'x'.repeat(MAX_TEXT_MESSAGE_BYTES) } });
    const tooLarge = await client.nextOf('error');
    expect(tooLarge.error.code).toBe('message-too-large');
    expect(tooLarge.error.message).toContain(String(MAX_TEXT_MESSAGE_BYTES));

    client.send({ type: 'command', id: 'after', channel: 'engine:ping', payload: { nonce: 'still-here' } });
    const result = await client.nextOf('result');
    expect(result).toMatchObject({ id: 'after', reply: { ok: true, result: { nonce: 'still-here' } } });
  });

  it('rejects unknown channels and invalid payloads before the engine sees them', async () => {
    const execute = vi.spyOn(engine, 'execute');
    const client = await authed();

    client.send({ type: 'command', id: 'u', channel: 'engine:self-destruct', payload: {} });
    const unknown = await client.nextOf('result');
    expect(unknown.reply).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });

    client.send({ type: 'command', id: 'p', channel: 'engine:ping', payload: { nonce: 42 } });
    const invalid = await client.nextOf('result');
    expect(invalid.reply).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(execute).not.toHaveBeenCalled();
  });

  it('delivers the result and the event of a command', async () => {
    const client = await authed();
    client.send({ type: 'command', id: 'ping-1', channel: 'engine:ping', payload: { nonce: 'n-1' } });
    const messages: ServerMessage[] = [];
    while (!messages.some((message) => message.type === 'result')) messages.push(await client.next());
    expect(messages).toContainEqual(expect.objectContaining({ type: 'result', id: 'ping-1' }));
    // The engine emits the event while it runs the command, so it is on the wire before the result.
    expect(messages).toContainEqual({ type: 'event', channel: 'engine:pong', payload: expect.objectContaining({ nonce: 'n-1' }) });
  });

  it('never puts server credentials in the state it sends', async () => {
    const client = await authed();
    client.send({ type: 'command', id: 's', channel: 'engine:get-state', payload: {} });
    const result = await client.nextOf('result');
    const text = JSON.stringify(result);
    expect(text).toContain('198.18.0.1:8000/live.opus');
    expect(text).not.toContain('hackme');
  });

  it('takes PCM frames on the binary channel after auth and counts bad ones', async () => {
    const stranger = await connect();
    stranger.socket.send(Buffer.alloc(64));
    // Binary before auth: no client of ours does that; the connection is closed, not answered.
    expect((await stranger.closed).code).toBe(1008);
    expect(engine.getState().audio.framesReceived).toBe(0);

    const client = await authed();
    const frame = encodePcmFrame({
      channels: 2,
      sampleRate: 48_000,
      sequence: 1,
      captureTime: 0,
      samples: new Float32Array(PCM_FRAME_LENGTH * 2).fill(0.25),
    });
    client.socket.send(new Uint8Array(frame));
    client.socket.send(Buffer.from('definitely not audio, but longer than a header'));
    expect((await client.nextOf('error')).error.code).toBe('invalid-payload');
    expect(engine.getState().audio).toMatchObject({ framesReceived: 1, framesRejected: 1 });
  });

  it('takes an audio-only connection: frames yes, commands and events no, not counted as a UI', async () => {
    const ui = await authed();
    const audio = await connect();
    audio.send({ type: 'auth', token: 'wrong-token', purpose: 'audio' });
    expect(await audio.nextOf('auth-result')).toMatchObject({ ok: false });
    audio.send({ type: 'auth', token: 'correct-token', purpose: 'audio' });
    expect(await audio.next()).toEqual({ type: 'auth-result', ok: true });
    expect(engine.getState().bridge.clients).toBe(1);

    audio.socket.send(
      new Uint8Array(
        encodePcmFrame({ channels: 2, sampleRate: 48_000, sequence: 0, captureTime: 0, samples: new Float32Array(PCM_FRAME_LENGTH * 2) }),
      ),
    );
    audio.send({ type: 'command', id: 'c1', channel: 'engine:ping', payload: { sentAt: 1 } });
    const refused = await audio.next();
    expect(refused).toMatchObject({ type: 'error', inReplyTo: 'c1', error: { code: 'unauthorized' } });
    expect(engine.getState().audio.framesReceived).toBe(1);

    // Events reach the UI connection only: the audio connection's next message is the answer to its own command.
    ui.send({ type: 'command', id: 'c2', channel: 'engine:ping', payload: { sentAt: 2 } });
    expect((await ui.nextOf('result')).id).toBe('c2');
    audio.send({ type: 'command', id: 'c3', channel: 'engine:ping', payload: { sentAt: 3 } });
    expect(await audio.next()).toMatchObject({ type: 'error', inReplyTo: 'c3' });
  });

  it('refuses WebSocket upgrades from another origin or path', async () => {
    await expect(Client.open(wsUrl, { Origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await expect(Client.open(server.url.replace('http', 'ws') + '/elsewhere')).rejects.toThrow(/403/);
    const sameOrigin = await connect({ Origin: server.url });
    expect(sameOrigin.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('serves the UI with a strict content security policy and nothing outside its folder', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await index.text()).toContain('<title>ui</title>');
    const traversal = await fetch(`${server.url}/..%2f..%2fetc%2fpasswd`);
    expect([403, 404]).toContain(traversal.status);
    expect(await traversal.text()).not.toContain('root:');
  });
});
