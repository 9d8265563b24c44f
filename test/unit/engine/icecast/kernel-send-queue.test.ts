import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProcNetTcp, procNetTcpSendQueue } from '../../../../electron/engine/icecast/kernel-send-queue';

describe('parseProcNetTcp', () => {
  const sample = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
    '   1: 0100007F:9C40 0100007F:1F40 01 00001A2B:00000010 01:00000014 00000000     0        0 2 1 0 20 4 30 10 -1',
    '   2: 0100007F:9C41 0100007F:1F40 06 00000500:00000000 03:00000014 00000000     0        0 0 3 0',
    'garbage',
    '',
  ].join('\n');

  it('reads tx_queue of established sockets by local:remote port, ignoring listeners and time-wait', () => {
    const table = parseProcNetTcp(sample);
    expect([...table]).toEqual([['40000:8000', 0x1a2b]]);
  });

  it('reads IPv6 lines the same way', () => {
    const table = parseProcNetTcp(
      '   0: 00000000000000000000000001000000:9C42 00000000000000000000000001000000:1F40 01 00000400:00000000 00:00000000 00000000  0 0 3\n',
    );
    expect(table.get('40002:8000')).toBe(1024);
  });
});

describe('procNetTcpSendQueue on this machine', () => {
  let server: Server | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('sees the bytes a peer that stopped reading has not acknowledged, while writableLength may not', async () => {
    let peer: Socket | undefined;
    server = createServer((socket) => {
      peer = socket;
      sockets.push(socket);
      socket.pause(); // never reads: its receive buffer fills, then ours
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const client = connect(address.port, '127.0.0.1');
    sockets.push(client);
    await new Promise<void>((resolve) => client.once('connect', resolve));
    const reader = procNetTcpSendQueue({ maxAgeMs: 0 });
    expect(reader(client)).toBe(0);

    const chunk = Buffer.alloc(64 * 1024, 1);
    for (let i = 0; i < 200; i += 1) client.write(chunk); // 12.5 MiB: more than both kernels take
    await new Promise((resolve) => setTimeout(resolve, 200));
    const held = reader(client);
    expect(peer).toBeDefined();
    expect(held).toBeGreaterThan(64 * 1024);
    expect(held).toBeLessThanOrEqual(200 * chunk.byteLength - client.writableLength);
  });

  it('answers undefined where the tables do not exist (not Linux)', () => {
    const reader = procNetTcpSendQueue({
      read: () => {
        throw new Error('ENOENT');
      },
    });
    expect(reader({ localPort: 1, remotePort: 2 })).toBeUndefined();
  });
});
