import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

const log = createLogger('bridge');

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
}

/** A running bridge server. */
export interface BridgeServer {
  readonly url: string;
  /** The URL that opens the UI, with the token in the fragment (never sent to the server by browsers). */
  readonly openUrl: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The policy served with the UI: only this origin, no inline script, WebSocket back to us.
 * 'wasm-unsafe-eval' compiles the page's own WebAssembly (libfvad, for the microphone analysis).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self' ws: wss:",
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

  const http = createServer((request, response) => {
    void serveStatic(staticRoot, request, response).catch((error: unknown) => {
      log.error(`static file request failed for ${request.url ?? ''}`, error);
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_TRANSPORT_MESSAGE_BYTES });
  /** UI connections: commands and events. */
  const authenticated = new Set<WebSocket>();
  /** Audio connections (`purpose: 'audio'`): PCM frames only. */
  const audioConnections = new Set<WebSocket>();

  http.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://bridge').pathname;
    if (path !== BRIDGE_PATH || !isAllowedOrigin(request)) {
      log.warn(`refused WebSocket upgrade for ${path} from origin ${request.headers.origin ?? '(none)'}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => handleConnection(ws));
  });

  const send = (ws: WebSocket, message: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const sendError = (ws: WebSocket, error: BridgeErrorInfo, inReplyTo?: string): void =>
    send(ws, inReplyTo === undefined ? { type: 'error', error } : { type: 'error', error, inReplyTo });

  const unsubscribe = engine.subscribe((event) => {
    const text = JSON.stringify({ type: 'event', channel: event.channel, payload: event.payload } satisfies ServerMessage);
    for (const ws of authenticated) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  function handleConnection(ws: WebSocket): void {
    let failedAuth = 0;
    let rejectedFrames = 0;

    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = toBuffer(data);
      if (isBinary) {
        if (!authenticated.has(ws) && !audioConnections.has(ws)) {
          sendError(ws, { code: 'unauthorized', message: 'Send {"type":"auth","token":…} before audio frames.' });
          return;
        }
        if (!engine.acceptPcm(bytes)) {
          rejectedFrames += 1;
          if (rejectedFrames === 1 || rejectedFrames % 100 === 0) {
            sendError(ws, { code: 'invalid-payload', message: `PCM frame rejected (${rejectedFrames} so far); see the engine log for why.` });
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
        sendError(ws, { code: 'malformed-message', message: `Message does not fit the bridge protocol: ${parsed.error.issues[0]?.message ?? 'unknown shape'}.` }, id);
        return;
      }
      const message = parsed.data;
      switch (message.type) {
        case 'auth': {
          if (tokensEqual(tokenBytes, message.token)) {
            if (message.purpose === 'audio') {
              authenticated.delete(ws);
              audioConnections.add(ws);
              send(ws, { type: 'auth-result', ok: true });
              engine.setBridgeClients(authenticated.size);
              return;
            }
            audioConnections.delete(ws);
            authenticated.add(ws);
            send(ws, { type: 'auth-result', ok: true });
            engine.setBridgeClients(authenticated.size);
            send(ws, { type: 'event', channel: 'engine:state', payload: engine.getState() });
            return;
          }
          failedAuth += 1;
          log.warn(`wrong access token (${failedAuth}/${MAX_AUTH_ATTEMPTS} on this connection)`);
          send(ws, {
            type: 'auth-result',
            ok: false,
            error: { code: 'unauthorized', message: 'Wrong access token. Open the link the steadycast command printed at start (it carries the token).' },
          });
          if (failedAuth >= MAX_AUTH_ATTEMPTS) ws.close(1008, 'too many wrong tokens');
          return;
        }
        case 'command': {
          if (audioConnections.has(ws)) {
            sendError(ws, { code: 'unauthorized', message: 'This connection carries audio only; send commands on a connection authenticated without purpose "audio".' }, message.id);
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
      audioConnections.delete(ws);
      if (authenticated.delete(ws)) engine.setBridgeClients(authenticated.size);
    });
    ws.on('error', (error) => log.warn(`bridge connection error: ${error.message}`));
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
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  log.info(`bridge listening on ${url}${BRIDGE_PATH}${staticRoot ? `, serving the UI from ${staticRoot}` : ''}`);

  return {
    url,
    openUrl: `${url}/#token=${token}`,
    token,
    port,
    async close() {
      unsubscribe();
      for (const ws of wss.clients) ws.close(1001, 'engine stopping');
      wss.close();
      await closeServer(http);
    },
  };
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
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('No UI is served by this engine (started without --ui).\n');
    return;
  }
  const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://static').pathname);
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
