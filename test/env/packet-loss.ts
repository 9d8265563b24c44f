import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { insideTestNamespace } from './network';

const run = promisify(execFile);

/*
 * Random packet loss on the test namespace's UDP traffic (the WebRTC media between Chromium and
 * Janus), with nftables. Why not `tc qdisc … netem`: this machine's kernel is built without
 * sch_netem (CONFIG_NET_SCH_NETEM is not set: "Specified qdisc kind is unknown"), while nf_tables
 * and its random number generator (numgen) are there. Latency has no such substitute here; the
 * tests put it on the signalling path with the TCP proxy (tcp-proxy.ts `setLatency`).
 *
 * Both namespace addresses are local, so media between them crosses `lo`: the rule is on the input
 * hook, for every UDP packet, whatever the interface. Only inside the isolated test namespace (root).
 */

const TABLE = 'steadycast_loss';

/** Loss in force: how many packets it dropped so far; `remove()` ends it. */
export interface PacketLoss {
  dropped(): Promise<number>;
  remove(): Promise<void>;
}

/** Drops `percent` % of UDP packets at random until removed. */
export async function addUdpPacketLoss(percent: number): Promise<PacketLoss> {
  if (!insideTestNamespace() || process.getuid?.() !== 0) {
    throw new Error('packet loss needs the isolated test namespace: run as root through `npm test` or `npx tsx test/env/netns.ts …`');
  }
  const share = Math.round(Math.min(100, Math.max(0, percent)));
  await run('nft', ['delete', 'table', 'inet', TABLE]).catch(() => undefined);
  await run('nft', ['add', 'table', 'inet', TABLE]);
  await run('nft', ['add', 'chain', 'inet', TABLE, 'input', '{ type filter hook input priority 0 ; policy accept ; }']);
  await run('nft', [
    'add',
    'rule',
    'inet',
    TABLE,
    'input',
    'meta',
    'l4proto',
    'udp',
    'numgen',
    'random',
    'mod',
    '100',
    '<',
    String(share),
    'counter',
    'drop',
  ]);
  return {
    async dropped() {
      const { stdout } = await run('nft', ['-j', 'list', 'table', 'inet', TABLE]);
      const found = /"counter":\s*\{\s*"packets":\s*(\d+)/.exec(stdout);
      return Number(found?.[1] ?? 0);
    },
    async remove() {
      await run('nft', ['delete', 'table', 'inet', TABLE]).catch(() => undefined);
    },
  };
}
