/*
 * `npm run servers` (tsx test/env/servers-cli.ts): a whole private space for working on Steadycast
 * locally: a primary and a backup Janus + Icecast (the test environment's, written by the server
 * config generator). Prints where they are and how to log in, writes a complete space file
 * (rooms, source and statistics credentials, fallback mounts), and runs until Ctrl-C, then stops
 * them all and removes their temp dirs.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './deps';
import { isMainModule } from './process';
import { insideTestNamespace } from './network';
import { startSpaceServers, type EndpointServers, type SpaceServers } from './space-servers';

/** Where the CLI writes a ready-to-use space config for these servers (git-ignored, mode 600). */
export const SERVERS_JSON = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'space.json');

function describe(space: SpaceServers, configPath: string): string {
  const endpoint = (name: string, servers: EndpointServers): string[] => {
    const { janus, icecast } = servers;
    return [
      `${name}`,
      `  Janus WebSocket   ${janus.wsUrl}`,
      `  Janus HTTP        ${janus.httpUrl}`,
      `  Janus admin       ${janus.adminHttpUrl}   (secret ${janus.adminSecret})`,
      `  Janus log         ${janus.logFile}`,
      `  Icecast status    ${icecast.baseUrl}/status-json.xsl`,
      `  Icecast admin     ${icecast.adminUser} / ${icecast.adminPassword}   (${icecast.baseUrl}/admin/)`,
      `  Icecast source    source / ${icecast.sourcePassword}   (mount ${space.mount})`,
      `  Icecast log       ${icecast.logFile}`,
      '',
    ];
  };
  return [
    '',
    'Steadycast test servers are running: a whole space (primary and backup, Janus + Icecast each).',
    '',
    ...endpoint('Primary', space.primary),
    ...endpoint('Backup', space.backup),
    `Space file (rooms, source and statistics credentials, fallback mounts): ${configPath}`,
    `  Use it:  npm run headless -- --config ${configPath}`,
    insideTestNamespace()
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
  log('starting a primary and a backup Janus + Icecast…');
  const servers = await startSpaceServers();
  mkdirSync(dirname(SERVERS_JSON), { recursive: true });
  writeFileSync(SERVERS_JSON, `${JSON.stringify(servers.config('Local test space'), null, 2)}\n`, { mode: 0o600 });
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
