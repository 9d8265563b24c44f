import { EngineConfigSchema, type EngineConfig } from '../config';
import { fallbackLayout, fallbackMountFor } from '../failover/icecast-fallback';

/*
 * The server configuration an endpoint runs, generated from one description: Janus (janus.jcfg,
 * its HTTP and WebSocket transports, the AudioBridge, Streaming and TextRoom plugins) and Icecast
 * (icecast.xml). Pure: a description in, file texts out; secrets are part of the description, so
 * the caller decides where they come from (crypto random, or a space file that already has them).
 * The test environment, `npm run servers`, the practice space and `steadycast servers config` all
 * write their servers' files with these functions, so what the tests run is what a host deploys.
 */

/** Janus's four listening ports. */
export interface JanusPorts {
  readonly http: number;
  readonly ws: number;
  readonly adminHttp: number;
  readonly adminWs: number;
}

/** Janus's folders; absent on a packaged install (Janus uses its compiled-in ones and `-F`). */
export interface JanusPaths {
  /** Folder of the generated `*.jcfg` files. */
  readonly configDir: string;
  /** Janus's library folder (Debian: /usr/lib/<multiarch>/janus) holding plugins/, transports/, events/, loggers/. */
  readonly libDir: string;
}

/** What one Janus runs. */
export interface JanusConfigInput {
  /** Address the client APIs (HTTP, WebSocket) listen on, e.g. 0.0.0.0 or 127.0.0.1. */
  readonly bindAddress: string;
  readonly ports: JanusPorts;
  /** Secret of the admin API, which always listens on 127.0.0.1 only. */
  readonly adminSecret: string;
  /** Seconds without a request before Janus destroys a session (default 60). */
  readonly sessionTimeout?: number;
  /** Seconds a session survives its transport going away, waiting for `claim` (default 30; must be > 0). */
  readonly reclaimSessionTimeout?: number;
  /** Janus debug level 0–7 (default 4: info). */
  readonly debugLevel?: number;
  /** Interfaces (or addresses) Janus may gather ICE candidates on, e.g. `veth0`; default: all but loopback. */
  readonly iceEnforceList?: string;
  /** With it, Janus core checks signed tokens itself (`token_auth` + `token_auth_secret`). */
  readonly tokenAuthSecret?: string;
  /** The AudioBridge and TextRoom `admin_key`: only holders may create rooms. */
  readonly roomAdminKey?: string;
  /** Shown in Janus's `info` answer (default "steadycast"). */
  readonly serverName?: string;
  readonly paths?: JanusPaths;
  /** Library files Janus must not load (it loads every `.so` in its folders that is not listed); default: Debian 12's others. */
  readonly disabled?: { readonly plugins: readonly string[]; readonly transports: readonly string[]; readonly loggers: readonly string[] };
}

/** The plugins a Steadycast Janus loads. */
export const JANUS_PLUGIN_FILES = ['libjanus_audiobridge.so', 'libjanus_streaming.so', 'libjanus_textroom.so'] as const;
/** The transports a Steadycast Janus loads. */
export const JANUS_TRANSPORT_FILES = ['libjanus_http.so', 'libjanus_websockets.so'] as const;

/** Debian 12's (janus 1.1.2) other libraries, disabled when the caller does not list the installed ones. */
const DEBIAN_DISABLED = {
  plugins: ['duktape', 'echotest', 'lua', 'nosip', 'recordplay', 'sip', 'videocall', 'videoroom', 'voicemail'].map(
    (name) => `libjanus_${name}.so`,
  ),
  transports: ['mqtt', 'nanomsg', 'pfunix', 'rabbitmq'].map((name) => `libjanus_${name}.so`),
  loggers: ['libjanus_jsonlog.so'],
};

/** Janus's files by name (`janus.jcfg`, `janus.transport.*.jcfg`, `janus.plugin.*.jcfg`). */
export function janusConfigFiles(input: JanusConfigInput): Record<string, string> {
  const {
    bindAddress,
    ports,
    adminSecret,
    sessionTimeout = 60,
    reclaimSessionTimeout = 30,
    debugLevel = 4,
    paths,
    disabled = DEBIAN_DISABLED,
  } = input;
  // Sessions must survive a WebSocket outage: the engine claims them back (ARCHITECTURE.md).
  if (!(reclaimSessionTimeout > 0)) throw new Error('reclaimSessionTimeout must be > 0: sessions must survive a WebSocket outage');
  requireSecret('Janus admin secret', adminSecret);
  if (input.tokenAuthSecret !== undefined) requireSecret('Janus token_auth secret', input.tokenAuthSecret);
  if (input.roomAdminKey !== undefined) requireSecret('AudioBridge admin key', input.roomAdminKey);

  const general = [
    ...(paths
      ? [
          `configs_folder = ${quote(paths.configDir)}`,
          `plugins_folder = ${quote(`${paths.libDir}/plugins`)}`,
          `transports_folder = ${quote(`${paths.libDir}/transports`)}`,
          `events_folder = ${quote(`${paths.libDir}/events`)}`,
          `loggers_folder = ${quote(`${paths.libDir}/loggers`)}`,
        ]
      : []),
    `debug_level = ${integer('debugLevel', debugLevel)}`,
    'debug_timestamps = true',
    'debug_colors = false',
    `server_name = ${quote(input.serverName ?? 'steadycast')}`,
    `session_timeout = ${integer('sessionTimeout', sessionTimeout)}`,
    `reclaim_session_timeout = ${integer('reclaimSessionTimeout', reclaimSessionTimeout)}`,
    `admin_secret = ${quote(adminSecret)}`,
    ...(input.tokenAuthSecret !== undefined ? ['token_auth = true', `token_auth_secret = ${quote(input.tokenAuthSecret)}`] : []),
  ];
  const nat = ['nice_debug = false', ...(input.iceEnforceList !== undefined ? [`ice_enforce_list = ${quote(input.iceEnforceList)}`] : [])];
  const adminKey = input.roomAdminKey !== undefined ? [`admin_key = ${quote(input.roomAdminKey)}`] : [];

  return {
    'janus.jcfg': [
      section('general', general),
      section('certificates', []),
      section('media', []),
      section('nat', nat),
      section('plugins', [`disable = ${quote(disabled.plugins.join(','))}`]),
      section('transports', [`disable = ${quote(disabled.transports.join(','))}`]),
      section('loggers', [`disable = ${quote(disabled.loggers.join(','))}`]),
      section('events', ['broadcast = false']),
    ].join(''),
    'janus.transport.http.jcfg': [
      section('general', [
        'json = "compact"',
        'base_path = "/janus"',
        'http = true',
        `port = ${port(ports.http)}`,
        `ip = ${quote(bindAddress)}`,
        'https = false',
      ]),
      // The admin API can destroy any session: it answers on this machine only.
      section('admin', [
        'admin_base_path = "/admin"',
        'admin_http = true',
        `admin_port = ${port(ports.adminHttp)}`,
        'admin_ip = "127.0.0.1"',
        'admin_https = false',
      ]),
      section('cors', []),
    ].join(''),
    'janus.transport.websockets.jcfg': [
      section('general', [
        'json = "compact"',
        'ws = true',
        `ws_port = ${port(ports.ws)}`,
        `ws_ip = ${quote(bindAddress)}`,
        'wss = false',
        'ws_logging = "err,warn"',
      ]),
      section('admin', ['admin_ws = true', `admin_ws_port = ${port(ports.adminWs)}`, 'admin_ws_ip = "127.0.0.1"', 'admin_wss = false']),
      section('cors', []),
    ].join(''),
    // No static rooms: the host's engine provisions its private rooms with their allowed lists.
    'janus.plugin.audiobridge.jcfg': section('general', [...adminKey, 'events = false']),
    'janus.plugin.streaming.jcfg': section('general', [...adminKey, 'events = false']),
    'janus.plugin.textroom.jcfg': section('general', ['json = "compact"', ...adminKey, 'events = false']),
  };
}

/** One `<mount>` section. */
export interface IcecastMount {
  /** e.g. `/live.opus`. */
  readonly name: string;
  /** Where listeners go when this mount's source leaves, e.g. `/live-other.opus`. */
  readonly fallbackMount?: string;
  /** Move listeners back from the fallback when the source returns (default true when a fallback is set). */
  readonly fallbackOverride?: boolean;
  readonly maxListeners?: number;
}

/** One `<relay>` section: this server pulls `mount` from `server:port` and serves it as `localMount`. */
export interface IcecastRelay {
  readonly server: string;
  readonly port: number;
  readonly mount: string;
  /** Default: the same as `mount`. */
  readonly localMount?: string;
}

/** Icecast's limits (defaults in brackets). */
export interface IcecastLimits {
  /** Concurrent clients: listeners, sources and admin requests [1000]. */
  readonly clients?: number;
  /** Concurrent sources [20]. */
  readonly sources?: number;
  /** Seconds a stalled source keeps its mount [5]. */
  readonly sourceTimeout?: number;
  /** Bytes of backlog a new listener receives [0: the live edge, see ARCHITECTURE.md]. */
  readonly burstSize?: number;
}

/** What one Icecast runs. */
export interface IcecastConfigInput {
  /** The name the server gives itself (its public host name). */
  readonly hostname: string;
  readonly port: number;
  /** Address to listen on; default: every interface. */
  readonly bindAddress?: string;
  readonly sourcePassword: string;
  readonly adminUser?: string;
  readonly adminPassword: string;
  readonly relayPassword: string;
  readonly limits?: IcecastLimits;
  readonly mounts?: readonly IcecastMount[];
  readonly relays?: readonly IcecastRelay[];
  /** 1 error, 2 warn, 3 info, 4 debug [3]. */
  readonly logLevel?: number;
  /** Icecast's folders (Debian: basedir /usr/share/icecast2, logdir /var/log/icecast2). */
  readonly paths: { readonly basedir: string; readonly logdir: string; readonly shareDir?: string };
  /** The account Icecast switches to when started as root (it refuses to run as root without one). */
  readonly changeOwner?: { readonly user: string; readonly group: string };
  /** `Access-Control-Allow-Origin` for the listen page, which reads status-json.xsl from both servers ["*"]. */
  readonly corsOrigin?: string;
  readonly location?: string;
}

/** Debian's unprivileged account for Icecast. */
export const ICECAST_DEBIAN_OWNER = { user: 'icecast2', group: 'icecast' } as const;

/** `icecast.xml`. */
export function icecastConfigXml(input: IcecastConfigInput): string {
  const limits = input.limits ?? {};
  for (const [what, value] of [
    ['source password', input.sourcePassword],
    ['admin password', input.adminPassword],
    ['relay password', input.relayPassword],
  ] as const) {
    requireSecret(`Icecast ${what}`, value);
  }
  const shareDir = input.paths.shareDir ?? '/usr/share/icecast2';
  const lines = [
    '<icecast>',
    element(1, 'location', input.location ?? 'Steadycast'),
    element(1, 'admin', 'admin@steadycast.invalid'),
    element(1, 'hostname', input.hostname),
    '\t<limits>',
    element(2, 'clients', integer('clients', limits.clients ?? 1000)),
    element(2, 'sources', integer('sources', limits.sources ?? 20)),
    element(2, 'queue-size', '524288'),
    element(2, 'client-timeout', '30'),
    element(2, 'header-timeout', '15'),
    element(2, 'source-timeout', integer('sourceTimeout', limits.sourceTimeout ?? 5)),
    element(2, 'burst-size', integer('burstSize', limits.burstSize ?? 0)),
    '\t</limits>',
    '\t<authentication>',
    element(2, 'source-password', input.sourcePassword),
    element(2, 'relay-password', input.relayPassword),
    element(2, 'admin-user', input.adminUser ?? 'admin'),
    element(2, 'admin-password', input.adminPassword),
    '\t</authentication>',
    '\t<listen-socket>',
    element(2, 'port', port(input.port)),
    ...(input.bindAddress !== undefined ? [element(2, 'bind-address', input.bindAddress)] : []),
    '\t</listen-socket>',
    ...(input.mounts ?? []).flatMap(mountLines),
    ...(input.relays ?? []).flatMap(relayLines),
    '\t<http-headers>',
    `\t\t<header name="Access-Control-Allow-Origin" value="${xml(input.corsOrigin ?? '*')}" />`,
    '\t</http-headers>',
    element(1, 'fileserve', '1'),
    '\t<paths>',
    element(2, 'basedir', input.paths.basedir),
    element(2, 'logdir', input.paths.logdir),
    element(2, 'webroot', `${shareDir}/web`),
    element(2, 'adminroot', `${shareDir}/admin`),
    '\t\t<alias source="/" destination="/status.xsl"/>',
    '\t</paths>',
    '\t<logging>',
    element(2, 'accesslog', 'access.log'),
    element(2, 'errorlog', 'error.log'),
    element(2, 'loglevel', integer('logLevel', input.logLevel ?? 3)),
    element(2, 'logsize', '10000'),
    '\t</logging>',
    '\t<security>',
    element(2, 'chroot', '0'),
    ...(input.changeOwner
      ? [
          '\t\t<changeowner>',
          element(3, 'user', input.changeOwner.user),
          element(3, 'group', input.changeOwner.group),
          '\t\t</changeowner>',
        ]
      : []),
    '\t</security>',
    '</icecast>',
  ];
  return `${lines.join('\n')}\n`;
}

function mountLines(mount: IcecastMount): string[] {
  return [
    '\t<mount type="normal">',
    element(2, 'mount-name', mount.name),
    ...(mount.maxListeners !== undefined ? [element(2, 'max-listeners', integer('maxListeners', mount.maxListeners))] : []),
    ...(mount.fallbackMount !== undefined
      ? [element(2, 'fallback-mount', mount.fallbackMount), element(2, 'fallback-override', mount.fallbackOverride === false ? '0' : '1')]
      : []),
    '\t</mount>',
  ];
}

function relayLines(relay: IcecastRelay): string[] {
  return [
    '\t<relay>',
    element(2, 'server', relay.server),
    element(2, 'port', port(relay.port)),
    element(2, 'mount', relay.mount),
    element(2, 'local-mount', relay.localMount ?? relay.mount),
    element(2, 'on-demand', '0'),
    element(2, 'relay-shoutcast-metadata', '0'),
    '\t</relay>',
  ];
}

/** Secrets a space's servers need besides those its space file already carries. */
export interface EndpointSecrets {
  readonly janusAdminSecret: string;
  readonly icecastRelayPassword: string;
  /** Used when the space's statistics URL carries no admin password. */
  readonly icecastAdminPassword: string;
  /** Used when the space's mount URL carries no source password. */
  readonly icecastSourcePassword: string;
}

/** How one endpoint's servers run on their machine (what a space file does not say). */
export interface EndpointServerOptions {
  readonly janus: Omit<JanusConfigInput, 'ports' | 'adminSecret' | 'roomAdminKey'> & { readonly ports?: Partial<JanusPorts> };
  readonly icecast: Pick<IcecastConfigInput, 'bindAddress' | 'limits' | 'logLevel' | 'paths' | 'changeOwner' | 'corsOrigin'>;
  readonly secrets: EndpointSecrets;
}

/** Janus's ports on a packaged install, except the WebSocket one, which the space's URL gives. */
const DEFAULT_JANUS_PORTS: JanusPorts = { http: 8088, ws: 8188, adminHttp: 7088, adminWs: 7188 };

/** An endpoint's generated files: `janus/*.jcfg` and `icecast/icecast.xml`. */
export interface EndpointFiles {
  readonly janus: Record<string, string>;
  readonly icecast: string;
}

/**
 * The files of one endpoint of `space`: Janus on the WebSocket port of the endpoint's Janus URL,
 * Icecast on its mount URL's port with the space's source and admin passwords, the program mount
 * with its fallback to a relay of the other endpoint's program (icecast-fallback.ts).
 */
export function endpointConfigFiles(
  space: EngineConfig['space'],
  endpoint: 'primary' | 'backup',
  options: EndpointServerOptions,
): EndpointFiles {
  const config = space[endpoint];
  if (config === undefined) throw new Error(`the space has no ${endpoint} endpoint`);
  const janusUrl = new URL(config.janus.url);
  const mountUrl = new URL(config.icecast.mountUrl);
  const statsUrl = config.icecast.statsUrl !== undefined ? new URL(config.icecast.statsUrl) : undefined;
  const layout = fallbackLayout(space).find((entry) => entry.endpoint === endpoint);
  const janus = janusConfigFiles({
    ...options.janus,
    ports: { ...DEFAULT_JANUS_PORTS, ws: portOf(janusUrl), ...options.janus.ports },
    adminSecret: options.secrets.janusAdminSecret,
    ...(config.janus.adminKey !== undefined ? { roomAdminKey: config.janus.adminKey } : {}),
  });
  const icecast = icecastConfigXml({
    ...options.icecast,
    hostname: mountUrl.hostname,
    port: portOf(mountUrl),
    sourcePassword: decodeURIComponent(mountUrl.password) || options.secrets.icecastSourcePassword,
    adminUser: (statsUrl && decodeURIComponent(statsUrl.username)) || 'admin',
    adminPassword: (statsUrl && decodeURIComponent(statsUrl.password)) || options.secrets.icecastAdminPassword,
    relayPassword: options.secrets.icecastRelayPassword,
    mounts: layout
      ? [{ name: layout.mount, fallbackMount: layout.fallbackMount, fallbackOverride: layout.fallbackOverride }]
      : [
          {
            name: mountUrl.pathname,
            ...(config.icecast.fallbackMounts?.[0] !== undefined ? { fallbackMount: config.icecast.fallbackMounts[0] } : {}),
          },
        ],
    relays: layout ? [layout.relay] : [],
    location: `Steadycast ${endpoint}: ${space.name}`,
  });
  return { janus, icecast };
}

/** Where one endpoint's servers answer, and its own Icecast passwords. */
export interface NewEndpoint {
  /** Address clients use for both servers, e.g. 127.0.0.1 or icecast-a.example.org. */
  readonly host: string;
  readonly janusWsPort: number;
  readonly icecastPort: number;
  readonly sourcePassword: string;
  readonly adminPassword: string;
}

/** What a new space is made of; the caller generates the secrets and the room id. */
export interface NewSpaceInput {
  readonly name: string;
  /** The program mount on both servers, e.g. `/live.opus`. */
  readonly mount: string;
  readonly roomId: number;
  readonly roomSecret: string;
  /** The rooms' `admin_key` (only its holders create rooms on these servers). */
  readonly roomAdminKey: string;
  readonly primary: NewEndpoint;
  readonly backup: NewEndpoint;
}

/** A complete space file for new servers: both rooms, source and statistics credentials, fallback mounts. */
export function newSpaceConfig(input: NewSpaceInput): EngineConfig {
  for (const [what, value] of [
    ['room secret', input.roomSecret],
    ['room admin key', input.roomAdminKey],
    ['primary source password', input.primary.sourcePassword],
    ['primary admin password', input.primary.adminPassword],
    ['backup source password', input.backup.sourcePassword],
    ['backup admin password', input.backup.adminPassword],
  ] as const) {
    requireSecret(what, value);
  }
  const endpoint = (servers: NewEndpoint) => {
    const base = `${servers.host}:${servers.icecastPort}`;
    return {
      janus: {
        url: `ws://${servers.host}:${servers.janusWsPort}`,
        adminKey: input.roomAdminKey,
        room: { id: input.roomId, secret: input.roomSecret },
      },
      icecast: {
        mountUrl: `http://source:${encodeURIComponent(servers.sourcePassword)}@${base}${input.mount}`,
        statsUrl: `http://admin:${encodeURIComponent(servers.adminPassword)}@${base}/`,
        fallbackMounts: [fallbackMountFor(input.mount)],
      },
    };
  };
  return EngineConfigSchema.parse({ space: { name: input.name, primary: endpoint(input.primary), backup: endpoint(input.backup) } });
}

/**
 * The space with everything its servers need: a room (id and secret, the same on both endpoints),
 * source and statistics credentials on each mount, and the fallback mounts. What the space file
 * already has is kept; what it lacks comes from `secret()` and `roomId()`.
 */
export function completeSpace(space: EngineConfig['space'], secret: () => string, roomId: () => number): EngineConfig['space'] {
  const existingRoom = space.primary?.janus.room ?? space.backup?.janus.room;
  const room = existingRoom ?? { id: roomId(), secret: secret() };
  const both = space.primary !== undefined && space.backup !== undefined;
  const complete = (endpoint: NonNullable<EngineConfig['space']['primary']>) => {
    const mountUrl = new URL(endpoint.icecast.mountUrl);
    if (mountUrl.password === '') {
      mountUrl.username = mountUrl.username || 'source';
      mountUrl.password = encodeURIComponent(secret());
    }
    const statsUrl = endpoint.icecast.statsUrl ?? `${mountUrl.protocol}//admin:${encodeURIComponent(secret())}@${mountUrl.host}/`;
    const fallbackMounts = endpoint.icecast.fallbackMounts ?? (both ? [fallbackMountFor(mountUrl.pathname)] : undefined);
    return {
      ...endpoint,
      janus: { ...endpoint.janus, room: endpoint.janus.room ?? room },
      icecast: { ...endpoint.icecast, mountUrl: mountUrl.toString(), statsUrl, ...(fallbackMounts ? { fallbackMounts } : {}) },
    };
  };
  return EngineConfigSchema.parse({
    space: {
      ...space,
      ...(space.primary ? { primary: complete(space.primary) } : {}),
      ...(space.backup ? { backup: complete(space.backup) } : {}),
    },
  }).space;
}

/** Placeholders of the shipped examples: a generated config never carries one. */
const PLACEHOLDER = /CHANGE-?ME/i;

function requireSecret(what: string, value: string): void {
  if (value.length < 8) throw new Error(`the ${what} is shorter than 8 characters: generate one (e.g. openssl rand -hex 16)`);
  if (PLACEHOLDER.test(value)) throw new Error(`the ${what} is still the example's placeholder: replace it with a generated secret`);
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80;
}

function port(value: number): string {
  if (!Number.isInteger(value) || value < 1 || value > 65_535) throw new Error(`port ${value} is not a port number (1–65535)`);
  return String(value);
}

function integer(what: string, value: number): string {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${what} must be a whole number ≥ 0, not ${value}`);
  return String(value);
}

/** A libconfig string. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function section(name: string, settings: readonly string[]): string {
  return `${name}: {\n${settings.map((line) => `\t${line}\n`).join('')}}\n`;
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function element(depth: number, name: string, value: string): string {
  return `${'\t'.repeat(depth)}<${name}>${xml(value)}</${name}>`;
}
