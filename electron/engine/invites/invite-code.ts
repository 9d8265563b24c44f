import { createHash } from 'node:crypto';
import { z } from 'zod';
import { INVITE_LINK_PREFIX, MAX_INVITE_CODE_LENGTH, RoleSchema, type InvitePreview } from '../../shared/conversation';
import { EngineCommandError } from '../engine-errors';
import { FailoverSettingsSchema, type FailoverSettings } from '../../shared/failover';

/*
 * An invite code is `sc<version>.<body>.<check>`:
 *   - body:  base64url of the payload's JSON;
 *   - check: the first 8 bytes of SHA-256 over `sc<version>.<body>`, base64url (11 characters).
 * Every character of the code (the version too) is under the check, so a truncated copy or a
 * changed character reads as damage. The envelope (prefix, dots, check) stays the same in every
 * version of Steadycast; only the body changes. So a code that passes the check but carries a
 * higher version was made by a newer Steadycast, not damaged. The check is not a signature: the
 * host's room allowed list, not the code, decides who may join.
 */

/**
 * The invite format this build writes and reads. Version 2: no server secret (API secret, admin
 * key) travels; each endpoint carries a Janus signed token that expires with the invite, and the
 * invite carries the host's public key and its own key (see space-keys.ts and docs/security.md).
 */
export const INVITE_CODE_VERSION = 2;

const CHECK_LENGTH = 11;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Where and how an invitee joins one endpoint's room. */
export interface InviteEndpoint {
  janusUrl: string;
  /** Janus core signed token (`token_auth`), expiring with the invite; absent where the server checks none. */
  janusToken?: string;
  room: number;
  pin?: string;
}

/** Everything an invite code carries. */
export interface InvitePayload {
  id: string;
  space: string;
  role: 'cohost' | 'producer';
  /** The token the host's rooms allow (AudioBridge `allowed`). */
  token: string;
  createdAt: number;
  expiresAt: number;
  endpoints: { primary: InviteEndpoint; backup?: InviteEndpoint };
  /** The space's failover rule, so the guest's app moves when the host's does (absent: the defaults). */
  failover?: FailoverSettings;
  /** The host's Ed25519 public key (32 bytes, base64url): announcements and the roster must carry its signature. */
  hostKey: string;
  /** This invite's own key (32 bytes, base64url): proves the invite to the host's engine. */
  key: string;
}

/** Why an invite code was refused. */
export type InviteCodeProblem = 'not-an-invite' | 'damaged' | 'newer-version' | 'older-version' | 'expired';

/** An invite code or link that cannot be used; the message says what to do (and never carries a token or secret). */
export class InviteCodeError extends EngineCommandError {
  override name = 'InviteCodeError';

  constructor(
    readonly problem: InviteCodeProblem,
    message: string,
  ) {
    super(message);
  }
}

const NOT_AN_INVITE =
  'This is not a Steadycast invite: paste the whole link the host sent you (it starts with steadycast://join/) or the invite code.';
const TOO_LONG = 'This is longer than any invite code: paste only the link or code.';
const DAMAGED =
  'This invite code is damaged (part of it is missing or was changed): ask the host to send it again and copy the whole link.';
const NEWER_VERSION = 'This invite was made by a newer version of Steadycast: update Steadycast, then open the invite again.';
const OLDER_VERSION =
  'This invite was made by an older version of Steadycast, whose invites are no longer accepted: ask the host for a new invite.';

function isWsUrl(value: string): boolean {
  try {
    return /^wss?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

const InviteEndpointSchema = z.strictObject({
  janusUrl: z.string().max(2048).refine(isWsUrl, 'must be a ws:// or wss:// URL'),
  janusToken: z.string().min(1).max(512).optional(),
  room: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  pin: z.string().min(1).max(64).optional(),
});

const InvitePayloadSchema = z
  .strictObject({
    id: z.string().min(1).max(64),
    space: z.string().min(1).max(200),
    role: RoleSchema.exclude(['host']),
    token: z.string().min(1).max(256),
    createdAt: z.number().nonnegative(),
    expiresAt: z.number().nonnegative(),
    endpoints: z.strictObject({ primary: InviteEndpointSchema, backup: InviteEndpointSchema.optional() }),
    failover: FailoverSettingsSchema.optional(),
    hostKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/u),
    key: z.string().regex(/^[A-Za-z0-9_-]{43}$/u),
  })
  .refine((invite) => invite.expiresAt > invite.createdAt, { message: 'expires before it was created', path: ['expiresAt'] });

function checkOf(signed: string): string {
  return createHash('sha256').update(signed, 'utf8').digest().subarray(0, 8).toString('base64url');
}

/** Encodes an invite as a code to paste or to put in a link; throws if it would not fit in one. */
export function encodeInvite(payload: InvitePayload): string {
  const parsed = InvitePayloadSchema.safeParse(payload);
  if (!parsed.success) {
    // A bug, not a user error: the book builds payloads from a validated config. Paths only, no values.
    throw new Error(
      `invalid invite payload: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ')}`,
    );
  }
  const signed = `sc${INVITE_CODE_VERSION}.${Buffer.from(JSON.stringify(parsed.data), 'utf8').toString('base64url')}`;
  const code = `${signed}.${checkOf(signed)}`;
  if (inviteLink(code).length > MAX_INVITE_CODE_LENGTH) {
    throw new EngineCommandError(
      `This invite would be ${inviteLink(code).length} characters long, more than the ${MAX_INVITE_CODE_LENGTH} an invite may have: shorten the space name, Janus URLs or secrets in the space settings.`,
    );
  }
  return code;
}

/** The deep link of a code: `steadycast://join/<code>`. */
export function inviteLink(code: string): string {
  return `${INVITE_LINK_PREFIX}${code}`;
}

const WRAPPING_START = /^[<"'`([{\u201C\u2018\u00AB]+/;
const WRAPPING_END = /[>"'`)\]}\u201D\u2019\u00BB.,;:!?]+$/;

/** Strips what mail and chat apps add around a pasted code: whitespace (also inside), quotes, brackets, a final full stop. */
function unwrap(text: string): string {
  return text
    .replace(/[\s\u200B-\u200D\u2060\uFEFF]+/g, '')
    .replace(WRAPPING_START, '')
    .replace(WRAPPING_END, '');
}

/** The code inside a pasted link or code, and whether it came as a `steadycast:` link. */
function extractCode(input: string): { code: string; viaLink: boolean } {
  let text = unwrap(input);
  try {
    text = unwrap(decodeURIComponent(text));
  } catch {
    // A stray `%` is left as it is: the check below reports the code damaged.
  }
  const viaLink = /^steadycast(?::|$)/i.test(text);
  if (!viaLink && !/^[a-z][a-z0-9+-]*:\/\//i.test(text)) return { code: text, viaLink };
  // A link: the code is its last path segment (`steadycast://join/<code>/` may have a trailing slash).
  const path = text.replace(/^[a-z][a-z0-9+-]*:/i, '').replace(/\/+$/, '');
  return { code: path.slice(path.lastIndexOf('/') + 1).replace(WRAPPING_END, ''), viaLink };
}

/**
 * Whether text that failed to decode was meant as an invite (then it is damaged) or is something
 * else (then it is not an invite): a `steadycast:` link, the version marker `sc<digit>` at the
 * start, or the body's start (`ey`, base64 of `{"`) right after a short prefix. A character changed
 * or lost in the prefix leaves the body's start in place; anywhere else it leaves the marker.
 */
function meantAsInvite(code: string, viaLink: boolean): boolean {
  return viaLink || /^sc\d/.test(code) || /^.{2,3}\.ey/.test(code);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a pasted invite code or link and checks it can be used at `now`.
 * Throws {@link InviteCodeError} (an {@link EngineCommandError}) when it is not an invite, is damaged,
 * was made by a newer Steadycast, or has expired.
 */
export function decodeInvite(input: string, now: number): InvitePayload {
  const { code, viaLink } = extractCode(input);
  if (code.length > MAX_INVITE_CODE_LENGTH) throw new InviteCodeError('not-an-invite', TOO_LONG);
  if (code.length === 0 || !meantAsInvite(code, viaLink)) {
    throw new InviteCodeError(viaLink ? 'damaged' : 'not-an-invite', viaLink ? DAMAGED : NOT_AN_INVITE);
  }
  const damaged = (): InviteCodeError => new InviteCodeError('damaged', DAMAGED);
  const parts = code.split('.');
  if (parts.length !== 3) throw damaged();
  const [prefix = '', body = '', check = ''] = parts;
  if (!/^sc[1-9]\d{0,5}$/.test(prefix) || !BASE64URL.test(body) || check.length !== CHECK_LENGTH || !BASE64URL.test(check)) throw damaged();
  if (checkOf(`${prefix}.${body}`) !== check) throw damaged();
  if (Number(prefix.slice(2)) > INVITE_CODE_VERSION) throw new InviteCodeError('newer-version', NEWER_VERSION);
  if (Number(prefix.slice(2)) < INVITE_CODE_VERSION) throw new InviteCodeError('older-version', OLDER_VERSION);
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(Buffer.from(body, 'base64url')));
  } catch {
    throw damaged();
  }
  const parsed = InvitePayloadSchema.safeParse(json);
  if (!parsed.success) throw damaged();
  const invite: InvitePayload = parsed.data;
  if (now >= invite.expiresAt) {
    throw new InviteCodeError(
      'expired',
      `This invite expired at ${new Date(invite.expiresAt).toISOString()}: ask the host for a new invite.`,
    );
  }
  return invite;
}

/** What a joining user sees of an invite before joining (no token, no secrets). */
export function previewOf(payload: InvitePayload): InvitePreview {
  return {
    id: payload.id,
    space: payload.space,
    role: payload.role,
    expiresAt: payload.expiresAt,
    endpoints: payload.endpoints.backup === undefined ? ['primary'] : ['primary', 'backup'],
    servers: (['primary', 'backup'] as const).flatMap((endpoint) => {
      const janusUrl = payload.endpoints[endpoint]?.janusUrl;
      return janusUrl === undefined ? [] : [{ endpoint, ...serverOf(janusUrl) }];
    }),
  };
}

/** The host:port of a Janus URL as a preview shows it (never its path, query or credentials). */
function serverOf(janusUrl: string): { janus: string; secure: boolean } {
  try {
    const url = new URL(janusUrl);
    return { janus: url.host.slice(0, 300), secure: url.protocol === 'wss:' };
  } catch {
    return { janus: '(not a URL)', secure: false };
  }
}
