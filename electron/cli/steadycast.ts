import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { systemClock } from '../engine/clock';
import { ConfigError, EngineConfigSchema, parseEngineConfig, type EngineConfig } from '../engine/config';
import { Engine } from '../engine/engine';
import { addLogSink, createLogger, describeError, formatLogRecord } from '../engine/log/logger';
import { createNetworkProber } from '../engine/servers/prober';
import { createFetchHttp } from '../engine/listeners/http';
import { STEADYCAST_VERSION } from '../engine/version';
import { startBridgeServer } from './ws-bridge';
import { LISTENERS_USAGE, runListenersCommand } from './listeners-command';
import { BROADCAST_USAGE, runBroadcastCommand } from './broadcast-command';
import { runServersCommand, SERVERS_USAGE, ServersUsageError } from './servers-command';
import { LISTEN_LINK_USAGE, ListenLinkUsageError, runListenLinkCommand } from './listen-link-command';

const log = createLogger('cli');

const USAGE = `Usage: steadycast <command> [options]

Commands:
  headless   Run the engine in this terminal and serve the control room to a browser.
             --config FILE   space config (JSON); see README "Configuration"
             --host ADDR     interface to bind (default 127.0.0.1)
             --port N        port (default 7766; 0 = any free port)
             --no-ui         serve only the bridge, not the built UI
             --recordings D  folder for safety recordings of shows started from the UI (default ./recordings)
             --invites FILE  keep the space's invites (and their tokens) in FILE, mode 0600 (default: memory only)
             --ice-host ADDR also offer ADDR as an ICE host candidate for the space channel (repeatable;
                             needed only on virtual interfaces such as a veth test network)
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
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`${describeError(error)}. Run "steadycast help" for the options.`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}".`);

  const quiet = values['log-level'] === 'warn';
  addLogSink((record) => {
    if (record.level === 'debug' || (quiet && record.level === 'info')) return;
    process.stderr.write(`${formatLogRecord(record)}\n`);
  });

  const config = values.config ? await loadConfig(values.config) : EngineConfigSchema.parse({});
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
  return 0;
}

async function loadConfig(path: string): Promise<EngineConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read config file ${path} (${describeError(error)}). Check the path given to --config.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`Config file ${path} is not valid JSON (${describeError(error)}). Fix the file and start again.`);
  }
  return parseEngineConfig(json, path);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof ListenLinkUsageError || error instanceof ServersUsageError) {
      process.stderr.write(`steadycast: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`steadycast: unexpected failure: ${describeError(error)}\n${error instanceof Error ? (error.stack ?? '') : ''}\n`);
    process.exit(1);
  },
);
