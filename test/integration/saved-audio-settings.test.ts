import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/engine/clock';
import { EngineConfigSchema } from '../../electron/engine/config';
import { dispatchUntrusted } from '../../electron/engine/dispatch';
import { Engine } from '../../electron/engine/engine';
import { readOggPages } from '../../electron/engine/ogg/ogg-page';
import { opusPacketSamples } from '../../electron/engine/ogg/opus-packet';
import type { CommandChannel, CommandPayload, CommandResult } from '../../electron/shared/contract';
import { DEFAULT_AUDIO_SETTINGS, DEFAULT_SHORTCUTS, type GeneralSettings } from '../../electron/shared/settings';
import { startIcecast, type IcecastServer } from '../env/icecast';
import { captureMount } from '../env/listen';
import { FakeProber } from '../fakes/fake-prober';

const run = promisify(execFile);

/*
 * Saved audio settings reach the audience: the host saves a bitrate and channels through
 * `settings:save-general`, goes live with a request that leaves them out (as the control room and
 * the desktop app's resume do), and what a real Icecast serves is encoded that way — the OpusHead
 * a listener receives, the stream's own rate — while the broadcast status says the same.
 */

const MOUNT = '/saved.opus';

/** What a listener received in `ms`: the OpusHead's channel count and the audio's rate. */
interface Served {
  channels: number;
  kbitPerSecond: number;
  seconds: number;
}

/** Listens to the mount like a player for `ms` and reads the Ogg Opus it served. */
async function listen(icecast: IcecastServer, ms: number): Promise<Served> {
  const { pages } = readOggPages(new Uint8Array(await captureMount(icecast, MOUNT, ms)));
  const [head, tags, ...audio] = pages.flatMap((page) => page.packets);
  if (head === undefined || new TextDecoder().decode(head.subarray(0, 8)) !== 'OpusHead')
    throw new Error('the stream did not start with an OpusHead');
  if (tags === undefined || new TextDecoder().decode(tags.subarray(0, 8)) !== 'OpusTags')
    throw new Error('the stream has no OpusTags after its OpusHead');
  const bytes = audio.reduce((sum, packet) => sum + packet.byteLength, 0);
  const seconds = audio.reduce((sum, packet) => sum + opusPacketSamples(packet), 0) / 48_000;
  return { channels: head[9] ?? 0, kbitPerSecond: (bytes * 8) / seconds / 1000, seconds };
}

/** Icecast's own record of the mount's stream (`audio_info` as the source announced it). */
async function mountInfo(icecast: IcecastServer): Promise<string> {
  const response = await fetch(`${icecast.baseUrl}/status-json.xsl`);
  const stats = (await response.json()) as {
    icestats: { source?: { listenurl: string; audio_info?: string } | { listenurl: string; audio_info?: string }[] };
  };
  const sources =
    stats.icestats.source === undefined ? [] : Array.isArray(stats.icestats.source) ? stats.icestats.source : [stats.icestats.source];
  return sources.find((source) => source.listenurl.endsWith(MOUNT))?.audio_info ?? '';
}

async function waitFor(test: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('saved audio settings on air (real Icecast)', () => {
  let icecast: IcecastServer;
  let dir: string;
  let engine: Engine | null = null;

  beforeAll(async () => {
    icecast = await startIcecast();
  });

  afterAll(async () => {
    await icecast.stop();
  });

  afterEach(async () => {
    await engine?.stopBroadcast();
    engine?.stopListenerCounts();
    engine = null;
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs a command the way both bindings do (parsed with the contract first). */
  async function command<C extends CommandChannel>(
    channel: C,
    payload: CommandPayload<C> | Record<string, unknown>,
  ): Promise<CommandResult<C>> {
    if (!engine) throw new Error('no engine');
    const reply = await dispatchUntrusted(engine, channel, payload);
    if (!reply.ok) throw new Error(`${channel}: ${reply.error.message}`);
    return reply.result as CommandResult<C>;
  }

  it('goes live with the saved bitrate and channels, and the next show with what was saved since', async () => {
    dir = await mkdtemp(join(tmpdir(), 'steadycast-saved-audio-'));
    engine = new Engine({
      version: 'test',
      mode: 'headless',
      bridgeKind: 'websocket',
      config: EngineConfigSchema.parse({
        space: {
          name: 'Saved settings show',
          primary: {
            janus: { url: 'ws://127.0.0.1:9' },
            icecast: { mountUrl: `http://source:${icecast.sourcePassword}@${icecast.host}:${icecast.port}${MOUNT}` },
          },
        },
      }),
      clock: systemClock,
      prober: new FakeProber(),
      random: () => randomInt(0, 2 ** 32) / 2 ** 32,
      recordingsDir: dir,
    });
    const live = engine;
    const save = (audio: Partial<GeneralSettings['audio']>, recording: GeneralSettings['recording']): Promise<unknown> =>
      command('settings:save-general', { audio: { ...DEFAULT_AUDIO_SETTINGS, ...audio }, recording, shortcuts: { ...DEFAULT_SHORTCUTS } });

    // A bad value never reaches the engine, and says what is wrong.
    await expect(
      command('settings:save-general', {
        audio: { ...DEFAULT_AUDIO_SETTINGS, bitrateKbps: 100 },
        recording: { enabled: false, folder: '' },
        shortcuts: DEFAULT_SHORTCUTS,
      }),
    ).rejects.toThrow(/choose one of 32, 48, 64, 96, 128, 160, 192, 256 kb\/s/);
    await expect(command('broadcast:start', { source: { kind: 'tone', frequencyHz: 440 }, channels: 6 })).rejects.toThrow(
      /must be 1 \(mono\) or 2 \(stereo\)/,
    );

    // Show 1: mono at 32 kbit/s, not recorded.
    await save({ bitrateKbps: 32, channels: 1 }, { enabled: false, folder: dir });
    const first = await command('broadcast:start', { source: { kind: 'tone', frequencyHz: 440 } });
    expect(first).toMatchObject({ channels: 1, bitrateKbps: 32, configuredBitrateKbps: 32, recording: null });
    await waitFor(() => live.getState().broadcast?.outputs[0]?.state.status === 'live');
    const mono = await listen(icecast, 3000);
    expect(await mountInfo(icecast)).toMatch(/bitrate=32.*channels=1|channels=1.*bitrate=32/);
    await command('broadcast:stop', {});

    // Show 2: what was saved since — stereo at 160 kbit/s, recorded.
    await save({ bitrateKbps: 160, channels: 2 }, { enabled: true, folder: dir });
    const second = await command('broadcast:start', { source: { kind: 'tone', frequencyHz: 440 } });
    expect(second).toMatchObject({ channels: 2, bitrateKbps: 160, configuredBitrateKbps: 160 });
    expect(second.recording?.path.startsWith(dir)).toBe(true);
    await waitFor(() => live.getState().broadcast?.outputs[0]?.state.status === 'live');
    const stereo = await listen(icecast, 3000);
    expect(await mountInfo(icecast)).toMatch(/bitrate=160.*channels=2|channels=2.*bitrate=160/);
    await command('broadcast:stop', {});

    // What the audience received: the OpusHead says mono, then stereo; the encoder followed the
    // bitrate (unconstrained VBR on a pure tone lands near the target: ≈ 42 and ≈ 174 kbit/s here).
    expect(mono.channels).toBe(1);
    expect(stereo.channels).toBe(2);
    expect(mono.seconds).toBeGreaterThan(1);
    expect(stereo.seconds).toBeGreaterThan(1);
    expect(mono.kbitPerSecond).toBeGreaterThan(32 * 0.5);
    expect(mono.kbitPerSecond).toBeLessThan(32 * 1.5);
    expect(stereo.kbitPerSecond).toBeGreaterThan(160 * 0.5);
    expect(stereo.kbitPerSecond).toBeLessThan(160 * 1.5);

    const recordings = (await readdir(dir)).filter((name) => name.endsWith('.opus') && name.startsWith('Saved-settings-show'));
    expect(recordings).toHaveLength(1);
    const info = await run('opusinfo', [join(dir, recordings[0] ?? '')]);
    expect(info.stdout).toMatch(/Channels: 2/);
  });
});
