import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ICECAST_DEBIAN_OWNER, JANUS_PLUGIN_FILES, JANUS_TRANSPORT_FILES } from './config-generator';

/*
 * Janus and Icecast as the system's packages installed them (Debian: `janus`, `icecast2`): where
 * their binaries and Janus's libraries are, which libraries to disable, and Icecast's account.
 */

/** The one line that installs both servers. */
export const INSTALL_SERVERS_LINE = 'sudo apt-get install janus icecast2';

/** Absolute path of `command` on PATH (plus the sbin folders), or undefined. */
export function findCommand(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const folders = [...(env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/bin', '/bin'];
  for (const folder of folders) {
    if (folder === '') continue;
    const path = join(folder, command);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Paths of the installed servers, or the one line that says what to install. */
export type InstalledServers =
  | { readonly kind: 'installed'; readonly janus: string; readonly icecast: string; readonly janusLibDir: string }
  | { readonly kind: 'missing'; readonly message: string };

/** Looks for `janus`, `icecast2` and Janus's AudioBridge plugin. */
export function findInstalledServers(env: NodeJS.ProcessEnv = process.env): InstalledServers {
  const janus = findCommand('janus', env);
  const icecast = findCommand('icecast2', env);
  const janusLibDir = findJanusLibDir();
  const missing = [janus === undefined || janusLibDir === undefined ? 'janus' : null, icecast === undefined ? 'icecast2' : null].filter(
    (name) => name !== null,
  );
  if (janus === undefined || icecast === undefined || janusLibDir === undefined) {
    return {
      kind: 'missing',
      message: `The practice space needs ${missing.join(' and ')} on this computer: install ${missing.length > 1 ? 'them' : 'it'} with "${INSTALL_SERVERS_LINE}" (Debian, Ubuntu) and try again.`,
    };
  }
  return { kind: 'installed', janus, icecast, janusLibDir };
}

/** Where the package put Janus's plugins (Debian: /usr/lib/<multiarch>/janus), or undefined. */
export function findJanusLibDir(): string | undefined {
  const candidates = [
    ...(existsSync('/usr/lib') ? readdirSync('/usr/lib').map((entry) => join('/usr/lib', entry, 'janus')) : []),
    '/usr/lib/janus',
    '/usr/local/lib/janus',
    '/opt/janus/lib/janus',
  ];
  return candidates.find((dir) => existsSync(join(dir, 'plugins', 'libjanus_audiobridge.so')));
}

/** The installed libraries Janus must not load (it loads every `.so` in its folders that is not listed). */
export function janusDisabledLibraries(libDir: string): { plugins: string[]; transports: string[]; loggers: string[] } {
  return {
    plugins: otherLibraries(join(libDir, 'plugins'), JANUS_PLUGIN_FILES),
    transports: otherLibraries(join(libDir, 'transports'), JANUS_TRANSPORT_FILES),
    loggers: otherLibraries(join(libDir, 'loggers'), []),
  };
}

function otherLibraries(folder: string, kept: readonly string[]): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((name) => name.endsWith('.so') && !kept.includes(name));
}

/** uid/gid of Debian's icecast2 account (Icecast refuses to run as root without `<changeowner>`). */
export function icecastAccount(): { user: string; group: string; uid: number; gid: number } {
  const field = (file: string, name: string): string[] | undefined =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .find((fields) => fields[0] === name);
  const user = field('/etc/passwd', ICECAST_DEBIAN_OWNER.user);
  const group = field('/etc/group', ICECAST_DEBIAN_OWNER.group);
  const uid = Number(user?.[2]);
  const gid = Number(group?.[2]);
  if (user === undefined || group === undefined || !Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new Error(
      `user ${ICECAST_DEBIAN_OWNER.user} / group ${ICECAST_DEBIAN_OWNER.group} not found: install icecast2 (${INSTALL_SERVERS_LINE})`,
    );
  }
  return { ...ICECAST_DEBIAN_OWNER, uid, gid };
}
