import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { commandSchemas, type CommandPayload } from '../../shared/contract';
import type { InviteSummary } from '../../shared/conversation';
import type { Clock } from '../clock';
import type { EndpointConfig, EngineConfig } from '../config';
import { EngineCommandError } from '../engine-errors';
import type { Logger } from '../log/logger';
import { describeError } from '../../shared/describe-error';
import { signJanusToken } from '../janus/janus-token';
import { encodeInvite, inviteLink, type InviteEndpoint, type InvitePayload } from './invite-code';
import { hostKeyOf, inviteKeyOf } from './space-keys';
import type { FailoverSettings } from '../../shared/failover';

/*
 * The host's invites: who may join the space's rooms. Each invite is a token in the rooms'
 * allowed lists; the book remembers which tokens are still good, and which expired tokens the
 * engine still has to take out of the rooms. With a file, every change is written at once
 * (atomically, mode 0600: the file holds tokens). Tokens and secrets never reach the log.
 */

/** Most invites a book keeps (the contract's `invites:list` carries at most this many). */
export const MAX_INVITES = 500;

/** The invites file format this build writes and reads. */
export const INVITES_FILE_VERSION = 1;

const StoredInviteSchema = z.strictObject({
  id: z.string().min(1).max(64),
  role: z.enum(['cohost', 'producer']),
  label: z.string().max(200),
  createdAt: z.number(),
  expiresAt: z.number(),
  token: z.string().min(1).max(256),
  /** When the host revoked it; null while not revoked. */
  revokedAt: z.number().nullable(),
  /** True once `takeExpiredTokens` has handed its token out for removal from the rooms. */
  expiryTaken: z.boolean(),
});
type StoredInvite = z.infer<typeof StoredInviteSchema>;

const InvitesFileSchema = z
  .strictObject({
    version: z.literal(INVITES_FILE_VERSION),
    // Larger than the cap so that a file from a build with a higher cap still loads (and is trimmed).
    invites: z.array(StoredInviteSchema).max(MAX_INVITES * 20),
  })
  .refine((file) => new Set(file.invites.map((invite) => invite.id)).size === file.invites.length, 'two invites have the same id')
  .refine((file) => new Set(file.invites.map((invite) => invite.token)).size === file.invites.length, 'two invites have the same token');

/** What a book is built from. */
export interface InviteBookOptions {
  clock: Clock;
  /** Where the invites are kept; without it they live in memory only. */
  file?: string | undefined;
  logger: Logger;
  /** New invite tokens (default: 24 random bytes, base64url). */
  randomToken?: () => string;
}

/** A new invite: its summary, the code and link to send, and the token to allow in the rooms. */
export interface CreatedInvite {
  invite: InviteSummary;
  code: string;
  link: string;
  token: string;
}

const defaultToken = (): string => randomBytes(24).toString('base64url');
const randomId = (): string => randomBytes(8).toString('base64url').slice(0, 10);

/** The host's invites of one space, optionally kept in a file. */
export class InviteBook {
  /** Oldest first (the order they were created in). */
  private invites: StoredInvite[] = [];
  /** Null when there is no file, or the file cannot be used safely (see `load`). */
  private file: string | null;
  private readonly randomToken: () => string;

  constructor(private readonly options: InviteBookOptions) {
    this.file = options.file ?? null;
    this.randomToken = options.randomToken ?? defaultToken;
    if (this.file !== null) this.load(this.file);
  }

  /** Creates an invite for `space` (its primary room, and its backup room when it has one) carrying the space's failover rule. */
  create(request: CommandPayload<'invites:create'>, space: EngineConfig['space'], failover: FailoverSettings): CreatedInvite {
    const parsed = commandSchemas['invites:create'].payload.safeParse(request);
    if (!parsed.success) {
      throw new EngineCommandError(
        'The invite request is not valid: choose co-host or producer, a label of at most 200 characters and an expiry between 1 minute and 30 days.',
      );
    }
    const { role, label, expiresInMinutes } = parsed.data;
    const primary = space.primary;
    if (primary?.janus.room === undefined) {
      throw new EngineCommandError(
        'The primary endpoint has no conversation room, so nobody can be invited: add janus.room { id, secret } to the primary endpoint in the space settings.',
      );
    }
    const now = this.options.clock.now();
    const record: StoredInvite = {
      id: this.newId(),
      role,
      label,
      createdAt: now,
      expiresAt: now + expiresInMinutes * 60_000,
      token: this.newToken(),
      revokedAt: null,
      expiryTaken: false,
    };
    const hostKey = hostKeyOf(space);
    const key = inviteKeyOf(space, record.id);
    if (hostKey === null || key === null) throw new Error('an invite needs the primary room (checked above)');
    const backup = space.backup?.janus.room === undefined ? undefined : endpointOf(space.backup, record.expiresAt, 'backup');
    const payload: InvitePayload = {
      id: record.id,
      space: space.name,
      role,
      token: record.token,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      endpoints:
        backup === undefined
          ? { primary: endpointOf(primary, record.expiresAt, 'primary') }
          : { primary: endpointOf(primary, record.expiresAt, 'primary'), backup },
      failover,
      hostKey: hostKey.publicKey,
      key,
    };
    const code = encodeInvite(payload);
    const before = this.invites;
    const kept = pruned(before, now, MAX_INVITES - 1);
    if (kept.length >= MAX_INVITES) {
      throw new EngineCommandError(
        `There are already ${kept.length} active invites, the most a space can have: revoke some you no longer need, then create this one.`,
      );
    }
    this.invites = [...kept, record];
    try {
      this.save();
    } catch (error) {
      // Never hand out a token the book could forget: it would stay allowed in the rooms after a restart.
      this.invites = before;
      throw new EngineCommandError(
        `Could not save the new invite to ${this.file ?? 'the invites file'} (${describeError(error)}): check that the disk has space and the folder is writable, then try again.`,
      );
    }
    return { invite: this.summaryOf(record, now), code, link: inviteLink(code), token: record.token };
  }

  /** Revokes an invite; revoking it again is harmless and returns the same summary. */
  revoke(id: string): InviteSummary {
    const record = this.invites.find((invite) => invite.id === id);
    if (record === undefined) throw new EngineCommandError(`No invite with id ${id}: refresh the invite list, it may have been removed.`);
    const now = this.options.clock.now();
    if (record.revokedAt === null) {
      record.revokedAt = now;
      this.saveOrLog();
    }
    return this.summaryOf(record, now);
  }

  /** The token of a known invite, whatever its status (to take it out of the rooms); null for an unknown id. */
  tokenOf(id: string): string | null {
    return this.invites.find((invite) => invite.id === id)?.token ?? null;
  }

  /** Every invite, newest first, with its status now (at most {@link MAX_INVITES}). */
  list(): InviteSummary[] {
    const now = this.options.clock.now();
    return this.invites
      .slice(-MAX_INVITES)
      .map((invite) => this.summaryOf(invite, now))
      .reverse();
  }

  /** Tokens of the active invites: what the rooms' allowed lists must hold. */
  tokensToAllow(): string[] {
    const now = this.options.clock.now();
    return this.invites.filter((invite) => statusOf(invite, now) === 'active').map((invite) => invite.token);
  }

  /**
   * Tokens whose invites have run out and that this method has not returned before, for the
   * engine to take out of the rooms. Revoked invites are included once their time is up too: a
   * second chance if taking the token out at revocation failed.
   */
  takeExpiredTokens(): string[] {
    const now = this.options.clock.now();
    const due = this.invites.filter((invite) => !invite.expiryTaken && now >= invite.expiresAt);
    if (due.length === 0) return [];
    for (const invite of due) invite.expiryTaken = true;
    this.saveOrLog();
    return due.map((invite) => invite.token);
  }

  /** Gives back tokens from {@link takeExpiredTokens} that could not be taken out of the rooms, so the next call returns them again. */
  returnExpiredTokens(tokens: readonly string[]): void {
    const returned = new Set(tokens);
    const invites = this.invites.filter((invite) => invite.expiryTaken && returned.has(invite.token));
    if (invites.length === 0) return;
    for (const invite of invites) invite.expiryTaken = false;
    this.saveOrLog();
  }

  /** When the next token falls due for {@link takeExpiredTokens}, or null when none is waiting to expire. */
  nextExpiry(): number | null {
    const now = this.options.clock.now();
    let next: number | null = null;
    for (const invite of this.invites) {
      if (!invite.expiryTaken && invite.expiresAt > now && (next === null || invite.expiresAt < next)) next = invite.expiresAt;
    }
    return next;
  }

  /** Whether {@link takeExpiredTokens} has tokens to return now. */
  hasPendingExpired(): boolean {
    const now = this.options.clock.now();
    return this.invites.some((invite) => !invite.expiryTaken && now >= invite.expiresAt);
  }

  /** The role of an invite that is active now (not revoked, not expired), or null. */
  activeRole(id: string): 'cohost' | 'producer' | null {
    const invite = this.invites.find((candidate) => candidate.id === id);
    return invite !== undefined && statusOf(invite, this.options.clock.now()) === 'active' ? invite.role : null;
  }

  /** The invite a token belongs to, or null. */
  inviteIdOfToken(token: string): string | null {
    return this.invites.find((invite) => invite.token === token)?.id ?? null;
  }

  private summaryOf(invite: StoredInvite, now: number): InviteSummary {
    return {
      id: invite.id,
      role: invite.role,
      label: invite.label,
      createdAt: invite.createdAt,
      expiresAt: invite.expiresAt,
      status: statusOf(invite, now),
    };
  }

  private newId(): string {
    for (;;) {
      const id = randomId();
      if (!this.invites.some((invite) => invite.id === id)) return id;
    }
  }

  private newToken(): string {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const token = this.randomToken();
      if (token.length > 0 && !this.invites.some((invite) => invite.token === token)) return token;
    }
    throw new Error('the random token source keeps returning tokens already in use');
  }

  /**
   * Reads the file. A missing file is an empty book. A file that cannot be read or parsed is
   * moved aside (kept for the host to inspect) and the book starts empty; if it cannot even be
   * moved, or a newer Steadycast wrote it, the book leaves it alone and stays in memory only,
   * so that nothing ever overwrites invites it could not read.
   */
  private load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.setAside(file, `could not be read (${describeError(error)})`);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // JSON.parse quotes the text in its message, and the text holds tokens: say only what failed.
      this.setAside(file, 'is not valid JSON');
      return;
    }
    const version = (json as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && version > INVITES_FILE_VERSION) {
      this.file = null;
      this.options.logger.error(
        `invites file ${file} was written by a newer version of Steadycast (format ${version}); left it as it is. Invites made now are kept in memory only: update Steadycast to keep them.`,
      );
      return;
    }
    const parsed = InvitesFileSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
      this.setAside(file, `is not a valid invites file (${problems.join('; ')})`);
      return;
    }
    const now = this.options.clock.now();
    this.invites = pruned(
      parsed.data.invites.toSorted((a, b) => a.createdAt - b.createdAt),
      now,
      MAX_INVITES,
    );
    this.options.logger.info(`loaded ${this.invites.length} invite(s) from ${file}`);
  }

  private setAside(file: string, problem: string): void {
    const stamp = new Date(this.options.clock.now()).toISOString().replace(/[:.]/g, '-');
    let aside = `${file}.corrupt-${stamp}`;
    for (let n = 2; existsSync(aside); n += 1) aside = `${file}.corrupt-${stamp}-${n}`;
    try {
      renameSync(file, aside);
    } catch (error) {
      this.file = null;
      this.options.logger.error(
        `invites file ${file} ${problem}, and it could not be moved aside (${describeError(error)}); left it as it is. Invites made now are kept in memory only: move or repair the file, then restart Steadycast.`,
      );
      return;
    }
    this.options.logger.error(
      `invites file ${file} ${problem}; kept it as ${aside} and started with no invites (the invites made before no longer show in the list).`,
    );
  }

  /** Writes the whole book: a temporary file first, then a rename, so a crash never leaves half a file. */
  private save(): void {
    const file = this.file;
    if (file === null) return;
    const text = `${JSON.stringify({ version: INVITES_FILE_VERSION, invites: this.invites }, null, 2)}\n`;
    const temporary = `${file}.tmp-${process.pid}`;
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    rmSync(temporary, { force: true });
    const descriptor = openSync(temporary, 'wx', 0o600);
    try {
      const bytes = Buffer.from(text, 'utf8');
      let offset = 0;
      while (offset < bytes.byteLength) offset += writeSync(descriptor, bytes, offset, bytes.byteLength - offset);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    try {
      renameSync(temporary, file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }

  private saveOrLog(): void {
    try {
      this.save();
    } catch (error) {
      // The change holds in memory (revoking and retiring tokens only ever allow less); the next write retries.
      this.options.logger.error(`could not save the invites to ${this.file ?? 'the invites file'}`, error);
    }
  }
}

function statusOf(invite: StoredInvite, now: number): InviteSummary['status'] {
  if (invite.revokedAt !== null) return 'revoked';
  return now >= invite.expiresAt ? 'expired' : 'active';
}

/**
 * What an invite says of one endpoint. Never the API secret, the admin key or the room secret (a
 * producer moderates through the host's engine: docs/security.md). Where the server
 * checks tokens, a signed token that Janus refuses after the invite's expiry stands in for them.
 */
function endpointOf(config: EndpointConfig, expiresAt: number, name: string): InviteEndpoint {
  const room = config.janus.room;
  if (room === undefined) throw new Error('endpointOf needs an endpoint with a room');
  const { apiSecret, tokenSecret } = config.janus;
  if (apiSecret !== undefined && tokenSecret === undefined) {
    throw new EngineCommandError(
      `The ${name} Janus needs an API secret, which invites never carry: turn on token_auth with a token_auth_secret in its janus.jcfg and give the same secret as janus.tokenSecret in the space settings, so invites carry a signed token that expires with them.`,
    );
  }
  const endpoint: InviteEndpoint = { janusUrl: config.janus.url, room: room.id };
  if (tokenSecret !== undefined) endpoint.janusToken = signJanusToken(tokenSecret, expiresAt);
  if (room.pin !== undefined) endpoint.pin = room.pin;
  return endpoint;
}

/**
 * At most `limit` invites where possible, dropping inactive ones oldest first: those whose tokens
 * need nothing more (taken after expiry) before the others. Active invites are never dropped,
 * since their tokens are still allowed in the rooms.
 */
function pruned(invites: readonly StoredInvite[], now: number, limit: number): StoredInvite[] {
  if (invites.length <= limit) return [...invites];
  const droppable = invites
    .filter((invite) => statusOf(invite, now) !== 'active')
    .toSorted((a, b) => Number(b.expiryTaken) - Number(a.expiryTaken) || a.createdAt - b.createdAt);
  const dropped = new Set(droppable.slice(0, invites.length - limit));
  return invites.filter((invite) => !dropped.has(invite));
}
