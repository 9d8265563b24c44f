import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { redactText } from '../engine/redact';
import type { EngineState } from '../shared/state';

/** What goes into a diagnostics bundle. */
export interface DiagnosticsInput {
  /** The folder the bundle folder is created in. */
  parentDir: string;
  at: number;
  /** App, Electron, Chrome, Node, V8 … */
  versions: Record<string, string | undefined>;
  system: { platform: string; arch: string; release: string; type: string };
  state: EngineState;
  /** The settings with every secret replaced (settings-schema.ts `redactedSettings`). */
  settings: unknown;
  /** Log files to include. */
  logFiles: readonly string[];
  /** The configured secrets, redacted again from everything copied. */
  secrets: readonly string[];
}

/**
 * Writes a support bundle: a folder with report.json (versions of the app, Electron, Chromium,
 * Node and the OS; Janus and Icecast versions as their last probe reported them; the show's and
 * conversation's state), settings.json with secrets replaced by "(set)", and the log files, each
 * redacted once more. Returns the folder.
 */
export async function exportDiagnostics(input: DiagnosticsInput): Promise<string> {
  const stamp = new Date(input.at).toISOString().replace(/[:.]/g, '-');
  const folder = join(input.parentDir, `steadycast-diagnostics-${stamp}`);
  await mkdir(join(folder, 'logs'), { recursive: true, mode: 0o700 });
  const servers = input.state.space.endpoints.flatMap((endpoint) =>
    [endpoint.janus, endpoint.icecast]
      .filter((server) => server !== null)
      .map((server) => ({
        endpoint: endpoint.name,
        kind: server.kind,
        url: server.url,
        version:
          server.probe.status === 'reachable'
            ? server.probe.serverVersion
            : `unknown (${server.probe.status === 'unreachable' ? `unreachable: ${server.probe.error}` : 'not checked yet: press Check servers'})`,
      })),
  );
  const report = {
    createdAt: new Date(input.at).toISOString(),
    versions: input.versions,
    system: input.system,
    servers,
    engine: {
      mode: input.state.mode,
      startedAt: new Date(input.state.startedAt).toISOString(),
      space: input.state.space.name,
      conversation: input.state.conversation.link,
      broadcast: input.state.broadcast,
      audio: input.state.audio,
      bridge: input.state.bridge,
    },
  };
  const write = (name: string, value: unknown): Promise<void> =>
    writeFile(join(folder, name), `${redactText(JSON.stringify(value, null, 2), input.secrets)}\n`, { mode: 0o600 });
  await write('report.json', report);
  await write('settings.json', input.settings);
  for (const file of input.logFiles) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    await writeFile(join(folder, 'logs', basename(file)), redactText(text, input.secrets), { mode: 0o600 });
  }
  return folder;
}
