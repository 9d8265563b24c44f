/*
 * `npm run servers` (tsx test/env/servers-cli.ts): a private Janus and Icecast for working on
 * Steadycast locally. Prints where they are and how to log in, writes the same as JSON, and runs
 * until Ctrl-C, then stops both and removes their temp dirs.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './deps';
import { isMainModule } from './process';
import type { EndpointConfig } from '../../electron/engine/config';
import { startServers, type TestServers } from './servers';

/** Where the CLI writes a ready-to-use space config for these servers (git-ignored, mode 600). */
export const SERVERS_JSON = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'space.json');

/** A space config (the format of `steadycast headless --config`) whose primary endpoint is these servers. */
export function serversConfigFile(servers: TestServers): { space: { name: string; primary: EndpointConfig } } {
  const { janus, icecast } = servers;
  return {
    space: {
      name: 'Local test space',
      primary: {
        janus: { url: janus.wsUrl },
        icecast: { mountUrl: `${icecast.baseUrl.replace('://', `://source:${icecast.sourcePassword}@`)}/live.opus` },
      },
    },
  };
}

function describe(servers: TestServers, configPath: string): string {
  const { janus, icecast } = servers;
  const mount = `${icecast.baseUrl.replace('://', `://source:${icecast.sourcePassword}@`)}/live.opus`;
  return [
    '',
    'Steadycast test servers are running.',
    '',
    'Janus (AudioBridge, Streaming, TextRoom)',
    `  WebSocket API     ${janus.wsUrl}`,
    `  HTTP API          ${janus.httpUrl}`,
    `  Admin WebSocket   ${janus.adminWsUrl}`,
    `  Admin HTTP        ${janus.adminHttpUrl}`,
    `  Admin secret      ${janus.adminSecret}`,
    `  Log               ${janus.logFile}`,
    '',
    'Icecast',
    `  Status            ${icecast.baseUrl}/status-json.xsl`,
    `  Source password   ${icecast.sourcePassword}   (user "source"; e.g. ${mount})`,
    `  Admin             ${icecast.adminUser} / ${icecast.adminPassword}   (${icecast.baseUrl}/admin/)`,
    `  Relay password    ${icecast.relayPassword}`,
    `  Log               ${icecast.logFile}`,
    '',
    `Space config: ${configPath}`,
    `  Use it:  npm run headless -- --config ${configPath}`,
    servers.isolated
      ? 'Network: isolated test namespace.'
      : "Network: servers bound to this machine's interfaces (HTTP/WebSocket on 127.0.0.1; Janus media on the host's non-loopback addresses).",
    '',
    'Press Ctrl-C to stop them.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const log = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  await ensureDeps(log);
  log('starting Janus and Icecast…');
  const servers = await startServers();
  mkdirSync(dirname(SERVERS_JSON), { recursive: true });
  writeFileSync(SERVERS_JSON, `${JSON.stringify(serversConfigFile(servers), null, 2)}\n`, { mode: 0o600 });
  log(describe(servers, SERVERS_JSON));

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: stopping servers…`);
    rmSync(SERVERS_JSON, { force: true });
    servers.stop().then(
      () => {
        log('stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`could not stop the servers cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
}

if (isMainModule(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
