import Janode from 'janode';
import { describe, expect, inject, it } from 'vitest';

const servers = inject('servers');
const expectedPlugins = ['janus.plugin.audiobridge', 'janus.plugin.streaming', 'janus.plugin.textroom'];

describe('test servers', () => {
  it('Janus answers info over HTTP with exactly our three plugins and a reclaim window', async () => {
    const response = await fetch(servers.janus.httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ janus: 'info', transaction: 'servers-test' }),
    });
    expect(response.status).toBe(200);
    const info = (await response.json()) as { janus: string; plugins: Record<string, unknown>; transports: Record<string, unknown> };
    expect(info.janus).toBe('server_info');
    expect(Object.keys(info.plugins).sort()).toEqual(expectedPlugins);
    expect(Object.keys(info.transports).sort()).toEqual(['janus.transport.http', 'janus.transport.websockets']);
  });

  it('Janus answers info over WebSocket through janode', async () => {
    Janode.Logger.setLevel('error');
    const connection = await Janode.connect({ address: { url: servers.janus.wsUrl }, max_retries: 1, retry_time_secs: 1 });
    try {
      const info = await connection.getInfo();
      expect(info.janus).toBe('server_info');
      expect(Object.keys(info.plugins).sort()).toEqual(expectedPlugins);
    } finally {
      await connection.close();
    }
  });

  it('Janus admin API accepts the admin secret and refuses a wrong one', async () => {
    const ask = async (adminSecret: string): Promise<{ janus: string }> => {
      const response = await fetch(servers.janus.adminHttpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ janus: 'list_sessions', transaction: 'admin-test', admin_secret: adminSecret }),
      });
      return (await response.json()) as { janus: string };
    };
    expect((await ask(servers.janus.adminSecret)).janus).toBe('success');
    expect((await ask('wrong')).janus).toBe('error');
  });

  it('Icecast answers status-json.xsl with icestats', async () => {
    const response = await fetch(`${servers.icecast.baseUrl}/status-json.xsl`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { icestats?: { server_id?: string } };
    expect(body.icestats?.server_id).toMatch(/^Icecast 2\.4/);
  });

  it('Icecast admin refuses wrong credentials with 401 and accepts the right ones', async () => {
    const stats = (user: string, password: string): Promise<Response> =>
      fetch(`${servers.icecast.baseUrl}/admin/stats`, {
        headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      });
    expect((await stats(servers.icecast.adminUser, 'wrong')).status).toBe(401);
    expect((await stats(servers.icecast.adminUser, servers.icecast.adminPassword)).status).toBe(200);
  });
});
