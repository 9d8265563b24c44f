import { randomInt } from 'node:crypto';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { systemClock } from '../engine/clock';
import { readConfigText } from '../engine/config-text';
import { ConfigError, EngineConfigSchema, parseEngineConfig, type EngineConfig } from '../engine/config';
import { Engine } from '../engine/engine';
import { addLogSink, createLogger, formatLogRecord } from '../engine/log/logger';
import { createNetworkProber } from '../engine/servers/prober';
import { PracticeSpace, type PracticeSpaceOptions } from '../engine/servers/practice-space';
import { dispatchUntrusted } from '../engine/dispatch';
import { createFetchHttp } from '../engine/listeners/http';
import { STEADYCAST_VERSION } from '../engine/version';
import { startBridgeServer } from './ws-bridge';
import { LISTENERS_USAGE, runListenersCommand } from './listeners-command';
import { BROADCAST_USAGE, runBroadcastCommand } from './broadcast-command';
import { runServersCommand, SERVERS_USAGE, ServersUsageError } from './servers-command';
import { HeadlessSettingsFile } from './headless-settings-file';
import { LISTEN_LINK_USAGE, ListenLinkUsageError, runListenLinkCommand } from './listen-link-command';
import { describeError } from '../shared/describe-error';
import { redactText } from '../engine/redact';

const log = createLogger('cli');

const USAGE = `Usage: steadycast <command> [options]

Commands:
  headless   Run the engine in this terminal and serve the control room to a browser.
             --config FILE   space config (JSON); see README "Configuration"
             --host ADDR     interface to bind (default 127.0.0.1); pages and the bridge answer only
                             to this address and the loopback names (DNS rebinding gets nothing)
             --port N        port (default 7766; 0 = any free port)
             --no-ui         serve only the bridge, not the built UI
             --recordings D  folder for safety recordings of shows started from the UI (default ./recordings)
             --invites FILE  keep the space's invites (and their tokens) in FILE, mode 0600 (default: memory only)
             --ice-host ADDR also offer ADDR as an ICE host candidate for the space channel (repeatable;
                             needed only on virtual interfaces such as a veth test network)
             --practice      start the practice space at once: a primary and a backup Janus + Icecast
                             on this computer (needs the janus and icecast2 packages); without
                             --config the control room offers it too
             --data DIR      the app's data folder, e.g. for the practice space's server files
                             (default $XDG_DATA_HOME/steadycast or ~/.local/share/steadycast)
             --settings FILE what the settings screen saves (default: beside --config as FILE.settings.json,
                             else DATA/settings.json); mode 0600, secrets in it as text (no keychain
                             here: only your account can read it); without --config its running
                             space is the one the engine runs
             --practice-hosts A,B  addresses of the practice primary and backup (default 127.0.0.1,127.0.0.1)
             --practice-ice I,J    the only interfaces their Janus gathers ICE candidates on (default: all)
${BROADCAST_USAGE}${LISTENERS_USAGE}${LISTEN_LINK_USAGE}${SERVERS_USAGE}  help       Show this text.
  version    Print the version.
`;

/** A failure the user can fix; printed without a stack trace. */
class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'headless':
      return runHeadless(rest);
    case 'listeners':
      return runListenersCommand(rest);
    case 'broadcast':
      return runBroadcastCommand(rest);
    case 'servers': {
      const written = await runServersCommand(rest, loadConfig);
      process.stdout.write(`${written.join('\n')}\n`);
      return 0;
    }
    case 'listen-link': {
      const written = await runListenLinkCommand(rest, loadConfig);
      process.stdout.write(`${written.join('\n')}\n`);
      return 0;
    }
    case 'version':
    case '--version':
      process.stdout.write(`${STEADYCAST_VERSION}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return 0;
    default:
      throw new UsageError(`Unknown command "${command}". Run "steadycast help" for the list.`);
  }
}

async function runHeadless(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '7766' },
        'no-ui': { type: 'boolean', default: false },
        recordings: { type: 'string', default: 'recordings' },
        invites: { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
        'ice-host': { type: 'string', multiple: true },
        practice: { type: 'boolean', default: false },
        data: { type: 'string' },
        settings: { type: 'string' },
        'practice-hosts': { type: 'string' },
        'practice-ice': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`${redactText(describeError(error))}. Run "steadycast help" for the options.`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}".`);

  const quiet = values['log-level'] === 'warn';
  addLogSink((record) => {
    if (record.level === 'debug' || (quiet && record.level === 'info')) return;
    process.stderr.write(`${formatLogRecord(record)}\n`);
  });

  if (values.practice && values.config)
    throw new UsageError('--practice runs the practice space instead of a space file: leave out --config (or --practice).');
  const dataDir = resolve(values.data ?? defaultDataDir());
  // Beside --config (so each space file has its own), else in the data folder.
  const settingsFile = new HeadlessSettingsFile(
    values.settings !== undefined
      ? resolve(values.settings)
      : values.config
        ? `${resolve(values.config)}.settings.json`
        : join(dataDir, 'settings.json'),
  );
  const savedSettings = await settingsFile.load().catch((error: unknown) => {
    throw new UsageError(describeError(error));
  });
  const config = values.config ? await loadConfig(values.config) : (savedSettings.running ?? EngineConfigSchema.parse({}));
  const practice = new PracticeSpace({
    dir: join(dataDir, 'practice'),
    network: practiceNetwork(values['practice-hosts'], values['practice-ice']),
    clock: systemClock,
    logger: createLogger('practice'),
  });
  const engine = new Engine({
    version: STEADYCAST_VERSION,
    mode: 'headless',
    bridgeKind: 'websocket',
    config,
    clock: systemClock,
    prober: createNetworkProber({ clock: systemClock }),
    listenerHttp: createFetchHttp(),
    random: () => randomInt(0, 2 ** 32) / 2 ** 32,
    recordingsDir: resolve(values.recordings),
    ...(values.invites ? { invitesFile: resolve(values.invites) } : {}),
    ...(values['ice-host'] !== undefined ? { iceHostAddresses: values['ice-host'] } : {}),
    practice,
    savedSettings: savedSettings.saved,
    settingsStore: settingsFile,
  });
  addLogSink((record) => engine.publishLog(record));

  const staticDir = values['no-ui'] ? undefined : fileURLToPath(new URL('../renderer/', import.meta.url));
  let server;
  try {
    server = await startBridgeServer({ engine, host: values.host, port, staticDir });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      throw new UsageError(`Port ${port} on ${values.host} is in use. Stop the other program or pass --port 0 for any free port.`);
    }
    throw error;
  }

  process.stdout.write(
    `Steadycast ${STEADYCAST_VERSION} — headless engine\n` +
      `  Control room: ${server.openUrl}\n` +
      `  The token in this link is the only way in and changes at every start; do not share it.\n` +
      `  Press Ctrl+C to stop.\n`,
  );
  if (values.practice) await startPracticeSpace(engine);
  else if (!config.space.primary && !config.space.backup) {
    const offer = practice.state();
    process.stdout.write(
      offer.status === 'unavailable'
        ? `  No space configured (--config FILE). ${offer.reason}\n`
        : `  No space configured: open the control room and press "Start the practice space", or start with --practice.\n`,
    );
  }

  await new Promise<void>((resolveStop) => {
    const stop = (signal: string): void => {
      log.info(`${signal} received, stopping`);
      resolveStop();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await engine.stopBroadcast();
  await engine.leaveConversation();
  await server.close();
  engine.stopListenerCounts();
  await engine.stopPractice();
  return 0;
}

/** `--practice`: starts the practice space before anyone opens the control room. */
async function startPracticeSpace(engine: Engine): Promise<void> {
  process.stdout.write('  Starting the practice space (a primary and a backup Janus + Icecast on this computer)…\n');
  const reply = await dispatchUntrusted(engine, 'practice:start', {});
  if (!reply.ok) throw new UsageError(reply.error.message);
  const practice = engine.getState().practice;
  if (practice?.status === 'running') {
    process.stdout.write(
      `  Practice space running (servers' files and logs: ${practice.folder}).\n  Listen: ${practice.listenUrls.join('  or  ')}\n`,
    );
  }
}

/** The data folder of the headless engine: $XDG_DATA_HOME/steadycast, else ~/.local/share/steadycast. */
function defaultDataDir(): string {
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'steadycast');
}

/** The practice endpoints' addresses and ICE interfaces from `--practice-hosts A,B` and `--practice-ice I,J`. */
function practiceNetwork(hosts: string | undefined, ice: string | undefined): PracticeSpaceOptions['network'] {
  const pair = (value: string | undefined, flag: string): [string, string] | undefined => {
    if (value === undefined) return undefined;
    const parts = value.split(',').map((part) => part.trim());
    if (parts.length !== 2 || parts.some((part) => part === ''))
      throw new UsageError(`${flag} takes two values separated by a comma (primary,backup), not "${value}".`);
    return [parts[0] ?? '', parts[1] ?? ''];
  };
  const addresses = pair(hosts, '--practice-hosts') ?? ['127.0.0.1', '127.0.0.1'];
  const interfaces = pair(ice, '--practice-ice');
  return {
    primary: { address: addresses[0], ...(interfaces ? { iceInterface: interfaces[0] } : {}) },
    backup: { address: addresses[1], ...(interfaces ? { iceInterface: interfaces[1] } : {}) },
  };
}

async function loadConfig(path: string): Promise<EngineConfig> {
  const read = await readConfigText(path);
  if (!read.ok) throw new UsageError(`Config file ${path} ${read.problem}. Check the path given to --config.`);
  let json: unknown;
  try {
    json = JSON.parse(read.text);
  } catch (error) {
    throw new UsageError(`Config file ${path} is not valid JSON (${describeError(error)}). Fix the file and start again.`);
  }
  const config = parseEngineConfig(json, path);
  warnIfSecretsExposed(path, config);
  return config;
}

/** One warning when a config that holds passwords or secrets can be read by other users. */
function warnIfSecretsExposed(path: string, config: EngineConfig): void {
  if (process.platform === 'win32') return;
  const mode = statSync(path, { throwIfNoEntry: false })?.mode ?? 0;
  if ((mode & 0o077) === 0) return;
  const holdsSecret = [config.space.primary, config.space.backup].some((endpoint) => {
    if (!endpoint) return false;
    const { janus, icecast } = endpoint;
    const urls = [janus.url, icecast.mountUrl, icecast.statsUrl].filter((url): url is string => url !== undefined);
    return (
      janus.apiSecret !== undefined ||
      janus.adminKey !== undefined ||
      janus.room !== undefined ||
      urls.some((url) => URL.canParse(url) && new URL(url).password !== '')
    );
  });
  if (holdsSecret) {
    process.stderr.write(
      `steadycast: warning: ${path} holds passwords or room secrets and other users can read it (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${path}\n`,
    );
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof ListenLinkUsageError ||
      error instanceof ServersUsageError
    ) {
      process.stderr.write(`steadycast: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`steadycast: unexpected failure: ${describeError(error)}\n${error instanceof Error ? (error.stack ?? '') : ''}\n`);
    process.exit(1);
  },
);
