import { decodeUserinfo, serverUrlTextProblem } from '../../shared/url-text';
import { redactUrl } from '../redact';
import { IcecastConfigError } from './icecast-errors';

/*
 * The Icecast source protocol as Icecast 2.4.4 speaks it (checked against the real server):
 *
 *   → PUT /live.opus HTTP/1.1                  ← HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\n
 *     Host, Authorization: Basic, Content-Type: audio/ogg,     (only when Expect was sent)
 *     Expect: 100-continue, Ice-*, User-Agent   ← HTTP/1.0 200 OK\r\n\r\n
 *     (no Content-Length, no chunking)          … then the raw Ogg body, for as long as the show runs.
 *
 * Both answers come before any body byte is sent; the source is accepted only on the 200. Refusals
 * are `HTTP/1.0 401 Authentication Required` / `HTTP/1.0 403 Forbidden` with a short text body
 * ("Mountpoint in use", "Content-type not supported", "too many sources connected") and a close.
 */

/** Where an output connects and as whom; `password` never leaves the engine. */
export interface SourceTarget {
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  readonly mount: string;
  readonly user: string;
  readonly password: string;
  /** The URL without credentials: for logs, state and the UI. */
  readonly redactedUrl: string;
  /** `host:port`, for messages. */
  readonly server: string;
}

/** What listeners and directories see about the stream (Ice-* headers). */
export interface IcecastMetadata {
  readonly name: string;
  readonly description?: string;
  /** Listed in public directories (Ice-Public: 1); default false. */
  readonly public?: boolean;
  readonly audioInfo: {
    /** Nominal bitrate in kbit/s. */
    readonly bitrate: number;
    readonly channels: number;
    /** Sample rate in Hz; Opus is always 48000. */
    readonly samplerate: number;
  };
}

/** Parses `http(s)://user:password@host:port/mount`; throws IcecastConfigError with what to fix. */
export function parseSourceUrl(input: string): SourceTarget {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new IcecastConfigError(`not a valid Icecast mount URL: ${redactUrl(input)} (expected http://source:PASSWORD@host:port/mount)`);
  }
  const problem = serverUrlTextProblem(input);
  // Not quoted: the check failed, so the part that looks like a host may belong to the password.
  if (problem) throw new IcecastConfigError(`the Icecast mount URL ${problem}.`);
  const redactedUrl = redactUrl(input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new IcecastConfigError(`Icecast mount URL must start with http:// or https://, not ${url.protocol}// (${redactedUrl})`);
  }
  if (url.pathname === '' || url.pathname === '/') {
    throw new IcecastConfigError(`Icecast mount URL has no mount point (${redactedUrl}): add one, e.g. /live.opus`);
  }
  if (url.password === '') {
    throw new IcecastConfigError(`Icecast mount URL has no password (${redactedUrl}): use http://source:PASSWORD@host:port/mount`);
  }
  const tls = url.protocol === 'https:';
  const port = url.port === '' ? (tls ? 443 : 80) : Number(url.port);
  // URL keeps IPv6 hosts in brackets; sockets want them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    tls,
    host,
    port,
    mount: url.pathname + url.search,
    user: decodeUserinfo(url.username || 'source'),
    password: decodeUserinfo(url.password),
    redactedUrl,
    server: `${url.hostname}:${port}`,
  };
}

/** Header values must stay on one line: control characters become spaces. */
function headerValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** The PUT request head (no body follows until the server accepts). */
export function buildSourceRequest(target: SourceTarget, metadata: IcecastMetadata, userAgent: string): Uint8Array {
  const { bitrate, channels, samplerate } = metadata.audioInfo;
  const credentials = Buffer.from(`${target.user}:${target.password}`, 'utf8').toString('base64');
  const hostHeader = target.port === (target.tls ? 443 : 80) ? target.server.replace(/:\d+$/, '') : target.server;
  const lines = [
    `PUT ${target.mount} HTTP/1.1`,
    `Host: ${hostHeader}`,
    `Authorization: Basic ${credentials}`,
    `User-Agent: ${headerValue(userAgent)}`,
    'Content-Type: audio/ogg',
    'Expect: 100-continue',
    `Ice-Name: ${headerValue(metadata.name)}`,
    `Ice-Description: ${headerValue(metadata.description ?? '')}`,
    `Ice-Public: ${metadata.public === true ? 1 : 0}`,
    `Ice-Audio-Info: ice-samplerate=${Math.round(samplerate)};ice-bitrate=${Math.round(bitrate)};ice-channels=${Math.round(channels)}`,
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
}

/** One parsed response head. */
export interface ResponseHead {
  readonly status: number;
  readonly reason: string;
  /** Bytes of the head including the blank line. */
  readonly length: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Parses the first complete response head in `bytes`: undefined while incomplete, null when the
 * bytes are not an HTTP response.
 */
export function parseResponseHead(bytes: Buffer): ResponseHead | undefined | null {
  const end = bytes.indexOf(HEAD_END);
  if (end < 0) return bytes.length >= 5 && !bytes.subarray(0, 5).equals(Buffer.from('HTTP/')) ? null : undefined;
  const statusLine = bytes.subarray(0, bytes.indexOf('\r\n')).toString('latin1');
  const match = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(statusLine);
  if (match === null) return null;
  return { status: Number(match[1]), reason: match[2] ?? '', length: end + HEAD_END.length };
}
