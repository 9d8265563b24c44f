import { createHmac } from 'node:crypto';

/*
 * Janus core's signed tokens (janus.jcfg `token_auth = true` + `token_auth_secret`): Janus checks
 * the signature and the expiry on every request itself, with no app involved, and lets the token
 * attach only the plugins it names. Format: `<expiry s>,janus,<plugin>[,<plugin>…]:<base64 HMAC-SHA1>`.
 */

/** The plugins a Steadycast token opens: the conversation room and the space channel. */
export const TOKEN_PLUGINS = ['janus.plugin.audiobridge', 'janus.plugin.textroom'] as const;

/** How long the host's own token lasts (a new one is minted for every connection). */
export const HOST_TOKEN_MS = 24 * 60 * 60 * 1000;

/** A Janus signed token valid until `expiresAt` (ms since the epoch, rounded down to the second). */
export function signJanusToken(secret: string, expiresAt: number, plugins: readonly string[] = TOKEN_PLUGINS): string {
  const data = [String(Math.floor(expiresAt / 1000)), 'janus', ...plugins].join(',');
  return `${data}:${createHmac('sha1', secret).update(data, 'utf8').digest('base64')}`;
}

/** When a signed token expires (ms since the epoch), or null when it is not one. */
export function janusTokenExpiry(token: string): number | null {
  const match = /^(\d{1,12}),janus,[^:]+:[A-Za-z0-9+/=]+$/u.exec(token);
  return match?.[1] === undefined ? null : Number(match[1]) * 1000;
}
