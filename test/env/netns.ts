import { spawn, spawnSync } from 'node:child_process';
import {
  insideTestNamespace,
  NAMESPACE_HOST_ADDRESS,
  NAMESPACE_INTERFACE,
  NAMESPACE_PEER_ADDRESS,
  NAMESPACE_PREFIX_LENGTH,
  NETNS_ENV,
} from './network';
import { isMainModule } from './process';

/** How a command will run: inside a fresh isolated namespace, already inside one, or on the host network. */
export type NamespaceMode = 'isolated' | 'already-inside' | 'host';

/**
 * Runs inside the new namespaces (as PID 1 of the new PID namespace): brings up lo and the veth pair,
 * then runs the command as a foreground child rather than exec'ing it, because PID 1 ignores SIGINT
 * and SIGTERM without a handler and Ctrl-C must still reach the command. When this shell exits the
 * kernel kills everything left in the namespace, so no server or browser can outlive the run.
 */
const SETUP_SCRIPT = [
  'set -e',
  'ip link set lo up',
  `ip link add ${NAMESPACE_INTERFACE} type veth peer name veth1`,
  `ip addr add ${NAMESPACE_HOST_ADDRESS}/${NAMESPACE_PREFIX_LENGTH} dev ${NAMESPACE_INTERFACE}`,
  `ip addr add ${NAMESPACE_PEER_ADDRESS}/${NAMESPACE_PREFIX_LENGTH} dev veth1`,
  `ip link set ${NAMESPACE_INTERFACE} up`,
  'ip link set veth1 up',
  'set +e',
  '"$@"',
  'status=$?',
  'exit $status',
].join('; ');

/** What runInTestNamespace logs when it cannot isolate the network. */
export const HOST_NETWORK_NOTE =
  "note: not root (or namespaces not permitted), so no isolated test network: servers are bound to this machine's interfaces";

const UNSHARE_FLAGS = ['--net', '--pid', '--fork', '--kill-child', '--mount-proc'];

/** Whether this machine lets us create the test namespace (root, and unshare permitted). */
export function canCreateTestNamespace(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = spawnSync('unshare', [...UNSHARE_FLAGS, '--', 'ip', 'link', 'add', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1'], {
    stdio: 'ignore',
  });
  return probe.status === 0;
}

/** Where `runInTestNamespace` would run a command on this machine. */
export function namespaceMode(): NamespaceMode {
  if (insideTestNamespace()) return 'already-inside';
  return canCreateTestNamespace() ? 'isolated' : 'host';
}

/**
 * Runs `command` inside a fresh network (and PID) namespace with lo and a veth pair
 * (veth0 198.18.0.1/24 ↔ veth1 198.18.0.2/24) and STEADYCAST_TEST_NETNS=1, streaming its output.
 * As non-root (or where namespaces are not allowed) it runs the command directly and logs one note.
 * Resolves with the command's exit code.
 */
export async function runInTestNamespace(
  command: string,
  args: readonly string[],
  options: { readonly log?: (line: string) => void; readonly env?: NodeJS.ProcessEnv; readonly mode?: NamespaceMode } = {},
): Promise<number> {
  const { log = (line: string) => process.stderr.write(`${line}\n`), env = process.env } = options;
  const mode = options.mode ?? namespaceMode();
  if (mode === 'isolated') {
    return run('unshare', [...UNSHARE_FLAGS, '--', 'sh', '-c', SETUP_SCRIPT, 'steadycast-netns', command, ...args], {
      ...env,
      [NETNS_ENV]: '1',
    });
  }
  if (mode === 'host') log(HOST_NETWORK_NOTE);
  return run(command, args, env);
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128 + signalNumber(signal))));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 0;
}

// `tsx test/env/netns.ts <command> [args…]` runs one command in the test namespace, e.g.
// `npx tsx test/env/netns.ts npx vitest run --project integration`.
if (isMainModule(import.meta.url)) {
  const [command, ...args] = process.argv.slice(2);
  if (command === undefined) {
    process.stderr.write('usage: tsx test/env/netns.ts <command> [args…]\n');
    process.exit(2);
  }
  // Ctrl-C reaches the command directly (same process group); we wait for its exit code.
  process.on('SIGINT', () => undefined);
  const code = await runInTestNamespace(command, args);
  process.exit(code);
}
