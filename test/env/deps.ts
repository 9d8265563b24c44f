import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findCommand } from '../../electron/engine/servers/installed-servers';

/** Each command the test environment runs, and the Debian package that provides it. */
export const REQUIRED_COMMANDS: Readonly<Record<string, string>> = {
  janus: 'janus',
  icecast2: 'icecast2',
  chromium: 'chromium',
  Xvfb: 'xvfb',
  sox: 'sox',
  'espeak-ng': 'espeak-ng',
  opusinfo: 'opus-tools',
  // The reference loudness meter (its `ebur128` filter) that the engine's meter is checked against.
  ffmpeg: 'ffmpeg',
  ip: 'iproute2',
  unshare: 'util-linux',
  // Packet loss on the test namespace's paths (the kernel here has nf_tables but not sch_netem).
  nft: 'nftables',
};

/** Every package the test environment needs, as one apt-get line installs them. */
export const DEBIAN_PACKAGES = [
  'janus',
  'icecast2',
  'chromium',
  'xvfb',
  'sox',
  'espeak-ng',
  'opus-tools',
  'ffmpeg',
  'iproute2',
  'nftables',
] as const;

/** Error for a machine that lacks commands we may not install ourselves; its message says what to run. */
export class MissingDependenciesError extends Error {
  override readonly name = 'MissingDependenciesError';
  constructor(
    readonly commands: readonly string[],
    readonly installCommand: string,
  ) {
    super(`missing commands: ${commands.join(', ')}. Install them with:\n  ${installCommand}`);
  }
}

/** Absolute path of `command` on PATH (plus the sbin folders, where `ip` lives): the engine's own look-up. */
export { findCommand };

/** The required commands that are not installed. */
export function missingCommands(): string[] {
  return Object.keys(REQUIRED_COMMANDS).filter((command) => findCommand(command) === undefined);
}

/**
 * Makes sure every required command is installed: as root on Debian, installs the missing
 * packages with apt-get; otherwise throws MissingDependenciesError naming the exact command.
 */
export async function ensureDeps(log: (line: string) => void = () => undefined): Promise<void> {
  const missing = missingCommands();
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((command) => REQUIRED_COMMANDS[command] ?? command))];
  const installLine = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && existsSync('/etc/debian_version') && findCommand('apt-get') !== undefined;
  if (!canInstall) {
    throw new MissingDependenciesError(missing, `sudo apt-get update && sudo ${installLine}`);
  }
  log(`installing ${packages.join(' ')} (missing: ${missing.join(', ')})`);
  await run('apt-get', ['update']);
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages]);
  const stillMissing = missingCommands();
  if (stillMissing.length > 0) throw new MissingDependenciesError(stillMissing, `apt-get update && ${installLine}`);
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal ?? 'unknown'})`));
    });
  });
}
