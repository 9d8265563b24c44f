import { existsSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LISTEN_PAGE_CONFIG_FILE } from '../shared/listen-page';
import type { EngineConfig } from '../engine/config';
import { listenLinkOf } from '../engine/failover/listen-link';
import { describeError } from '../shared/describe-error';
import { redactText } from '../engine/redact';

/** Help text of `steadycast listen-link`. */
export const LISTEN_LINK_USAGE = `  listen-link  Write the space's listen link: listen.m3u and listen.pls (primary, then backup),
             and the listen page: listen.html with its assets/ and listen-config.json (plays the
             primary, moves to the backup by itself). Put the folder on any static host.
             --config FILE   space config (JSON); the mounts' public URLs, never credentials
             --out DIR       folder to write them to (default: the current folder)
`;

/** A bad option; printed as one line, exit code 2. */
export class ListenLinkUsageError extends Error {}

/** Where `npm run build` puts the listen page (out/listen, beside out/cli and out/chunks). */
export function builtListenAppDir(): string {
  return fileURLToPath(new URL('../listen/', import.meta.url));
}

/**
 * `steadycast listen-link …`: writes the playlists, the page's configuration and the built page
 * (copied from `appDir`); resolves with the paths written.
 */
export async function runListenLinkCommand(
  args: readonly string[],
  loadConfig: (path: string) => Promise<EngineConfig>,
  appDir: string = builtListenAppDir(),
): Promise<string[]> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { config: { type: 'string' }, out: { type: 'string', default: '.' } },
      strict: true,
    }));
  } catch (error) {
    throw new ListenLinkUsageError(`${redactText(describeError(error))}. Run "steadycast help" for the options.`);
  }
  if (values.config === undefined)
    throw new ListenLinkUsageError('--config FILE is required: the listen link is made from the space configuration.');
  const config = await loadConfig(values.config);
  if (!config.space.primary && !config.space.backup) {
    throw new ListenLinkUsageError(`${values.config} has no Icecast mount: add space.primary.icecast (and space.backup.icecast).`);
  }
  if (!existsSync(join(appDir, 'listen.html'))) {
    throw new ListenLinkUsageError(`The listen page is not built (no ${join(appDir, 'listen.html')}): run "npm run build" first.`);
  }
  const link = listenLinkOf(config.space);
  const dir = resolve(values.out);
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    [join(dir, 'listen.m3u'), link.m3u],
    [join(dir, 'listen.pls'), link.pls],
    [join(dir, LISTEN_PAGE_CONFIG_FILE), link.config],
  ];
  for (const [path, text] of files) await writeFile(path, text, 'utf8');
  await cp(join(appDir, 'listen.html'), join(dir, 'listen.html'));
  await cp(join(appDir, 'assets'), join(dir, 'assets'), { recursive: true });
  return [...files.map(([path]) => path), join(dir, 'listen.html'), join(dir, 'assets')];
}
