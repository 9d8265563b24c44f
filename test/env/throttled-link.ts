import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { insideTestNamespace } from './network';

const run = promisify(execFile);

/*
 * A second network namespace behind a veth pair whose egress can be throttled with tc, so traffic
 * to a server in it crosses a real, rate-limited link. Why not tc on veth0/veth1 of the test
 * namespace: both addresses are local there, so the kernel routes 198.18.0.1 → 198.18.0.2 over
 * `lo` (`ip route get 198.18.0.2` says "local … dev lo") and a qdisc on the veth never sees it.
 *
 *   test namespace                         child namespace (ip netns)
 *   vthr0 198.18.1.1/24  ── veth ──────►   vthr1 198.18.1.2/24   (Icecast runs here)
 *   tc tbf on vthr0 = the uplink
 *
 * Only inside the isolated test namespace (root): it must never touch the host's network.
 */

/** A child namespace with a throttle-able link to it. */
export interface ThrottledLink {
  /** `ip netns` name: start servers in it with `ip netns exec <name> …`. */
  readonly namespace: string;
  /** Our end of the link (in the test namespace). */
  readonly localAddress: string;
  /** The child namespace's address: where its servers listen. */
  readonly remoteAddress: string;
  readonly device: string;
  /** Limits our egress to `kbit` kbit/s (token bucket, bounded queue). */
  throttle(kbit: number): Promise<void>;
  /** Removes the limit. */
  unthrottle(): Promise<void>;
  /** Bytes sent over our end so far (proves traffic really crosses the veth). */
  txBytes(): number;
  /** Deletes the namespace and the veth pair. */
  remove(): Promise<void>;
}

const LOCAL_ADDRESS = '198.18.1.1';
const REMOTE_ADDRESS = '198.18.1.2';

/** Creates the child namespace and link; throws outside the isolated test namespace. */
export async function createThrottledLink(): Promise<ThrottledLink> {
  if (!insideTestNamespace() || process.getuid?.() !== 0) {
    throw new Error('a throttled link needs the isolated test namespace: run as root through `npm test` or `npx tsx test/env/netns.ts …`');
  }
  const namespace = `steadycast-throttle-${process.pid}`;
  const device = 'vthr0';
  const ip = (...args: string[]): Promise<unknown> => run('ip', args);
  const inside = (...args: string[]): Promise<unknown> => run('ip', ['netns', 'exec', namespace, ...args]);
  await ip('netns', 'add', namespace);
  try {
    await ip('link', 'add', device, 'type', 'veth', 'peer', 'name', 'vthr1', 'netns', namespace);
    await ip('addr', 'add', `${LOCAL_ADDRESS}/24`, 'dev', device);
    await ip('link', 'set', device, 'up');
    await inside('ip', 'link', 'set', 'lo', 'up');
    await inside('ip', 'addr', 'add', `${REMOTE_ADDRESS}/24`, 'dev', 'vthr1');
    await inside('ip', 'link', 'set', 'vthr1', 'up');
  } catch (error) {
    await ip('netns', 'del', namespace).catch(() => undefined);
    throw error;
  }
  return {
    namespace,
    localAddress: LOCAL_ADDRESS,
    remoteAddress: REMOTE_ADDRESS,
    device,
    async throttle(kbit) {
      // Like a small modem: an 8 KB bucket and at most 400 ms of queue before it drops. (A bucket of
      // one MTU drops most of veth's GSO bursts and TCP spends seconds in retransmission backoff.)
      await run('tc', ['qdisc', 'replace', 'dev', device, 'root', 'tbf', 'rate', `${kbit}kbit`, 'burst', '8kb', 'latency', '400ms']);
    },
    async unthrottle() {
      await run('tc', ['qdisc', 'del', 'dev', device, 'root']).catch(() => undefined);
    },
    txBytes() {
      // Not /sys/class/net: sysfs shows the namespace that mounted it, not this one.
      const [link] = JSON.parse(execFileSync('ip', ['-s', '-j', 'link', 'show', 'dev', device], { encoding: 'utf8' })) as {
        stats64?: { tx?: { bytes?: number } };
      }[];
      return link?.stats64?.tx?.bytes ?? 0;
    },
    async remove() {
      await ip('netns', 'del', namespace).catch(() => undefined);
    },
  };
}
