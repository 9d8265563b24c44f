import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  completeSpace,
  endpointConfigFiles,
  icecastConfigXml,
  janusConfigFiles,
  newSpaceConfig,
  type EndpointServerOptions,
} from '../../../../electron/engine/servers/config-generator';

const ports = { http: 18088, ws: 18188, adminHttp: 17088, adminWs: 17188 };
const secrets = {
  janusAdminSecret: 'janus-admin-secret-1',
  icecastRelayPassword: 'relay-password-1',
  icecastAdminPassword: 'unused-admin-password',
  icecastSourcePassword: 'unused-source-password',
};

/** libconfig `name = value` lines of one section of a Janus config. */
function sectionOf(text: string, name: string): Record<string, string> {
  const match = new RegExp(`^${name}: \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(text);
  if (!match?.[1]) throw new Error(`no section ${name}`);
  return Object.fromEntries(
    match[1]
      .split('\n')
      .filter((line) => line.includes(' = '))
      .map((line) => {
        const [key, ...value] = line.trim().split(' = ');
        return [key ?? '', value.join(' = ')];
      }),
  );
}

const parser = new XMLParser({
  ignoreAttributes: false,
  isArray: (_name, jPath) => ['icecast.mount', 'icecast.relay', 'icecast.http-headers.header'].includes(String(jPath)),
});
interface IcecastXml {
  icecast: {
    hostname: string;
    limits: Record<string, number>;
    authentication: Record<string, string>;
    'listen-socket': { port: number; 'bind-address'?: string };
    mount?: { 'mount-name': string; 'fallback-mount'?: string; 'fallback-override'?: number; 'max-listeners'?: number }[];
    relay?: { server: string; port: number; mount: string; 'local-mount': string; 'on-demand': number }[];
    'http-headers': { header: { '@_name': string; '@_value': string }[] };
    paths: Record<string, string>;
    security: { chroot: number; changeowner?: { user: string; group: string } };
  };
}
const parseIcecast = (text: string): IcecastXml['icecast'] => (parser.parse(text) as IcecastXml).icecast;

describe('server config generator: Janus', () => {
  it('writes the transports, the session rules and an admin API on this machine only', () => {
    const files = janusConfigFiles({ bindAddress: '0.0.0.0', ports, adminSecret: 'a-generated-secret', reclaimSessionTimeout: 20 });
    expect(Object.keys(files).sort()).toEqual([
      'janus.jcfg',
      'janus.plugin.audiobridge.jcfg',
      'janus.plugin.streaming.jcfg',
      'janus.plugin.textroom.jcfg',
      'janus.transport.http.jcfg',
      'janus.transport.websockets.jcfg',
    ]);
    const general = sectionOf(files['janus.jcfg'] ?? '', 'general');
    expect(general).toMatchObject({ reclaim_session_timeout: '20', session_timeout: '60', admin_secret: '"a-generated-secret"' });
    expect(general).not.toHaveProperty('token_auth');
    expect(sectionOf(files['janus.jcfg'] ?? '', 'nat')).not.toHaveProperty('ice_enforce_list');
    expect(sectionOf(files['janus.transport.websockets.jcfg'] ?? '', 'general')).toMatchObject({
      ws_port: '18188',
      ws_ip: '"0.0.0.0"',
      ws: 'true',
    });
    expect(sectionOf(files['janus.transport.websockets.jcfg'] ?? '', 'admin')).toMatchObject({
      admin_ws_port: '17188',
      admin_ws_ip: '"127.0.0.1"',
    });
    expect(sectionOf(files['janus.transport.http.jcfg'] ?? '', 'general')).toMatchObject({ port: '18088', ip: '"0.0.0.0"' });
    expect(sectionOf(files['janus.transport.http.jcfg'] ?? '', 'admin')).toMatchObject({ admin_port: '17088', admin_ip: '"127.0.0.1"' });
    // Only AudioBridge, Streaming and TextRoom over HTTP and WebSocket: everything else Debian ships is disabled.
    const disabled = sectionOf(files['janus.jcfg'] ?? '', 'plugins').disable ?? '';
    expect(disabled).toContain('libjanus_videoroom.so');
    expect(disabled).not.toContain('audiobridge');
    expect(sectionOf(files['janus.jcfg'] ?? '', 'transports').disable).toContain('libjanus_pfunix.so');
  });

  it('adds the ICE interface list, token auth, the rooms’ admin key and the folders when given', () => {
    const files = janusConfigFiles({
      bindAddress: '127.0.0.1',
      ports,
      adminSecret: 'a-generated-secret',
      iceEnforceList: 'veth1',
      tokenAuthSecret: 'token-secret-123',
      roomAdminKey: 'room-admin-key-1',
      paths: { configDir: '/srv/janus', libDir: '/usr/lib/x86_64-linux-gnu/janus' },
      disabled: { plugins: ['libjanus_sip.so'], transports: [], loggers: [] },
    });
    const janus = files['janus.jcfg'] ?? '';
    expect(sectionOf(janus, 'nat').ice_enforce_list).toBe('"veth1"');
    expect(sectionOf(janus, 'general')).toMatchObject({
      token_auth: 'true',
      token_auth_secret: '"token-secret-123"',
      configs_folder: '"/srv/janus"',
      plugins_folder: '"/usr/lib/x86_64-linux-gnu/janus/plugins"',
    });
    expect(sectionOf(janus, 'plugins').disable).toBe('"libjanus_sip.so"');
    for (const plugin of ['audiobridge', 'streaming', 'textroom']) {
      expect(sectionOf(files[`janus.plugin.${plugin}.jcfg`] ?? '', 'general').admin_key).toBe('"room-admin-key-1"');
    }
  });

  it('refuses a session reclaim of 0, a short secret and the examples’ placeholders', () => {
    expect(() =>
      janusConfigFiles({ bindAddress: '127.0.0.1', ports, adminSecret: 'a-generated-secret', reclaimSessionTimeout: 0 }),
    ).toThrow(/reclaimSessionTimeout must be > 0/);
    expect(() => janusConfigFiles({ bindAddress: '127.0.0.1', ports, adminSecret: 'short' })).toThrow(/shorter than 8 characters/);
    expect(() => janusConfigFiles({ bindAddress: '127.0.0.1', ports, adminSecret: 'CHANGE-ME-ADMIN' })).toThrow(/placeholder/);
    expect(() =>
      janusConfigFiles({ bindAddress: '127.0.0.1', ports: { ...ports, ws: 70_000 }, adminSecret: 'a-generated-secret' }),
    ).toThrow(/not a port number/);
  });
});

describe('server config generator: Icecast', () => {
  it('writes limits at the live edge, CORS for the listen page, mounts, relays and changeowner', () => {
    const xml = icecastConfigXml({
      hostname: 'icecast-a.example.org',
      port: 8000,
      bindAddress: '127.0.0.1',
      sourcePassword: 'source-secret-1',
      adminPassword: 'admin-secret-1',
      relayPassword: 'relay-secret-1',
      limits: { clients: 5000 },
      mounts: [{ name: '/live.opus', fallbackMount: '/live-other.opus', maxListeners: 4000 }],
      relays: [{ server: 'icecast-b.example.org', port: 8001, mount: '/live.opus', localMount: '/live-other.opus' }],
      paths: { basedir: '/srv/icecast', logdir: '/srv/icecast/log' },
      changeOwner: { user: 'icecast2', group: 'icecast' },
    });
    const config = parseIcecast(xml);
    expect(config.hostname).toBe('icecast-a.example.org');
    expect(config.limits).toMatchObject({ clients: 5000, sources: 20, 'burst-size': 0, 'source-timeout': 5 });
    expect(config.authentication).toMatchObject({
      'source-password': 'source-secret-1',
      'admin-user': 'admin',
      'admin-password': 'admin-secret-1',
      'relay-password': 'relay-secret-1',
    });
    expect(config['listen-socket']).toEqual({ port: 8000, 'bind-address': '127.0.0.1' });
    expect(config.mount).toEqual([
      {
        '@_type': 'normal',
        'mount-name': '/live.opus',
        'max-listeners': 4000,
        'fallback-mount': '/live-other.opus',
        'fallback-override': 1,
      },
    ]);
    expect(config.relay).toEqual([
      {
        server: 'icecast-b.example.org',
        port: 8001,
        mount: '/live.opus',
        'local-mount': '/live-other.opus',
        'on-demand': 0,
        'relay-shoutcast-metadata': 0,
      },
    ]);
    expect(config['http-headers'].header).toEqual([{ '@_name': 'Access-Control-Allow-Origin', '@_value': '*' }]);
    expect(config.paths).toMatchObject({ basedir: '/srv/icecast', logdir: '/srv/icecast/log', webroot: '/usr/share/icecast2/web' });
    expect(config.security).toEqual({ chroot: 0, changeowner: { user: 'icecast2', group: 'icecast' } });
  });

  it('escapes what XML would misread and leaves changeowner out unless asked', () => {
    const config = parseIcecast(
      icecastConfigXml({
        hostname: 'a&b',
        port: 8000,
        sourcePassword: 'pa<ss>wo&rd',
        adminPassword: 'admin-secret-1',
        relayPassword: 'relay-secret-1',
        paths: { basedir: '/b', logdir: '/l' },
      }),
    );
    expect(config.authentication['source-password']).toBe('pa<ss>wo&rd');
    expect(config.hostname).toBe('a&b');
    expect(config.security).toEqual({ chroot: 0 });
    expect(config['listen-socket']).toEqual({ port: 8000 });
  });
});

describe('server config generator: a space', () => {
  const space = newSpaceConfig({
    name: 'Practice',
    mount: '/live.opus',
    roomId: 4242,
    roomSecret: 'room-secret-12',
    roomAdminKey: 'room-admin-key-1',
    primary: { host: '127.0.0.1', janusWsPort: 18188, icecastPort: 18000, sourcePassword: 'p-source-1', adminPassword: 'p-admin-1' },
    backup: { host: '127.0.0.1', janusWsPort: 28188, icecastPort: 28000, sourcePassword: 'b-source/1', adminPassword: 'b-admin-1' },
  }).space;
  const options: EndpointServerOptions = {
    janus: { bindAddress: '127.0.0.1' },
    icecast: { paths: { basedir: '/b', logdir: '/l' } },
    secrets,
  };

  it('makes a complete space: both rooms, source and statistics credentials, fallback mounts', () => {
    expect(space.primary).toEqual({
      janus: { url: 'ws://127.0.0.1:18188', adminKey: 'room-admin-key-1', room: { id: 4242, secret: 'room-secret-12' } },
      icecast: {
        mountUrl: 'http://source:p-source-1@127.0.0.1:18000/live.opus',
        statsUrl: 'http://admin:p-admin-1@127.0.0.1:18000/',
        fallbackMounts: ['/live-other.opus'],
      },
    });
    expect(space.backup?.icecast.mountUrl).toBe('http://source:b-source%2F1@127.0.0.1:28000/live.opus');
  });

  it('writes each endpoint’s servers from the space: its ports, its passwords, the fallback to the other’s program', () => {
    const backup = endpointConfigFiles(space, 'backup', options);
    const icecast = parseIcecast(backup.icecast);
    expect(icecast['listen-socket'].port).toBe(28000);
    expect(icecast.authentication).toMatchObject({
      'source-password': 'b-source/1',
      'admin-password': 'b-admin-1',
      'relay-password': 'relay-password-1',
    });
    expect(icecast.mount).toEqual([
      { '@_type': 'normal', 'mount-name': '/live.opus', 'fallback-mount': '/live-other.opus', 'fallback-override': 1 },
    ]);
    expect(icecast.relay?.[0]).toMatchObject({ server: '127.0.0.1', port: 18000, mount: '/live.opus', 'local-mount': '/live-other.opus' });
    const janus = backup.janus['janus.transport.websockets.jcfg'] ?? '';
    expect(sectionOf(janus, 'general').ws_port).toBe('28188');
    expect(sectionOf(backup.janus['janus.jcfg'] ?? '', 'general').admin_secret).toBe('"janus-admin-secret-1"');
    expect(sectionOf(backup.janus['janus.plugin.audiobridge.jcfg'] ?? '', 'general').admin_key).toBe('"room-admin-key-1"');
  });

  it('fills in a password the space file does not carry, and refuses a space without the endpoint', () => {
    const bare = {
      name: 'Bare',
      primary: { janus: { url: 'ws://janus.example.org:8188' }, icecast: { mountUrl: 'http://icecast.example.org:8000/show.opus' } },
    };
    const files = endpointConfigFiles(bare, 'primary', options);
    expect(parseIcecast(files.icecast).authentication).toMatchObject({
      'source-password': 'unused-source-password',
      'admin-password': 'unused-admin-password',
    });
    expect(parseIcecast(files.icecast).relay).toBeUndefined();
    expect(() => endpointConfigFiles(bare, 'backup', options)).toThrow(/no backup endpoint/);
  });
});

describe('server config generator: completing a space file', () => {
  it('keeps what the file has and fills a room, credentials and fallback mounts from the secret source', () => {
    let n = 0;
    const secret = (): string => `generated-${(n += 1)}`;
    const completed = completeSpace(
      {
        name: 'Half done',
        primary: {
          janus: { url: 'ws://a.example.org:8188' },
          icecast: { mountUrl: 'http://source:kept-source-1@a.example.org:8000/show.opus' },
        },
        backup: {
          janus: { url: 'ws://b.example.org:8188' },
          icecast: { mountUrl: 'http://b.example.org:8000/show.opus', statsUrl: 'http://admin:kept-admin-1@b.example.org:8000/' },
        },
      },
      secret,
      () => 777,
    );
    expect(completed.primary?.janus.room).toEqual({ id: 777, secret: 'generated-1' });
    expect(completed.backup?.janus.room).toEqual({ id: 777, secret: 'generated-1' });
    expect(completed.primary?.icecast).toEqual({
      mountUrl: 'http://source:kept-source-1@a.example.org:8000/show.opus',
      statsUrl: 'http://admin:generated-2@a.example.org:8000/',
      fallbackMounts: ['/show-other.opus'],
    });
    expect(completed.backup?.icecast).toEqual({
      mountUrl: 'http://source:generated-3@b.example.org:8000/show.opus',
      statsUrl: 'http://admin:kept-admin-1@b.example.org:8000/',
      fallbackMounts: ['/show-other.opus'],
    });
  });
});
