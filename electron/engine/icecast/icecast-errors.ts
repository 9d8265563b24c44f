/*
 * Why an Icecast output is not live, sorted by what the output does about it. Messages name the
 * server by host:port and mount only: never the user name or password of the mount URL.
 */

/** Failure classes; the output retries all of them except `auth` and `rejected` (see IcecastOutput). */
export type IcecastErrorClass =
  /** 401: the server refused the source credentials. Retrying cannot fix it: stopped after a bounded number of attempts. */
  | 'auth'
  /** 4xx that retrying cannot fix (403 "Content-type not supported", 400, 404, 405…): stopped like `auth`. */
  | 'rejected'
  /** 403 "Mountpoint in use": an earlier (stalled) source holds the mount until the server's source-timeout. Retried. */
  | 'mount-in-use'
  /** Another 403 that can clear by itself (e.g. "too many sources connected"). Retried. */
  | 'refused'
  /** 5xx. Retried. */
  | 'server'
  /** Connection refused, reset, unreachable, closed by the server, TLS failure. Retried. */
  | 'network'
  /** No connection or no answer to the PUT in time. Retried. */
  | 'timeout'
  /** Live, but the server stopped taking data or stopped answering (e.g. a frozen process). Reconnected. */
  | 'stalled'
  /** Live, but the unsent backlog grew past its limit: reconnect at the live edge. */
  | 'behind'
  /** The server's answer was not HTTP. Retried. */
  | 'protocol';

/** Classes after which the output stops instead of retrying (once its bounded attempts are used up). */
export const FATAL_ERROR_CLASSES: ReadonlySet<IcecastErrorClass> = new Set(['auth', 'rejected']);

/** An expected output failure with a message that says what happened and what to do; never carries credentials. */
export class IcecastOutputError extends Error {
  constructor(
    readonly errorClass: IcecastErrorClass,
    message: string,
    /** HTTP status when the server answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'IcecastOutputError';
  }
}

/** A mount URL that cannot be used: thrown by the IcecastOutput constructor. */
export class IcecastConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IcecastConfigError';
  }
}

const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is Icecast running and listening on this port?)',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server while sending',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host down',
  ENOTFOUND: 'host name not found (check the host in the mount URL)',
  EAI_AGAIN: 'host name lookup failed temporarily',
  EADDRNOTAVAIL: 'address not available',
};

/** Classifies a socket error (refused, reset, DNS, TLS…) as a retryable network failure with a plain message. */
export function networkError(error: unknown, server: string): IcecastOutputError {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const known = code === undefined ? undefined : NETWORK_REASONS[code];
  if (known !== undefined) return new IcecastOutputError('network', `${server}: ${known}`);
  if (code !== undefined && /TLS|SSL|CERT/i.test(code))
    return new IcecastOutputError('network', `${server}: TLS handshake failed (${code}): check the certificate or use http://`);
  return new IcecastOutputError('network', `${server}: connection failed${code === undefined ? '' : ` (${code})`}`);
}

/** Classifies the server's non-200 answer to the source PUT; `body` is the server's short text reply. */
export function responseError(status: number, reason: string, body: string, server: string, mount: string): IcecastOutputError {
  const text = body.trim().slice(0, 200);
  const said = text === '' ? `${status} ${reason}`.trim() : `${status} ${text}`;
  if (status === 401) {
    return new IcecastOutputError(
      'auth',
      `${server} refused the source credentials for ${mount} (${said}): check the user and password in the mount URL (http://source:PASSWORD@host:port${mount}) against <source-password> in icecast.xml`,
      status,
    );
  }
  if (status === 403 && /in use/i.test(text)) {
    return new IcecastOutputError(
      'mount-in-use',
      `${mount} on ${server} is in use by another source (${said}); retrying: an earlier connection that stalled holds it until the server's source-timeout`,
      status,
    );
  }
  if (status === 403 && /content.?type|not supported/i.test(text)) {
    return new IcecastOutputError(
      'rejected',
      `${server} does not accept this stream on ${mount} (${said}): the server must support Ogg (audio/ogg)`,
      status,
    );
  }
  if (status === 403) return new IcecastOutputError('refused', `${server} refused the source on ${mount} (${said}); retrying`, status);
  if (status >= 500) return new IcecastOutputError('server', `${server} failed (${said}); retrying`, status);
  return new IcecastOutputError(
    'rejected',
    `${server} answered ${said} to the source request for ${mount}: check that the URL points at an Icecast 2.4 server and mount`,
    status,
  );
}
