import { randomInt } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BroadcastStatus } from '../shared/broadcast';
import { ProgramLoudnessSchema, type LoudnessMeters, type ProgramLoudnessConfig } from '../shared/loudness';
import type { ChannelCount, PcmSource } from '../engine/audio/audio-frame';
import { AudioFileError } from '../engine/audio/audio-file-error';
import { ToneSource } from '../engine/audio/tone-source';
import { WavFileSource } from '../engine/audio/wav-file-source';
import { Broadcast, type BroadcastOutputConfig } from '../engine/broadcast/broadcast';
import type { BroadcastChange } from '../engine/broadcast/broadcast-control';
import { systemClock, type Clock } from '../engine/clock';
import { EngineConfigSchema } from '../engine/config';
import { Engine } from '../engine/engine';
import type { BacklogPolicy, IcecastOutputState } from '../engine/icecast/icecast-output';
import { addLogSink, createLogger, formatLogRecord } from '../engine/log/logger';
import { createFetchHttp, type HttpFetch } from '../engine/listeners/http';
import { ListenerCounts } from '../engine/listeners/listener-counts';
import { MAX_BITRATE_KBPS, MIN_BITRATE_KBPS } from '../engine/opus/encoder-service';
import { redactText, redactUrl } from '../engine/redact';
import { createNetworkProber } from '../engine/servers/prober';
import { STEADYCAST_VERSION } from '../engine/version';
import { newOutputReport, reportOutputs } from './broadcast-report';
import { formatLiveLine } from './listeners-command';
import { argvPasswordWarning, hasPasswordInUrl, readSecretEnv, readSecretFile, SecretSourceError, withPassword } from './secrets';
import { lacksAuthority, serverUrlTextProblem } from '../shared/url-text';
import { startBridgeServer, type BridgeServer } from './ws-bridge';
import { describeError } from '../shared/describe-error';

/** Help text of `steadycast broadcast`. */
export const BROADCAST_USAGE = `  broadcast  Put a program on air: encode once (Opus), send to every Icecast mount, record it.
             --source SPEC     tone:HZ (a sine) or FILE.wav (any common rate; --loop to repeat)
             --icecast URL     http://source@host:port/mount, repeatable (primary, backup, …); the
                               password comes from --icecast-password-file or $STEADYCAST_ICECAST_PASSWORD
             --icecast-password-file FILE   the source password, alone in FILE (mode 0600); one file
                               for every --icecast URL, or one per URL in the same order
             --record FILE     safety recording (Ogg Opus), never a gap
             --split-minutes M, --split-mb N   continue the recording in FILE-002.opus … every M minutes / N MB
             --bitrate KBPS    ${MIN_BITRATE_KBPS}–${MAX_BITRATE_KBPS} (default 128); steps down by itself when an uplink falls behind
             --channels 1|2    default 2
             --loudness LUFS   level the program toward this integrated loudness (default -16; -19 suits mono),
                               or "off" to send it as it comes (no leveller, no limiter)
             --true-peak DBTP  the limiter's true-peak ceiling (default -1; 5 ms look-ahead)
             --name TEXT       stream name shown by players (default "Steadycast")
             --description T   stream description
             --backlog MODE    live (default: resume at the live edge after an outage) or catch-up
             --duration S      stop after S seconds (default: until Ctrl+C or the file ends)
             --json            one JSON object per line for every event and state change
             --verbose         also print the engine log on stderr
             --port N          also serve the control room on 127.0.0.1:N (0 = any free port)
`;

/** Every `event` of `--json` (README "Headless broadcasting" lists the same). */
export const BROADCAST_JSON_EVENTS = [
  'started',
  'ui',
  'output',
  'on-air',
  'bitrate',
  'meters',
  'recording',
  'listeners',
  'notice',
  'stopped',
] as const;
/** One `event` of `--json`. */
export type BroadcastJsonEvent = (typeof BROADCAST_JSON_EVENTS)[number];

/** Where the command writes and what it runs on; the real process by default. */
export interface BroadcastCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  clock: Clock;
  random: () => number;
  /** HTTP for the listener statistics of the outputs' mounts. */
  http: HttpFetch;
  /** Aborted on Ctrl+C / SIGTERM. */
  stop: AbortSignal;
}

/** A bad argument: one line, exit code 2. */
export class BroadcastUsageError extends Error {}

/** The environment variable an Icecast source password may come from. */
export const ICECAST_PASSWORD_ENV = 'STEADYCAST_ICECAST_PASSWORD';

interface BroadcastArgs {
  source: { kind: 'tone'; frequencyHz: number } | { kind: 'file'; path: string };
  loop: boolean;
  outputs: BroadcastOutputConfig[];
  record: string | null;
  splitEveryMs: number | undefined;
  splitEveryBytes: number | undefined;
  bitrateKbps: number;
  channels: ChannelCount;
  loudness: ProgramLoudnessConfig;
  name: string;
  description: string | undefined;
  durationMs: number | null;
  json: boolean;
  verbose: boolean;
  port: number | null;
  /** Said once on stderr before starting (a password on the command line). */
  warnings: string[];
}

function processIo(): BroadcastCommandIo {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    clock: systemClock,
    random: () => randomInt(0, 2 ** 32) / 2 ** 32,
    http: createFetchHttp(),
    stop: controller.signal,
  };
}

/** Parses and checks the arguments; throws {@link BroadcastUsageError} naming the bad one. */
export function parseBroadcastArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): BroadcastArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: joinNegativeValues(args),
      options: {
        source: { type: 'string' },
        loop: { type: 'boolean', default: false },
        icecast: { type: 'string', multiple: true, default: [] },
        'icecast-password-file': { type: 'string', multiple: true, default: [] },
        record: { type: 'string' },
        'split-minutes': { type: 'string' },
        'split-mb': { type: 'string' },
        bitrate: { type: 'string', default: '128' },
        channels: { type: 'string', default: '2' },
        loudness: { type: 'string', default: '-16' },
        'true-peak': { type: 'string' },
        name: { type: 'string', default: 'Steadycast' },
        description: { type: 'string' },
        backlog: { type: 'string', default: 'live' },
        duration: { type: 'string' },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        port: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new BroadcastUsageError(`${redactText(describeError(error))}. Run "steadycast help" for the options.`);
  }

  if (!values.source) throw new BroadcastUsageError('--source is required: tone:440 for a test tone, or a .wav file.');
  const source = parseSource(values.source);
  const bitrateKbps = Number(values.bitrate);
  if (!Number.isInteger(bitrateKbps) || bitrateKbps < MIN_BITRATE_KBPS || bitrateKbps > MAX_BITRATE_KBPS) {
    throw new BroadcastUsageError(
      `--bitrate must be a whole number of kbit/s from ${MIN_BITRATE_KBPS} to ${MAX_BITRATE_KBPS}, not "${values.bitrate}".`,
    );
  }
  if (values.channels !== '1' && values.channels !== '2')
    throw new BroadcastUsageError(`--channels must be 1 or 2, not "${values.channels}".`);
  if (values.backlog !== 'live' && values.backlog !== 'catch-up')
    throw new BroadcastUsageError(`--backlog must be live or catch-up, not "${values.backlog}".`);
  const backlogPolicy: BacklogPolicy = values.backlog;
  const loudness = parseLoudness(values.loudness, values['true-peak']);
  let durationMs: number | null = null;
  if (values.duration !== undefined) {
    const seconds = Number(values.duration);
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new BroadcastUsageError(`--duration must be a positive number of seconds, not "${values.duration}".`);
    durationMs = Math.round(seconds * 1000);
  }
  let port: number | null = null;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new BroadcastUsageError(`--port must be a number from 0 to 65535, not "${values.port}".`);
  }
  const passwords = outputPasswords(values.icecast.length, values['icecast-password-file'], env);
  const outputs = values.icecast.map((url, index) => parseOutput(url, index, backlogPolicy, passwords[index] ?? null));
  const warnings = values.icecast.some(hasPasswordInUrl)
    ? [argvPasswordWarning('--icecast', '--icecast-password-file', ICECAST_PASSWORD_ENV)]
    : [];
  if (outputs.length === 0 && !values.record) {
    throw new BroadcastUsageError('Nothing to send to: give at least one --icecast URL (or --record FILE to only record).');
  }
  const positive = (name: string, raw: string | undefined, unit: number): number | undefined => {
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new BroadcastUsageError(`--${name} must be a positive number, not "${raw}".`);
    if (!values.record) throw new BroadcastUsageError(`--${name} splits the recording: give --record FILE too.`);
    return Math.round(value * unit);
  };
  const splitEveryMs = positive('split-minutes', values['split-minutes'], 60_000);
  const splitEveryBytes = positive('split-mb', values['split-mb'], 1024 * 1024);
  if (values.record && existsSync(values.record)) {
    throw new BroadcastUsageError(
      `--record ${values.record} already exists; the safety recording never overwrites a file. Pick a new name.`,
    );
  }
  return {
    source,
    loop: values.loop,
    outputs,
    record: values.record ?? null,
    splitEveryMs,
    splitEveryBytes,
    bitrateKbps,
    channels: values.channels === '1' ? 1 : 2,
    loudness,
    name: values.name,
    description: values.description,
    durationMs,
    json: values.json,
    verbose: values.verbose,
    port,
    warnings,
  };
}

/** Options whose values are usually negative numbers (node's parseArgs refuses `--loudness -16` as ambiguous). */
const NEGATIVE_VALUED = new Set(['--loudness', '--true-peak']);

/** `--loudness -16` → `--loudness=-16`, so a negative target reads as the value it is. */
function joinNegativeValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const next = args[i + 1];
    if (NEGATIVE_VALUED.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function parseLoudness(target: string, ceiling: string | undefined): ProgramLoudnessConfig {
  if (target === 'off') {
    if (ceiling !== undefined)
      throw new BroadcastUsageError(
        '--true-peak sets the limiter of the loudness chain, which --loudness off turns off: drop one of them.',
      );
    return 'off';
  }
  const number = (name: string, raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value))
      throw new BroadcastUsageError(
        `--${name} must be a number${name === 'loudness' ? ' of LUFS (e.g. -16) or "off"' : ' of dBTP (e.g. -1)'}, not "${raw}".`,
      );
    return value;
  };
  const parsed = ProgramLoudnessSchema.safeParse({
    targetLufs: number('loudness', target),
    ...(ceiling !== undefined ? { truePeakDbtp: number('true-peak', ceiling) } : {}),
  });
  if (!parsed.success) throw new BroadcastUsageError(`${parsed.error.issues.map((issue) => issue.message).join('; ')}.`);
  return parsed.data;
}

/** The show's loudness in one line, e.g. "−16.2 LUFS integrated, range 4.1 LU, true peak −1.6 dBTP". */
export function describeLoudness(loudness: LoudnessMeters | undefined): string {
  if (!loudness || loudness.integratedLufs === null) return 'no programme loud enough to measure';
  const range = loudness.rangeLu === null ? '' : `, range ${loudness.rangeLu.toFixed(1)} LU`;
  const peak = loudness.truePeakDbtp === null ? '' : `, true peak ${loudness.truePeakDbtp.toFixed(1)} dBTP`;
  const target =
    loudness.targetLufs === null ? ' (chain off)' : ` (target ${loudness.targetLufs} LUFS, ceiling ${loudness.ceilingDbtp ?? ''} dBTP)`;
  return `${loudness.integratedLufs.toFixed(1)} LUFS integrated${range}${peak}${target}`;
}

function parseSource(spec: string): BroadcastArgs['source'] {
  const tone = /^tone:(\d+(?:\.\d+)?)$/.exec(spec);
  if (tone) {
    const frequencyHz = Number(tone[1]);
    if (!(frequencyHz > 0 && frequencyHz < 24_000))
      throw new BroadcastUsageError(`--source ${spec}: the tone must be between 0 and 24000 Hz.`);
    return { kind: 'tone', frequencyHz };
  }
  if (spec.startsWith('tone')) throw new BroadcastUsageError(`--source ${spec} is not a tone: write tone:HZ, e.g. tone:440.`);
  if (!/\.wav$/i.test(spec))
    throw new BroadcastUsageError(
      `--source ${spec}: give tone:HZ or a .wav file (convert other formats with: sox input.mp3 -r 48000 program.wav).`,
    );
  const info = statSync(spec, { throwIfNoEntry: false });
  if (!info) throw new BroadcastUsageError(`--source ${spec}: no such file.`);
  // A FIFO would block the open (and Ctrl+C with it); a device or folder is no WAV file either.
  if (!info.isFile()) throw new BroadcastUsageError(`--source ${spec} is not a regular file (a FIFO, device or folder); give a .wav file.`);
  return { kind: 'file', path: spec };
}

/** The password of each --icecast URL that names none: a file per URL, one file for all, or the environment. */
function outputPasswords(outputs: number, files: readonly string[], env: NodeJS.ProcessEnv): (string | null)[] {
  if (files.length > 1 && files.length !== outputs) {
    throw new BroadcastUsageError(
      `${files.length} --icecast-password-file options for ${outputs} --icecast URLs: give one file for all of them, or one per URL in the same order.`,
    );
  }
  let fromFiles: string[];
  try {
    fromFiles = files.map((file) => readSecretFile(file, '--icecast-password-file'));
  } catch (error) {
    if (error instanceof SecretSourceError) throw new BroadcastUsageError(error.message);
    throw error;
  }
  const fromEnv = readSecretEnv(ICECAST_PASSWORD_ENV, env);
  return Array.from({ length: outputs }, (_, index) => fromFiles[fromFiles.length === 1 ? 0 : index] ?? fromEnv);
}

function parseOutput(raw: string, index: number, backlogPolicy: BacklogPolicy, password: string | null): BroadcastOutputConfig {
  const which = `--icecast #${index + 1}`;
  // Never quote a URL that failed a check: what looks like a host may be a password.
  if (lacksAuthority(raw))
    throw new BroadcastUsageError(`${which} does not start with http:// or https://; write http://source@host:port/mount.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BroadcastUsageError(`${which} is not a URL; write http://source@host:port/mount.`);
  }
  const problem = serverUrlTextProblem(raw);
  if (problem) throw new BroadcastUsageError(`${which} ${problem}.`);
  const shown = redactUrl(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new BroadcastUsageError(`--icecast ${shown} must start with http:// or https://.`);
  if (url.pathname.length < 2)
    throw new BroadcastUsageError(`--icecast ${shown} names no mount: add it, e.g. ${shown.replace(/\/?$/, '/live.opus')}.`);
  let withCredentials = raw;
  if (!url.password) {
    if (password === null) {
      throw new BroadcastUsageError(
        `--icecast ${shown} has no password: put it in a file (--icecast-password-file FILE, mode 0600) or in ${ICECAST_PASSWORD_ENV}.`,
      );
    }
    withCredentials = withPassword(raw, password);
  }
  return {
    id: String(index),
    label: index === 0 ? 'Primary' : index === 1 ? 'Backup' : `Output ${index + 1}`,
    url: withCredentials,
    backlogPolicy,
  };
}

/**
 * `steadycast broadcast …`: resolves with the exit code: 0 after a show that reached an output
 * (or only records), 2 bad usage, 3 when no output was ever live or every output stopped for good
 * with nothing recorded.
 */
export async function runBroadcastCommand(args: readonly string[], io: BroadcastCommandIo = processIo()): Promise<number> {
  let options: BroadcastArgs;
  try {
    options = parseBroadcastArgs(args);
  } catch (error) {
    if (error instanceof BroadcastUsageError) {
      io.stderr(`steadycast broadcast: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  for (const warning of options.warnings) io.stderr(`steadycast broadcast: ${warning}\n`);
  const log = createLogger('broadcast-cli', () => io.clock.now());
  // The outputs' states and the notices tell what happens, once each; the log repeats them per
  // attempt, so without --verbose only unexpected errors from elsewhere reach stderr.
  const removeSink = addLogSink((record) => {
    if (record.level === 'debug') return;
    if (options.verbose || (record.level === 'error' && record.scope !== 'broadcast')) io.stderr(`${formatLogRecord(record)}\n`);
  });
  const line = (event: { event: BroadcastJsonEvent } & Record<string, unknown>): void => {
    if (options.json) io.stdout(`${JSON.stringify({ at: io.clock.now(), ...event })}\n`);
  };
  const say = (text: string): void => {
    if (!options.json) io.stdout(`${text}\n`);
  };
  const report = newOutputReport();

  const sourceEnded = new AbortController();
  let source: PcmSource;
  try {
    source =
      options.source.kind === 'tone'
        ? new ToneSource({ frequencyHz: options.source.frequencyHz, channels: options.channels, clock: io.clock })
        : await WavFileSource.open({
            path: options.source.path,
            channels: options.channels,
            loop: options.loop,
            clock: io.clock,
            onEnd: (end) => {
              if (end.reason === 'failed') log.error(`the source file failed: ${end.error.message}`);
              sourceEnded.abort();
            },
          });
  } catch (error) {
    removeSink();
    io.stderr(
      `steadycast broadcast: ${error instanceof AudioFileError ? error.message : `cannot open the source: ${describeError(error)}`}\n`,
    );
    return 2;
  }

  let broadcast: Broadcast;
  try {
    broadcast = await Broadcast.start({
      source,
      channels: options.channels,
      bitrateKbps: options.bitrateKbps,
      loudness: options.loudness,
      outputs: options.outputs,
      recording: options.record
        ? { path: options.record, splitEveryMs: options.splitEveryMs, splitEveryBytes: options.splitEveryBytes }
        : null,
      metadata: { name: options.name, description: options.description },
      clock: io.clock,
      random: io.random,
    });
  } catch (error) {
    removeSink();
    io.stderr(`steadycast broadcast: cannot go on air: ${describeError(error)}\n`);
    return 1;
  }

  line({
    event: 'started',
    source: source.description,
    outputs: options.outputs.map((output, index) => ({ output: index, id: output.id, url: redactUrl(output.url) })),
    bitrateKbps: options.bitrateKbps,
    channels: options.channels,
    loudness: options.loudness,
    recording: options.record,
  });
  const destinations = options.outputs.map((output) => redactUrl(output.url)).join(', ');
  // Not "on air" yet: that is said once an output is live (reportStatus).
  say(
    `Starting: ${source.description} → ${destinations || '(no outputs)'}${options.record ? `${destinations ? ',' : ''} recording to ${options.record}` : ''}. Ctrl+C ends the show.`,
  );
  const outputIndex = new Map(options.outputs.map((output, index) => [output.id, index]));
  let lastBitrate = options.bitrateKbps;
  let lastMetersAt = -Infinity;
  let lastRecordingAt = -Infinity;
  const lastOutputState = new Map<string, string>();
  const onChange = (change: BroadcastChange): void => {
    switch (change.kind) {
      case 'status':
        reportStatus(change.status);
        return;
      case 'meters':
        if (io.clock.now() - lastMetersAt >= 1000) {
          lastMetersAt = io.clock.now();
          line({ event: 'meters', ...change.meters });
        }
        return;
      case 'notice':
        line({ event: 'notice', kind: change.notice.kind, level: change.notice.level, message: change.notice.message });
        // Outputs are told from their states (reportStatus), each failure once.
        if (change.notice.kind !== 'output-changed') say(`${change.notice.level === 'info' ? '·' : '!'} ${change.notice.message}`);
        return;
      case 'ended':
        return;
    }
  };
  const reportStatus = (status: BroadcastStatus): void => {
    for (const { id, state } of broadcast.outputStates()) {
      const key = `${state.kind}:${'attempt' in state ? state.attempt : ''}`;
      if (lastOutputState.get(id) === key) continue;
      lastOutputState.set(id, key);
      line({
        event: 'output',
        output: outputIndex.get(id),
        id,
        url: redactUrl(options.outputs[outputIndex.get(id) ?? 0]?.url ?? ''),
        ...describeOutput(state, io.clock.now()),
      });
    }
    const wasLive = report.everLive;
    for (const told of reportOutputs(report, status.outputs)) say(`${told.kind === 'warn' ? '! ' : ''}${told.text}`);
    if (!wasLive && report.everLive) {
      const live = status.outputs.find((output) => output.state.status === 'live');
      line({ event: 'on-air', output: live ? outputIndex.get(live.id) : undefined, id: live?.id });
    }
    if (status.bitrateKbps !== lastBitrate) {
      line({ event: 'bitrate', from: lastBitrate, to: status.bitrateKbps, configured: status.configuredBitrateKbps });
      lastBitrate = status.bitrateKbps;
    }
    if (status.recording && io.clock.now() - lastRecordingAt >= 1000) {
      lastRecordingAt = io.clock.now();
      line({ event: 'recording', ...status.recording });
    }
  };
  const unsubscribe = broadcast.subscribe(onChange);
  reportStatus(broadcast.status());

  // Listener counts of the mounts this show feeds, read from the servers with the source credentials.
  const counts =
    options.outputs.length > 0
      ? new ListenerCounts({
          outlets: options.outputs.map((output) => ({ id: output.id, label: output.label, mountUrl: output.url })),
          http: io.http,
          clock: io.clock,
          logger: createLogger('listeners', () => io.clock.now()),
        })
      : null;
  let lastListenerLineAt = -Infinity;
  counts?.subscribe((reading) => {
    line({ event: 'listeners', ...reading });
    // Until an output is live there is nobody to count: the live line would only repeat the failure.
    if (!options.json && report.everLive && io.clock.now() - lastListenerLineAt >= 10_000) {
      lastListenerLineAt = io.clock.now();
      say(formatLiveLine(reading));
    }
  });
  counts?.start();

  // The control room: the same engine the headless command runs, with this broadcast on it.
  let server: BridgeServer | null = null;
  if (options.port !== null) {
    const engine = new Engine({
      version: STEADYCAST_VERSION,
      mode: 'headless',
      bridgeKind: 'websocket',
      config: EngineConfigSchema.parse({ space: { name: options.name } }),
      clock: io.clock,
      prober: createNetworkProber({ clock: io.clock }),
      ...(counts ? { listenerCounts: counts } : {}),
    });
    addLogSink((record) => engine.publishLog(record));
    engine.attachBroadcast(broadcast);
    const staticDir = fileURLToPath(new URL('../renderer/', import.meta.url));
    server = await startBridgeServer({ engine, port: options.port, staticDir: existsSync(staticDir) ? staticDir : undefined });
    line({ event: 'ui', url: server.openUrl });
    say(`Control room: ${server.openUrl}`);
  }

  const reason = await new Promise<'signal' | 'duration' | 'source-ended' | 'nothing-on-air'>((resolve) => {
    io.stop.addEventListener('abort', () => resolve('signal'), { once: true });
    sourceEnded.signal.addEventListener('abort', () => resolve('source-ended'), { once: true });
    if (options.durationMs !== null) io.clock.setTimeout(() => resolve('duration'), options.durationMs);
    // With no recording, a show whose every output has stopped for good has nowhere to go.
    if (!options.record) {
      broadcast.subscribe((change) => {
        if (change.kind === 'status' && change.status.outputs.every((output) => output.state.status === 'stopped'))
          resolve('nothing-on-air');
      });
    }
  });

  counts?.stop();
  const final = await broadcast.stop();
  reportStatus(final);
  unsubscribe();
  await server?.close();
  const neverLive = options.outputs.length > 0 && !report.everLive;
  const seconds = ((io.clock.now() - final.startedAt) / 1000).toFixed(1);
  line({
    event: 'stopped',
    reason,
    everLive: report.everLive,
    durationMs: io.clock.now() - final.startedAt,
    recording: final.recording,
    loudness: final.loudness ?? null,
    outputs: final.outputs.map((output) => ({ output: outputIndex.get(output.id), state: output.state.status })),
  });
  const recorded = final.recording ? ` Recording: ${final.recording.path} (${(final.recording.durationMs / 1000).toFixed(1)} s).` : '';
  say(
    neverLive
      ? `Ended (${reason}) after ${seconds} s without going on air.${recorded}`
      : `Off air (${reason}) after ${seconds} s.${recorded}`,
  );
  say(`Loudness: ${describeLoudness(final.loudness)}.`);
  removeSink();
  if (neverLive) {
    io.stderr(
      'steadycast broadcast: no output ever went live, so no listener heard the show (the reason is above); fix the --icecast URL or the server and start again.\n',
    );
    return 3;
  }
  if (reason === 'nothing-on-air') {
    io.stderr(
      'steadycast broadcast: every output stopped for good (the reason is above) and nothing is recorded; fix the --icecast URL or the server and start again.\n',
    );
    return 3;
  }
  return 0;
}

/** The JSON fields of one output's state. */
function describeOutput(state: IcecastOutputState, now: number): Record<string, unknown> {
  switch (state.kind) {
    case 'connecting':
      return { state: 'connecting', attempt: state.attempt };
    case 'live':
      return { state: 'live', attempt: state.attempt, bytesSent: state.bytesSent, backlogMs: Math.round(state.backlogMs) };
    case 'retrying':
      return {
        state: 'retrying',
        attempt: state.attempt,
        nextAttemptAt: state.nextAttemptAt,
        retryInMs: Math.max(0, state.nextAttemptAt - now),
        errorClass: state.lastError.errorClass,
        error: state.lastError.message,
      };
    case 'stopped':
      return { state: 'stopped', reason: state.reason, error: state.lastError?.message, errorClass: state.lastError?.errorClass };
  }
}
