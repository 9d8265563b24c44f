import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EndpointFiles } from './config-generator';

/** Where one endpoint's written files are. */
export interface WrittenEndpoint {
  /** Folder of the `*.jcfg` files (Janus's `-F`). */
  readonly janusDir: string;
  readonly janusConfig: string;
  readonly icecastConfig: string;
}

/**
 * Writes an endpoint's files under `dir` (`janus/*.jcfg`, `icecast/icecast.xml`). They carry
 * secrets: owner-only (0600 files, 0700 folders), whatever the umask.
 */
export function writeEndpointFiles(dir: string, files: EndpointFiles): WrittenEndpoint {
  const janusDir = join(dir, 'janus');
  const icecastDir = join(dir, 'icecast');
  for (const folder of [dir, janusDir, icecastDir]) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    chmodSync(folder, 0o700);
  }
  const write = (path: string, text: string): void => {
    writeFileSync(path, text, { mode: 0o600 });
    chmodSync(path, 0o600);
  };
  for (const [name, text] of Object.entries(files.janus)) write(join(janusDir, name), text);
  const icecastConfig = join(icecastDir, 'icecast.xml');
  write(icecastConfig, files.icecast);
  return { janusDir, janusConfig: join(janusDir, 'janus.jcfg'), icecastConfig };
}
