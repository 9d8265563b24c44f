import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { BridgeErrorInfo } from '../shared/contract';
import {
  BRIDGE_PATH,
  ClientMessageSchema,
  MAX_AUTH_ATTEMPTS,
  MAX_TEXT_MESSAGE_BYTES,
  MAX_TRANSPORT_MESSAGE_BYTES,
  type ServerMessage,
} from '../shared/wire';
import { dispatchUntrusted } from '../engine/dispatch';
import type { Engine } from '../engine/engine';
import { createLogger } from '../engine/log/logger';
import { LogThrottle, suppressedNote } from './log-throttle';
import { assertNever } from '../shared/assert-never';

const log = createLogger('bridge');

/** A connection that has not authenticated within this long is closed. */
export const AUTH_TIMEOUT_MS = 5000;
/**
 * Connections waiting to authenticate at once. A real window opens two (UI and audio) and
 * authenticates within a round trip; past this the oldest waiting one is closed, so a flood of idle
 * sockets holds at most this many and a fresh real client still gets in.
 */
export const MAX_UNAUTHENTICATED = 32;
/** Above this many bytes queued for a client, events that a newer one replaces (meters) are dropped for it. */
export const SEND_QUEUE_DROP_BYTES = 1024 * 1024;
/** Above this many bytes queued for a client, it is disconnected: it reconnects and gets the current state. */
export const SEND_QUEUE_LIMIT_BYTES = 8 * 1024 * 1024;
/** Events a later one of the same channel replaces: a slow client loses nothing by missing some. */
const DROPPABLE_CHANNELS: ReadonlySet<string> = new Set(['broadcast:meters', 'conversation:mic-levels']);
/** One log line per this long for each kind of refusal a peer can repeat (wrong token, bad Host, …). */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/** What to do with one message for a client that has `bufferedBytes` not yet written to its socket. */
export type SendDecision = 'send' | 'drop' | 'disconnect';

/** The send-queue rule: never let a client's queue grow past {@link SEND_QUEUE_LIMIT_BYTES}. */
export function sendDecision(bufferedBytes: number, droppable: boolean): SendDecision {
  if (bufferedBytes >= SEND_QUEUE_LIMIT_BYTES) return 'disconnect';
  if (droppable && bufferedBytes >= SEND_QUEUE_DROP_BYTES) return 'drop';
  return 'send';
}

/**
 * The `Host` header values this server answers to: the loopback names and the bound address (or,
 * bound to every interface, each interface's address), with the port. A page on any other name
 * (DNS rebinding: evil.example resolving to 127.0.0.1) gets nothing, neither the UI nor /bridge.
 */
export function allowedHostHeaders(bindHost: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  const bracket = (address: string): string => (address.includes(':') ? `[${address}]` : address);
  const wildcard = bindHost === '' || bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '[::]';
  if (wildcard) {
    for (const addresses of Object.values(networkInterfaces()))
      for (const info of addresses ?? []) names.add(bracket(info.address.replace(/%.*$/u, '')));
  }
  // The bound address itself: the link printed at start names it (also 0.0.0.0 when bound to all).
  if (bindHost !== '') names.add(bracket(bindHost.replace(/^\[(.*)\]$/u, '$1')).toLowerCase());
  const allowed = new Set<string>();
  for (const name of names) {
    allowed.add(`${name}:${port}`);
    if (port === 80) allowed.add(name);
  }
  return allowed;
}

/** Options of the headless bridge server. */
export interface BridgeServerOptions {
  engine: Engine;
  /** Interface to bind; 127.0.0.1 unless the user asks for another. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Access token; a random one is made when absent. */
  token?: string;
  /** Built renderer to serve at `/`; without it only the bridge is served. */
  staticDir?: string;
  /** Close connections that have not authenticated within this long (default {@link AUTH_TIMEOUT_MS}). */
  authTimeoutMs?: number;
  /** Connections allowed to wait for authentication at once (default {@link MAX_UNAUTHENTICATED}). */
  maxUnauthenticated?: number;
  /** The clock of the refusal log throttles (tests freeze it). */
  now?: () => number;
}

/** How many connections the bridge holds, and the most bytes it ever queued for one client. */
export interface BridgeConnectionStats {
  unauthenticated: number;
  ui: number;
  audio: number;
  peakQueuedBytes: number;
  /** Droppable events not sent to a client that was behind. */
  droppedEvents: number;
  /** Clients disconnected for falling too far behind. */
  slowDisconnects: number;
}

/** A running bridge server. */
export interface BridgeServer {
  readonly url: string;
  /** The URL that opens the UI, with the token in the fragment (never sent to the server by browsers). */
  readonly openUrl: string;
  readonly token: string;
  readonly port: number;
  stats(): BridgeConnectionStats;
  close(): Promise<void>;
}

/**
 * The policy served with the UI: only this origin, no inline script, WebSocket back to us only
 * ('self' covers ws: and wss: to the page's own host and port in CSP 3; the page connects nowhere else).
 * 'wasm-unsafe-eval' compiles the page's own WebAssembly (libfvad, for the microphone analysis).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** Makes a random access token for one run of the headless engine. */
export function createAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Serves the built renderer and the WebSocket binding of the contract. Every connection must
 * authenticate with the token; bad messages are answered with an error and the connection stays usable.
 */
export async function startBridgeServer(options: BridgeServerOptions): Promise<BridgeServer> {
  const { engine } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? createAccessToken();
  const tokenBytes = Buffer.from(token);
  const staticRoot = options.staticDir ? resolve(options.staticDir) : null;

  const authTimeoutMs = options.authTimeoutMs ?? AUTH_TIMEOUT_MS;
  const maxUnauthenticated = options.maxUnauthenticated ?? MAX_UNAUTHENTICATED;
  // Filled in once listening (the port may be chosen by the system).
  let allowedHosts = new Set<string>();
  const throttles = {
    host: new LogThrottle(REFUSAL_LOG_INTERVAL_MS, options.now),
    upgrade: new LogThrottle(REFUSAL_LOG_INTERVAL_MS, options.now),
    auth: new LogThrottle(REFUSAL_LOG_INTERVAL_MS, options.now),
    timeout: new LogThrottle(REFUSAL_LOG_INTERVAL_MS, options.now),
    slow: new LogThrottle(REFUSAL_LOG_INTERVAL_MS, options.now),
    socketError: new LogThrottle(REFUSAL_LOG_INTERVAL_MS, options.now),
  };
  const warnThrottled = (throttle: LogThrottle, message: string): void => {
    const verdict = throttle.take();
    if (verdict.log) log.warn(`${message}${suppressedNote(verdict.suppressed)}`);
  };
  const hostAllowed = (request: IncomingMessage): boolean => allowedHosts.has((request.headers.host ?? '').toLowerCase());

  const http = createServer({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1000 }, (request, response) => {
    if (!hostAllowed(request)) {
      warnThrottled(
        throttles.host,
        `refused a request for Host "${describeHost(request)}": this engine answers only at ${[...allowedHosts][0] ?? 'its own address'}`,
      );
      response
        .writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' })
        .end(
          `This Steadycast engine answers only at its own address (${[...allowedHosts].join(', ')}). Open the link it printed at start.\n`,
        );
      return;
    }
    void serveStatic(staticRoot, request, response).catch((error: unknown) => {
      log.error(`static file request failed for ${request.url ?? ''}`, error);
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_TRANSPORT_MESSAGE_BYTES });
  /** Connections waiting to authenticate, oldest first (a Set keeps insertion order). */
  const unauthenticated = new Set<WebSocket>();
  /** UI connections: commands and events. */
  const authenticated = new Set<WebSocket>();
  /** Audio connections (`purpose: 'audio'`): PCM frames only. */
  const audioConnections = new Set<WebSocket>();
  const counters = { peakQueuedBytes: 0, droppedEvents: 0, slowDisconnects: 0 };

  http.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://bridge').pathname;
    if (path !== BRIDGE_PATH || !hostAllowed(request) || !isAllowedOrigin(request)) {
      warnThrottled(
        throttles.upgrade,
        `refused WebSocket upgrade for ${path.slice(0, 64)} (Host "${describeHost(request)}", origin ${(request.headers.origin ?? '(none)').slice(0, 100)})`,
      );
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => handleConnection(ws));
  });

  /** Ends a connection now: its peer may not read a close frame (idle, paused or flooding). */
  const drop = (ws: WebSocket, code: number, reason: string): void => {
    ws.close(code, reason);
    setTimeout(() => ws.terminate(), 1000).unref();
  };

  /** Queues `text` for `ws` unless its queue says drop it (droppable) or disconnect (too far behind). */
  const deliver = (ws: WebSocket, text: string, droppable: boolean): void => {
    if (ws.readyState !== ws.OPEN) return;
    const decision = sendDecision(ws.bufferedAmount, droppable);
    switch (decision) {
      case 'send':
        ws.send(text);
        counters.peakQueuedBytes = Math.max(counters.peakQueuedBytes, ws.bufferedAmount);
        return;
      case 'drop':
        counters.droppedEvents += 1;
        return;
      case 'disconnect':
        counters.slowDisconnects += 1;
        warnThrottled(
          throttles.slow,
          `a bridge client stopped reading (${Math.round(ws.bufferedAmount / 1024 / 1024)} MB waiting for it); disconnected it, it gets the current state when it reconnects`,
        );
        ws.terminate();
        return;
      default:
        assertNever(decision);
    }
  };

  const send = (ws: WebSocket, message: ServerMessage): void => deliver(ws, JSON.stringify(message), false);
  const sendError = (ws: WebSocket, error: BridgeErrorInfo, inReplyTo?: string): void =>
    send(ws, inReplyTo === undefined ? { type: 'error', error } : { type: 'error', error, inReplyTo });

  const unsubscribe = engine.subscribe((event) => {
    const text = JSON.stringify({ type: 'event', channel: event.channel, payload: event.payload } satisfies ServerMessage);
    const droppable = DROPPABLE_CHANNELS.has(event.channel);
    for (const ws of authenticated) deliver(ws, text, droppable);
  });

  function handleConnection(ws: WebSocket): void {
    let failedAuth = 0;
    let rejectedFrames = 0;

    if (unauthenticated.size >= maxUnauthenticated) {
      const oldest = unauthenticated.values().next().value;
      if (oldest) {
        unauthenticated.delete(oldest);
        warnThrottled(throttles.timeout, `more than ${maxUnauthenticated} connections waiting to authenticate; closed the oldest`);
        drop(oldest, 1013, 'too many connections waiting to authenticate');
      }
    }
    unauthenticated.add(ws);
    const authTimer = setTimeout(() => {
      if (!unauthenticated.delete(ws)) return;
      warnThrottled(throttles.timeout, `closed a connection that did not authenticate within ${authTimeoutMs / 1000} s`);
      drop(ws, 1008, `authenticate within ${authTimeoutMs / 1000} s`);
    }, authTimeoutMs);
    authTimer.unref();
    const authenticatedAs = (set: Set<WebSocket>): void => {
      clearTimeout(authTimer);
      unauthenticated.delete(ws);
      (set === authenticated ? audioConnections : authenticated).delete(ws);
      set.add(ws);
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = toBuffer(data);
      if (isBinary) {
        if (!authenticated.has(ws) && !audioConnections.has(ws)) {
          // Audio before auth is no client of ours: say why once, and close.
          clearTimeout(authTimer);
          unauthenticated.delete(ws);
          warnThrottled(throttles.auth, 'closed a connection that sent binary data before authenticating');
          drop(ws, 1008, 'authenticate before sending audio');
          return;
        }
        if (!engine.acceptPcm(bytes)) {
          rejectedFrames += 1;
          if (rejectedFrames === 1 || rejectedFrames % 100 === 0) {
            sendError(ws, {
              code: 'invalid-payload',
              message: `PCM frame rejected (${rejectedFrames} so far); see the engine log for why.`,
            });
          }
        }
        return;
      }
      if (bytes.byteLength > MAX_TEXT_MESSAGE_BYTES) {
        sendError(ws, {
          code: 'message-too-large',
          message: `Message of ${bytes.byteLength} bytes refused; the limit is ${MAX_TEXT_MESSAGE_BYTES} bytes.`,
        });
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(bytes.toString('utf8'));
      } catch {
        sendError(ws, { code: 'malformed-message', message: 'Message is not valid JSON; send {"type":"command",…} or {"type":"auth",…}.' });
        return;
      }
      const parsed = ClientMessageSchema.safeParse(json);
      if (!parsed.success) {
        const id = typeof (json as { id?: unknown } | null)?.id === 'string' ? (json as { id: string }).id : undefined;
        sendError(
          ws,
          {
            code: 'malformed-message',
            message: `Message does not fit the bridge protocol: ${parsed.error.issues[0]?.message ?? 'unknown shape'}.`,
          },
          id,
        );
        return;
      }
      const message = parsed.data;
      switch (message.type) {
        case 'auth': {
          if (tokensEqual(tokenBytes, message.token)) {
            if (message.purpose === 'audio') {
              authenticatedAs(audioConnections);
              send(ws, { type: 'auth-result', ok: true });
              engine.setBridgeClients(authenticated.size);
              return;
            }
            authenticatedAs(authenticated);
            send(ws, { type: 'auth-result', ok: true });
            engine.setBridgeClients(authenticated.size);
            send(ws, { type: 'event', channel: 'engine:state', payload: engine.getState() });
            return;
          }
          failedAuth += 1;
          warnThrottled(throttles.auth, `wrong access token (${failedAuth}/${MAX_AUTH_ATTEMPTS} on this connection)`);
          send(ws, {
            type: 'auth-result',
            ok: false,
            error: {
              code: 'unauthorized',
              message: 'Wrong access token. Open the link the steadycast command printed at start (it carries the token).',
            },
          });
          if (failedAuth >= MAX_AUTH_ATTEMPTS) drop(ws, 1008, 'too many wrong tokens');
          return;
        }
        case 'command': {
          if (audioConnections.has(ws)) {
            sendError(
              ws,
              {
                code: 'unauthorized',
                message: 'This connection carries audio only; send commands on a connection authenticated without purpose "audio".',
              },
              message.id,
            );
            return;
          }
          if (!authenticated.has(ws)) {
            sendError(ws, { code: 'unauthorized', message: 'Not authenticated: send {"type":"auth","token":…} first.' }, message.id);
            return;
          }
          void dispatchUntrusted(engine, message.channel, message.payload).then((reply) =>
            send(ws, { type: 'result', id: message.id, reply }),
          );
          return;
        }
      }
    });

    ws.on('close', () => {
      clearTimeout(authTimer);
      unauthenticated.delete(ws);
      audioConnections.delete(ws);
      if (authenticated.delete(ws)) engine.setBridgeClients(authenticated.size);
    });
    ws.on('error', (error) => warnThrottled(throttles.socketError, `bridge connection error: ${error.message}`));
  }

  function isAllowedOrigin(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    // Non-browser clients send no Origin; browsers must come from the page we serve.
    if (origin === undefined) return true;
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    http.once('error', rejectListen);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', rejectListen);
      resolveListen();
    });
  });
  const port = (http.address() as AddressInfo).port;
  allowedHosts = allowedHostHeaders(host, port);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  log.info(`bridge listening on ${url}${BRIDGE_PATH}${staticRoot ? `, serving the UI from ${staticRoot}` : ''}`);

  return {
    url,
    openUrl: `${url}/#token=${token}`,
    token,
    port,
    stats: () => ({ unauthenticated: unauthenticated.size, ui: authenticated.size, audio: audioConnections.size, ...counters }),
    async close() {
      unsubscribe();
      for (const ws of wss.clients) ws.close(1001, 'engine stopping');
      wss.close();
      await closeServer(http);
    },
  };
}

/** The Host header as sent, cut short and without control characters, for a log line. */
function describeHost(request: IncomingMessage): string {
  return (request.headers.host ?? '(none)').slice(0, 100).replace(/[^ -~]/gu, '?');
}

function tokensEqual(expected: Buffer, given: string): boolean {
  const candidate = Buffer.from(given);
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

async function serveStatic(root: string | null, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  if (!root) {
    response
      .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      .end('No UI is served by this engine (started without --ui).\n');
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://static').pathname);
  } catch {
    response.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Malformed %-escape in the path.\n');
    return;
  }
  const relative = normalize(pathname === '/' ? '/index.html' : pathname);
  const file = join(root, relative);
  if (file !== root && !file.startsWith(root + sep)) {
    response.writeHead(403).end();
    return;
  }
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': extname(file) === '.html' ? 'no-store' : 'public, max-age=3600',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file).pipe(response);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
}
