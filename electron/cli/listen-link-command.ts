import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EngineConfig } from '../engine/config';
import { listenLinkOf } from '../engine/failover/listen-link';
import { describeError } from '../shared/describe-error';
import { redactText } from '../engine/redact';

/** Help text of `steadycast listen-link`. */
export const LISTEN_LINK_USAGE = `  listen-link  Write the space's listen link: listen.m3u and listen.pls (primary, then backup)
             and listen.html (plays the primary, moves to the backup by itself when it stops).
             --config FILE   space config (JSON); the mounts' public URLs, never credentials
             --out DIR       folder to write them to (default: the current folder)
`;

/** A bad option; printed as one line, exit code 2. */
export class ListenLinkUsageError extends Error {}

/** `steadycast listen-link …`: writes the three files; resolves with the paths written. */
export async function runListenLinkCommand(args: readonly string[], loadConfig: (path: string) => Promise<EngineConfig>): Promise<string[]> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...args], options: { config: { type: 'string' }, out: { type: 'string', default: '.' } }, strict: true }));
  } catch (error) {
    throw new ListenLinkUsageError(`${redactText(describeError(error))}. Run "steadycast help" for the options.`);
  }
  if (values.config === undefined) throw new ListenLinkUsageError('--config FILE is required: the listen link is made from the space configuration.');
  const config = await loadConfig(values.config);
  if (!config.space.primary && !config.space.backup) {
    throw new ListenLinkUsageError(`${values.config} has no Icecast mount: add space.primary.icecast (and space.backup.icecast).`);
  }
  const link = listenLinkOf(config.space);
  const dir = resolve(values.out);
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    [join(dir, 'listen.m3u'), link.m3u],
    [join(dir, 'listen.pls'), link.pls],
    [join(dir, 'listen.html'), link.html],
  ];
  for (const [path, text] of files) await writeFile(path, text, 'utf8');
  return files.map(([path]) => path);
}
