import { createHmac, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { EngineConfig } from '../config';

/*
 * The space's keys, derived by the host's engine from the primary room secret (which after this
 * change never leaves the host's engine, so nothing else can derive them). Stable across restarts,
 * so invites made earlier stay good; a new room secret makes new keys (and old invites unusable).
 *   - The host's Ed25519 signing key: moderator announcements and the roster are signed with it;
 *     every invite carries its public key, and apps ignore announcements it did not sign.
 *   - Each invite's key (HMAC-SHA256): the invitee proves its invite to the host's engine with it
 *     (its hello, a producer's moderation requests); the host recomputes it from the invite id.
 */

/** DER prefix of a PKCS#8 Ed25519 private key before its 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** DER prefix of an SPKI Ed25519 public key before its 32 raw bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The host's signing key and its public half (32 raw bytes, base64url) as invites carry it. */
export interface HostKey {
  readonly privateKey: KeyObject;
  readonly publicKey: string;
}

function rootOf(space: EngineConfig['space']): string | null {
  return space.primary?.janus.room?.secret ?? null;
}

/** The host's signing key, or null for a space without a primary room. */
export function hostKeyOf(space: EngineConfig['space']): HostKey | null {
  const root = rootOf(space);
  if (root === null) return null;
  const seed = createHmac('sha256', root).update('steadycast host signing key', 'utf8').digest();
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: der.subarray(ED25519_SPKI_PREFIX.length).toString('base64url') };
}

/** An invite's own key (32 bytes, base64url), or null for a space without a primary room. */
export function inviteKeyOf(space: EngineConfig['space'], inviteId: string): string | null {
  const root = rootOf(space);
  if (root === null) return null;
  return createHmac('sha256', root).update(`steadycast invite key\u0000${inviteId}`, 'utf8').digest().toString('base64url');
}

/** Signs `text` with the host's key (base64url). */
export function signText(key: HostKey, text: string): string {
  return sign(null, Buffer.from(text, 'utf8'), key.privateKey).toString('base64url');
}

/** True when `signature` is the host's (public key as invites carry it) over `text`; false for anything malformed. */
export function verifyText(publicKey: string, text: string, signature: string): boolean {
  try {
    const raw = Buffer.from(publicKey, 'base64url');
    if (raw.length !== 32) return false;
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** A proof with an invite's key over `text` (HMAC-SHA256, base64url). */
export function proofOf(inviteKey: string, text: string): string {
  return createHmac('sha256', Buffer.from(inviteKey, 'base64url')).update(text, 'utf8').digest('base64url');
}
