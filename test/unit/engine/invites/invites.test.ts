import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineConfigSchema, type EngineConfig } from '../../../../electron/engine/config';
import { EngineCommandError } from '../../../../electron/engine/engine-errors';
import { InviteBook, MAX_INVITES } from '../../../../electron/engine/invites/invite-book';
import {
  decodeInvite,
  encodeInvite,
  InviteCodeError,
  inviteLink,
  previewOf,
  type InvitePayload,
} from '../../../../electron/engine/invites/invite-code';
import { hostKeyOf, inviteKeyOf } from '../../../../electron/engine/invites/space-keys';
import { janusTokenExpiry, signJanusToken } from '../../../../electron/engine/janus/janus-token';
import { type Logger } from '../../../../electron/engine/log/logger';
import { describeError } from '../../../../electron/shared/describe-error';
import { INVITE_LINK_PREFIX, MAX_INVITE_CODE_LENGTH } from '../../../../electron/shared/conversation';
import { DEFAULT_FAILOVER_SETTINGS } from '../../../../electron/engine/failover/failover-controller';
import { FakeClock } from '../../../fakes/fake-clock';

/** The failover rule the invites carry in these tests: a host's own, not the defaults. */
const RULE = { ...DEFAULT_FAILOVER_SETTINGS, thresholdMs: 4500 };

const MINUTE = 60_000;
const PRIMARY_SECRET = 'primary-room-secret';
const BACKUP_SECRET = 'backup-room-secret';
const API_SECRET = 'janus-api-secret';
const TOKEN_SECRET = 'janus-token-auth-secret';
const HOST_KEY = 'A'.repeat(43);
const INVITE_KEY = 'B'.repeat(43);

/** A logger that keeps every line, for assertions on what was (and was not) logged. */
class RecordingLogger implements Logger {
  constructor(readonly lines: { level: string; message: string }[] = []) {}
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string, cause?: unknown): void {
    this.lines.push({ level: 'error', message: cause === undefined ? message : `${message}: ${describeError(cause)}` });
  }
  child(): Logger {
    return this;
  }
  text(): string {
    return this.lines.map((line) => line.message).join('\n');
  }
}

function space(options: { backup?: 'none' | 'without-room' | 'with-room'; primaryRoom?: boolean } = {}): EngineConfig['space'] {
  const endpoint = (host: string, secret: string, withRoom: boolean): object => ({
    janus: {
      url: `wss://${host}:8989/janus`,
      apiSecret: API_SECRET,
      tokenSecret: TOKEN_SECRET,
      ...(withRoom ? { room: { id: 1234, secret, pin: '4321' } } : {}),
    },
    icecast: { mountUrl: `http://source:pw@${host}:8000/live.opus` },
  });
  const backup = options.backup ?? 'with-room';
  return EngineConfigSchema.parse({
    space: {
      name: 'Late Night Talk',
      primary: endpoint('janus-a.example.org', PRIMARY_SECRET, options.primaryRoom ?? true),
      ...(backup === 'none' ? {} : { backup: endpoint('janus-b.example.org', BACKUP_SECRET, backup === 'with-room') }),
    },
  }).space;
}

function payload(overrides: Partial<InvitePayload> = {}): InvitePayload {
  return {
    id: 'AbCdEfGhIj',
    space: 'Late Night Talk',
    role: 'cohost',
    token: 'tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0',
    createdAt: 1_700_000_000_000,
    expiresAt: 1_700_000_000_000 + 60 * MINUTE,
    endpoints: {
      primary: {
        janusUrl: 'wss://janus-a.example.org:8989/janus',
        janusToken: '1700003600,janus,janus.plugin.audiobridge:c2lnbmF0dXJl',
        room: 1234,
        pin: '4321',
      },
      backup: { janusUrl: 'ws://janus-b.example.org:8188', room: 99 },
    },
    hostKey: HOST_KEY,
    key: INVITE_KEY,
    ...overrides,
  };
}

/** Builds a code with a correct check around any body, to test what the check alone cannot catch. */
function signedCode(prefix: string, json: string): string {
  const signed = `${prefix}.${Buffer.from(json, 'utf8').toString('base64url')}`;
  return `${signed}.${createHash('sha256').update(signed).digest().subarray(0, 8).toString('base64url')}`;
}

/** The refusal `decodeInvite` throws for `input`, or a failure when it decodes. */
function refusal(input: string, now = 1_700_000_000_000): InviteCodeError {
  try {
    decodeInvite(input, now);
  } catch (error) {
    expect(error).toBeInstanceOf(InviteCodeError);
    expect(error).toBeInstanceOf(EngineCommandError);
    return error as InviteCodeError;
  }
  throw new Error(`decoded ${JSON.stringify(input.slice(0, 40))}… although it should have been refused`);
}

let counter = 0;
const sequentialTokens = (): string => `token-${String(++counter).padStart(4, '0')}-${'x'.repeat(20)}`;

describe('invite codes', () => {
  const now = 1_700_000_000_000;
  const invite = payload();
  const code = encodeInvite(invite);

  it('round-trips as a bare code, as a link, and as pasted by mail and chat apps', () => {
    expect(code).toMatch(/^sc2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{11}$/);
    expect(inviteLink(code)).toBe(`steadycast://join/${code}`);
    const wrapped = code.replace(/(.{50})/g, '$1\n');
    const pastes = [
      code,
      inviteLink(code),
      `  ${code}\n`,
      wrapped,
      `${INVITE_LINK_PREFIX}${wrapped}`,
      `\t${inviteLink(code)}/\r\n`,
      encodeURIComponent(inviteLink(code)),
      `${INVITE_LINK_PREFIX}${code.replaceAll('.', '%2E')}`,
      `<${inviteLink(code)}>`,
      `"${inviteLink(code)}"`,
      `'${code}'`,
      `${inviteLink(code)}.`,
      `STEADYCAST://join/${code}`,
    ];
    for (const paste of pastes) expect(decodeInvite(paste, now), paste.slice(0, 30)).toEqual(invite);
  });

  it('stays well under the longest code accepted, even with two endpoints and every secret', () => {
    const full = payload({
      role: 'producer',
      space: 'S'.repeat(200),
      endpoints: {
        primary: {
          janusUrl: 'wss://janus-primary.broadcaster.example.org:8989/janus',
          janusToken: `9999999999,janus,janus.plugin.audiobridge,janus.plugin.textroom:${'a'.repeat(28)}`,
          room: Number.MAX_SAFE_INTEGER,
          pin: 'p'.repeat(64),
        },
        backup: {
          janusUrl: 'wss://janus-backup.broadcaster.example.org:8989/janus',
          janusToken: `9999999999,janus,janus.plugin.audiobridge,janus.plugin.textroom:${'b'.repeat(28)}`,
          room: 1,
          pin: 'q'.repeat(64),
        },
      },
    });
    expect(inviteLink(encodeInvite(full)).length).toBeLessThan(MAX_INVITE_CODE_LENGTH / 2);
    expect(decodeInvite(encodeInvite(full), now)).toEqual(full);
  });

  it('refuses to encode an invite that would not fit, saying what to shorten', () => {
    const huge = payload({
      endpoints: {
        primary: { janusUrl: `wss://janus.example.org/${'x'.repeat(2000)}`, room: 1, janusToken: 'y'.repeat(500) },
        backup: { janusUrl: `wss://janus.example.org/${'z'.repeat(2000)}`, room: 2 },
      },
    });
    expect(() => encodeInvite(huge)).toThrow(/shorten the space name, Janus URLs or secrets/);
  });

  it('reports one changed character anywhere in the code as damage', () => {
    const replacements = [
      (c: string): string => (c === 'A' ? 'B' : 'A'),
      () => '.',
      () => '!',
      () => '%',
      () => ':',
      () => '/',
      () => '<',
      () => ' ',
    ];
    for (const replace of replacements) {
      for (let index = 0; index < code.length; index += 1) {
        const changed = code.slice(0, index) + replace(code.charAt(index)) + code.slice(index + 1);
        if (changed === code) continue;
        for (const paste of [changed, inviteLink(changed)]) {
          const error = refusal(paste, now);
          expect(error.problem, `${paste.slice(0, 20)} (position ${index})`).toBe('damaged');
        }
      }
    }
    expect(refusal(code.replace('sc2.', 'sc3.').slice(0, -1), now).message).toBe(
      'This invite code is damaged (part of it is missing or was changed): ask the host to send it again and copy the whole link.',
    );
  });

  it('reports a truncated copy as damage, however short', () => {
    for (let length = 3; length < code.length; length += 1) {
      expect(refusal(code.slice(0, length), now).problem, `first ${length} characters`).toBe('damaged');
    }
    const link = inviteLink(code);
    for (let length = 'steadycast:'.length; length < link.length; length += 1) {
      expect(refusal(link.slice(0, length), now).problem, `first ${length} characters of the link`).toBe('damaged');
    }
    expect(refusal(`${code}${code}`, now).problem).toBe('damaged');
  });

  it('reports damage that keeps the check intact: not JSON, not an invite payload, a bad URL or room', () => {
    const bad = [
      'not json at all',
      JSON.stringify({ ...invite, extra: true }),
      JSON.stringify({ ...invite, role: 'host' }),
      JSON.stringify({ ...invite, expiresAt: invite.createdAt - 1 }),
      JSON.stringify({ ...invite, endpoints: { primary: { ...invite.endpoints.primary, janusUrl: 'http://janus.example.org' } } }),
      JSON.stringify({ ...invite, endpoints: { primary: { ...invite.endpoints.primary, room: 0 } } }),
      JSON.stringify({ ...invite, endpoints: { primary: { ...invite.endpoints.primary, room: 1.5 } } }),
      JSON.stringify({ ...invite, endpoints: { primary: { ...invite.endpoints.primary, room: Number.MAX_SAFE_INTEGER + 2 } } }),
      JSON.stringify({ ...invite, createdAt: '1700000000000' }),
      JSON.stringify({ ...invite, endpoints: { primary: { ...invite.endpoints.primary, roomSecret: PRIMARY_SECRET } } }),
    ];
    for (const json of bad) expect(refusal(signedCode('sc2', json), now).problem, json.slice(0, 60)).toBe('damaged');
    expect(
      refusal(
        signedCode('sc2', JSON.stringify({ ...invite, endpoints: { primary: { ...invite.endpoints.primary, apiSecret: API_SECRET } } })),
        now,
      ).problem,
    ).toBe('damaged');
    expect(refusal(signedCode('sc2', JSON.stringify({ ...invite, hostKey: 'short' })), now).problem).toBe('damaged');
    expect(decodeInvite(signedCode('sc2', JSON.stringify(invite)), now)).toEqual(invite);
  });

  it('says when a code comes from a newer Steadycast', () => {
    const error = refusal(signedCode('sc3', JSON.stringify({ something: 'new' })), now);
    expect(error.problem).toBe('newer-version');
    expect(error.message).toMatch(/newer version of Steadycast: update Steadycast/);
  });

  it('refuses a version 1 code (it carried server secrets), asking for a new invite', () => {
    const error = refusal(
      signedCode(
        'sc1',
        JSON.stringify({ ...invite, endpoints: { primary: { janusUrl: 'wss://janus.example.org', apiSecret: API_SECRET, room: 7 } } }),
      ),
      now,
    );
    expect(error.problem).toBe('older-version');
    expect(error.message).toBe(
      'This invite was made by an older version of Steadycast, whose invites are no longer accepted: ask the host for a new invite.',
    );
  });

  it('says when something is not an invite at all', () => {
    const foreign = [
      'hello',
      'Hey, can you join my space tomorrow at 7?',
      'https://example.org/join/abc',
      'sc',
      '12345',
      '{"id":"x"}',
      '???',
      'mailto:someone@example.org',
    ];
    for (const text of foreign) {
      const error = refusal(text, now);
      expect(error.problem, text).toBe('not-an-invite');
      expect(error.message).toBe(
        'This is not a Steadycast invite: paste the whole link the host sent you (it starts with steadycast://join/) or the invite code.',
      );
    }
    expect(refusal('x'.repeat(MAX_INVITE_CODE_LENGTH + 1), now).message).toMatch(/longer than any invite code/);
  });

  it('refuses an expired invite, saying when it expired', () => {
    expect(decodeInvite(code, invite.expiresAt - 1).id).toBe(invite.id);
    const error = refusal(code, invite.expiresAt);
    expect(error.problem).toBe('expired');
    expect(error.message).toBe(`This invite expired at ${new Date(invite.expiresAt).toISOString()}: ask the host for a new invite.`);
    expect(error.message).toContain('2023-11-14T23:13:20.000Z');
  });

  it('never puts the token or a secret in a message', () => {
    const secretive = payload({
      role: 'producer',
      endpoints: { primary: { janusUrl: 'wss://janus.example.org', room: 7, janusToken: API_SECRET, pin: '9876' } },
    });
    const secretiveCode = encodeInvite(secretive);
    const messages = [
      refusal(secretiveCode, secretive.expiresAt + 1).message,
      refusal(secretiveCode.slice(0, -1), now).message,
      refusal(secretiveCode.replace('sc2', 'sc3'), now).message,
      refusal(signedCode('sc2', JSON.stringify({ ...secretive, role: 'boss' })), now).message,
    ];
    expect(messages).toHaveLength(4);
    for (const message of messages) {
      for (const secret of [secretive.token, API_SECRET, PRIMARY_SECRET, '9876']) expect(message).not.toContain(secret);
    }
  });

  it('previews an invite without its token or secrets', () => {
    expect(previewOf(invite)).toEqual({
      id: invite.id,
      space: 'Late Night Talk',
      role: 'cohost',
      expiresAt: invite.expiresAt,
      endpoints: ['primary', 'backup'],
      // Where the invite leads, host and port only (issue 19: a forged invite shows a foreign server).
      servers: [
        { endpoint: 'primary', janus: 'janus-a.example.org:8989', secure: true },
        { endpoint: 'backup', janus: 'janus-b.example.org:8188', secure: false },
      ],
    });
    expect(previewOf(payload({ endpoints: { primary: invite.endpoints.primary } })).endpoints).toEqual(['primary']);
    expect(JSON.stringify(previewOf(invite))).not.toContain(invite.token);
  });
});

describe('InviteBook', () => {
  let clock: FakeClock;
  let logger: RecordingLogger;

  beforeEach(() => {
    clock = new FakeClock();
    logger = new RecordingLogger();
  });

  const book = (file?: string): InviteBook => new InviteBook({ clock, logger, file, randomToken: sequentialTokens });

  it('gives no invite a room secret, API secret or token secret: a Janus token that expires with it instead', () => {
    const invites = book();
    const cohost = decodeInvite(invites.create({ role: 'cohost', label: 'Sam', expiresInMinutes: 60 }, space(), RULE).link, clock.now());
    // The space's failover rule travels with it: the guest's app moves when the host's does.
    expect(cohost.failover).toEqual(RULE);
    expect(cohost.role).toBe('cohost');
    const token = signJanusToken(TOKEN_SECRET, cohost.expiresAt);
    expect(cohost.endpoints.primary).toEqual({
      janusUrl: 'wss://janus-a.example.org:8989/janus',
      janusToken: token,
      room: 1234,
      pin: '4321',
    });
    expect(cohost.endpoints.backup).toEqual({
      janusUrl: 'wss://janus-b.example.org:8989/janus',
      janusToken: token,
      room: 1234,
      pin: '4321',
    });
    expect(janusTokenExpiry(token)).toBe(cohost.expiresAt);
    for (const secret of [PRIMARY_SECRET, BACKUP_SECRET, API_SECRET, TOKEN_SECRET]) expect(JSON.stringify(cohost)).not.toContain(secret);
    expect(cohost.hostKey).toBe(hostKeyOf(space())?.publicKey);
    expect(cohost.key).toBe(inviteKeyOf(space(), cohost.id));

    const producer = decodeInvite(
      invites.create({ role: 'producer', label: 'Desk', expiresInMinutes: 60 }, space(), RULE).code,
      clock.now(),
    );
    expect(producer.role).toBe('producer');
    // A producer moderates through the host's engine: its invite carries no room secret either.
    for (const secret of [PRIMARY_SECRET, BACKUP_SECRET, API_SECRET, TOKEN_SECRET]) expect(JSON.stringify(producer)).not.toContain(secret);
  });

  it('carries the backup endpoint only when the space has a backup room', () => {
    const invites = book();
    const decode = (config: EngineConfig['space']): InvitePayload =>
      decodeInvite(invites.create({ role: 'cohost', label: '', expiresInMinutes: 5 }, config, RULE).code, clock.now());
    expect(decode(space({ backup: 'with-room' })).endpoints.backup?.janusUrl).toBe('wss://janus-b.example.org:8989/janus');
    expect(decode(space({ backup: 'without-room' })).endpoints).not.toHaveProperty('backup');
    expect(decode(space({ backup: 'none' })).endpoints).not.toHaveProperty('backup');
    expect(previewOf(decode(space({ backup: 'none' }))).endpoints).toEqual(['primary']);
  });

  it('carries what the host created: id, space, role, token, times', () => {
    const invites = book();
    const created = invites.create({ role: 'cohost', label: 'Guest', expiresInMinutes: 90 }, space(), RULE);
    const decoded = decodeInvite(created.code, clock.now());
    expect(created.link).toBe(`${INVITE_LINK_PREFIX}${created.code}`);
    expect(decoded).toMatchObject({
      id: created.invite.id,
      space: 'Late Night Talk',
      role: 'cohost',
      token: created.token,
      createdAt: clock.now(),
      expiresAt: clock.now() + 90 * MINUTE,
    });
    expect(created.invite).toEqual({
      id: decoded.id,
      role: 'cohost',
      label: 'Guest',
      createdAt: clock.now(),
      expiresAt: clock.now() + 90 * MINUTE,
      status: 'active',
    });
    expect(created.invite.id).toMatch(/^[A-Za-z0-9_-]{10}$/);
    expect(invites.tokenOf(created.invite.id)).toBe(created.token);
    expect(invites.inviteIdOfToken(created.token)).toBe(created.invite.id);
    expect(invites.tokenOf('nope')).toBeNull();
    expect(invites.inviteIdOfToken('nope')).toBeNull();
  });

  it('makes random 32-character tokens and distinct ids by default', () => {
    const invites = new InviteBook({ clock, logger });
    const first = invites.create({ role: 'cohost', label: '', expiresInMinutes: 5 }, space(), RULE);
    const second = invites.create({ role: 'cohost', label: '', expiresInMinutes: 5 }, space(), RULE);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first.token).not.toBe(second.token);
    expect(first.invite.id).not.toBe(second.invite.id);
  });

  it('refuses a space without a primary room, saying what to add', () => {
    expect(() => book().create({ role: 'cohost', label: '', expiresInMinutes: 5 }, space({ primaryRoom: false }), RULE)).toThrow(
      /add janus\.room \{ id, secret \} to the primary endpoint/,
    );
    expect(() => book().create({ role: 'cohost', label: '', expiresInMinutes: 5 }, { name: 'Empty' }, RULE)).toThrow(EngineCommandError);
    expect(() => book().create({ role: 'host' as 'cohost', label: '', expiresInMinutes: 5 }, space(), RULE)).toThrow(EngineCommandError);
  });

  it('lists newest first with statuses that follow the clock and revocations', () => {
    const invites = book();
    const short = invites.create({ role: 'cohost', label: 'short', expiresInMinutes: 10 }, space(), RULE);
    clock.advance(MINUTE);
    const long = invites.create({ role: 'producer', label: 'long', expiresInMinutes: 120 }, space(), RULE);
    clock.advance(MINUTE);
    const revoked = invites.create({ role: 'cohost', label: 'revoked', expiresInMinutes: 120 }, space(), RULE);
    expect(invites.list().map((invite) => [invite.label, invite.status])).toEqual([
      ['revoked', 'active'],
      ['long', 'active'],
      ['short', 'active'],
    ]);

    const summary = invites.revoke(revoked.invite.id);
    expect(summary).toEqual({ ...revoked.invite, status: 'revoked' });
    clock.advance(8 * MINUTE); // `short` expires exactly now (created at 0, +10 min)
    expect(invites.list().map((invite) => invite.status)).toEqual(['revoked', 'active', 'expired']);
    expect(invites.revoke(revoked.invite.id)).toEqual(summary);
    expect(invites.revoke(short.invite.id).status).toBe('revoked');
    expect(invites.list().find((invite) => invite.id === long.invite.id)?.status).toBe('active');
    expect(() => invites.revoke('missing-id')).toThrow('No invite with id missing-id: refresh the invite list');
  });

  it('allows only active tokens and hands out each expired token once', () => {
    const invites = book();
    const soon = invites.create({ role: 'cohost', label: '', expiresInMinutes: 5 }, space(), RULE);
    const later = invites.create({ role: 'cohost', label: '', expiresInMinutes: 30 }, space(), RULE);
    const revoked = invites.create({ role: 'producer', label: '', expiresInMinutes: 10 }, space(), RULE);
    invites.revoke(revoked.invite.id);
    expect(invites.tokensToAllow()).toEqual([soon.token, later.token]);
    expect(invites.takeExpiredTokens()).toEqual([]);

    clock.advance(5 * MINUTE);
    expect(invites.tokensToAllow()).toEqual([later.token]);
    expect(invites.takeExpiredTokens()).toEqual([soon.token]);
    expect(invites.takeExpiredTokens()).toEqual([]);

    clock.advance(25 * MINUTE);
    expect(invites.tokensToAllow()).toEqual([]);
    // The revoked invite's time is up too: its token comes once, in case its removal at revocation failed.
    expect(invites.takeExpiredTokens().toSorted()).toEqual([later.token, revoked.token].toSorted());
    expect(invites.takeExpiredTokens()).toEqual([]);
    expect(invites.list()).toHaveLength(3);
  });

  it('says when the next token falls due, and takes back tokens the rooms could not drop', () => {
    const invites = book();
    expect(invites.nextExpiry()).toBeNull();
    expect(invites.hasPendingExpired()).toBe(false);
    const soon = invites.create({ role: 'cohost', label: '', expiresInMinutes: 5 }, space(), RULE);
    const later = invites.create({ role: 'producer', label: '', expiresInMinutes: 30 }, space(), RULE);
    invites.revoke(later.invite.id);
    expect(invites.nextExpiry()).toBe(soon.invite.expiresAt);

    clock.advance(5 * MINUTE);
    expect(invites.hasPendingExpired()).toBe(true);
    expect(invites.nextExpiry()).toBe(later.invite.expiresAt);
    const taken = invites.takeExpiredTokens();
    expect(taken).toEqual([soon.token]);
    expect(invites.hasPendingExpired()).toBe(false);

    invites.returnExpiredTokens([...taken, 'unknown-token', later.token]);
    expect(invites.hasPendingExpired()).toBe(true);
    expect(invites.takeExpiredTokens()).toEqual([soon.token]);
    clock.advance(25 * MINUTE);
    expect(invites.nextExpiry()).toBeNull();
    expect(invites.takeExpiredTokens()).toEqual([later.token]);
    expect(invites.takeExpiredTokens()).toEqual([]);
  });

  it('keeps at most 500 invites, dropping the oldest inactive ones, and refuses when all are active', () => {
    const invites = book();
    const first = invites.create({ role: 'cohost', label: 'first', expiresInMinutes: 1 }, space(), RULE);
    clock.advance(1);
    const second = invites.create({ role: 'cohost', label: 'second', expiresInMinutes: 100 }, space(), RULE);
    invites.revoke(second.invite.id);
    clock.advance(MINUTE); // `first` has expired
    for (let n = 2; n < MAX_INVITES; n += 1) invites.create({ role: 'cohost', label: `n${n}`, expiresInMinutes: 100 }, space(), RULE);
    expect(invites.list()).toHaveLength(MAX_INVITES);

    invites.create({ role: 'cohost', label: 'one more', expiresInMinutes: 100 }, space(), RULE);
    expect(invites.list()).toHaveLength(MAX_INVITES);
    expect(invites.tokenOf(first.invite.id)).toBeNull();
    expect(invites.tokenOf(second.invite.id)).toBe(second.token);
    expect(invites.list()[0]?.label).toBe('one more');

    invites.create({ role: 'cohost', label: 'and another', expiresInMinutes: 100 }, space(), RULE);
    expect(invites.tokenOf(second.invite.id)).toBeNull();
    expect(() => invites.create({ role: 'cohost', label: 'too many', expiresInMinutes: 100 }, space(), RULE)).toThrow(
      /500 active invites.*revoke some/,
    );
    expect(invites.list()).toHaveLength(MAX_INVITES);
  });

  describe('with a file', () => {
    let dir: string;
    let file: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'steadycast-invites-'));
      file = join(dir, 'nested', 'invites.json');
    });

    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps the invites across restarts in a file only the user can read', () => {
      const first = book(file);
      expect(first.list()).toEqual([]);
      const kept = first.create({ role: 'cohost', label: 'Sam', expiresInMinutes: 10 }, space(), RULE);
      clock.advance(MINUTE);
      const revoked = first.create({ role: 'producer', label: 'Desk', expiresInMinutes: 60 }, space(), RULE);
      first.revoke(revoked.invite.id);

      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readdirSync(join(dir, 'nested'))).toEqual(['invites.json']);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1 });

      const second = book(file);
      expect(second.list()).toEqual(first.list());
      expect(second.list().map((invite) => invite.status)).toEqual(['revoked', 'active']);
      expect(second.tokenOf(kept.invite.id)).toBe(kept.token);
      expect(second.inviteIdOfToken(revoked.token)).toBe(revoked.invite.id);
      expect(second.tokensToAllow()).toEqual([kept.token]);
      expect(logger.text()).toContain('loaded 2 invite(s)');
    });

    it('remembers which expired tokens it already handed out', () => {
      const first = book(file);
      const soon = first.create({ role: 'cohost', label: '', expiresInMinutes: 5 }, space(), RULE);
      const later = first.create({ role: 'cohost', label: '', expiresInMinutes: 10 }, space(), RULE);
      clock.advance(5 * MINUTE);
      expect(first.takeExpiredTokens()).toEqual([soon.token]);

      const second = book(file);
      expect(second.takeExpiredTokens()).toEqual([]);
      clock.advance(5 * MINUTE);
      expect(second.takeExpiredTokens()).toEqual([later.token]);
      expect(book(file).takeExpiredTokens()).toEqual([]);
      book(file).returnExpiredTokens([soon.token]);
      expect(book(file).takeExpiredTokens()).toEqual([soon.token]);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    });

    it('keeps a corrupt file aside, logs it without its tokens, and starts empty', () => {
      const leakedToken = 'tok-that-must-not-be-logged';
      const corrupt = `{"version":1,"invites":[{"id":"a","token":"${leakedToken}"`;
      book(file).create({ role: 'cohost', label: '', expiresInMinutes: 5 }, space(), RULE);
      writeFileSync(file, corrupt);

      const fresh = book(file);
      expect(fresh.list()).toEqual([]);
      const aside = readdirSync(join(dir, 'nested')).filter((name) => name.startsWith('invites.json.corrupt-'));
      expect(aside).toEqual([`invites.json.corrupt-${new Date(clock.now()).toISOString().replace(/[:.]/g, '-')}`]);
      expect(readFileSync(join(dir, 'nested', aside[0] ?? ''), 'utf8')).toBe(corrupt);
      const errors = logger.lines.filter((line) => line.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toMatch(/is not valid JSON; kept it as .*invites\.json\.corrupt-/);
      expect(logger.text()).not.toContain(leakedToken);

      const created = fresh.create({ role: 'cohost', label: 'after', expiresInMinutes: 5 }, space(), RULE);
      expect(book(file).list()).toEqual([created.invite]);
      expect(readFileSync(join(dir, 'nested', aside[0] ?? ''), 'utf8')).toBe(corrupt);
    });

    it('keeps a file of the wrong shape aside too, and never overwrites an earlier one kept aside', () => {
      const wrongShapes = [
        JSON.stringify({ version: 1, invites: [{ id: 'a' }] }),
        JSON.stringify([1, 2, 3]),
        JSON.stringify({ invites: [] }),
      ];
      for (const text of wrongShapes) {
        book(file).create({ role: 'cohost', label: '', expiresInMinutes: 5 }, space(), RULE);
        writeFileSync(file, text);
        expect(book(file).list()).toEqual([]);
      }
      const aside = readdirSync(join(dir, 'nested')).filter((name) => name.includes('.corrupt-'));
      expect(aside).toHaveLength(3);
      expect(aside.map((name) => readFileSync(join(dir, 'nested', name), 'utf8')).toSorted()).toEqual(wrongShapes.toSorted());
      expect(logger.lines.filter((line) => line.level === 'error')).toHaveLength(3);
    });

    it('leaves a file from a newer Steadycast alone and keeps new invites in memory', () => {
      book(file).create({ role: 'cohost', label: '', expiresInMinutes: 5 }, space(), RULE);
      const newer = JSON.stringify({ version: 2, invites: [], more: 'things' });
      writeFileSync(file, newer);
      const invites = book(file);
      invites.create({ role: 'cohost', label: 'in memory', expiresInMinutes: 5 }, space(), RULE);
      expect(invites.list()).toHaveLength(1);
      expect(readFileSync(file, 'utf8')).toBe(newer);
      expect(logger.text()).toMatch(/newer version of Steadycast/);
    });

    it('does not create an invite it cannot save, and says why', () => {
      const invites = book(file);
      invites.create({ role: 'cohost', label: 'saved', expiresInMinutes: 5 }, space(), RULE);
      rmSync(join(dir, 'nested'), { recursive: true });
      writeFileSync(join(dir, 'nested'), 'a file where the folder was');
      expect(() => invites.create({ role: 'cohost', label: 'unsaved', expiresInMinutes: 5 }, space(), RULE)).toThrow(
        /Could not save the new invite .*then try again/,
      );
      expect(invites.list().map((invite) => invite.label)).toEqual(['saved']);
    });

    it('never writes a token or secret to the log', () => {
      const invites = book(file);
      const created = invites.create({ role: 'producer', label: 'Desk', expiresInMinutes: 5 }, space(), RULE);
      invites.revoke(created.invite.id);
      clock.advance(10 * MINUTE);
      invites.takeExpiredTokens();
      writeFileSync(file, readFileSync(file, 'utf8').replace('"version": 1', '"version": "1"'));
      book(file);
      expect(logger.lines.length).toBeGreaterThan(0);
      for (const secret of [created.token, PRIMARY_SECRET, BACKUP_SECRET, API_SECRET]) expect(logger.text()).not.toContain(secret);
      expect(() => invites.revoke('x')).toThrow(EngineCommandError);
    });
  });
});

describe('invites and server secrets', () => {
  it('refuses to invite to a Janus that needs an API secret but has no token secret, saying how to fix it', () => {
    const clock = new FakeClock();
    const invites = new InviteBook({ clock, logger: new RecordingLogger() });
    const config = EngineConfigSchema.parse({
      space: {
        name: 'S',
        primary: {
          janus: { url: 'wss://janus.example.org', apiSecret: API_SECRET, room: { id: 7, secret: PRIMARY_SECRET } },
          icecast: { mountUrl: 'http://source:pw@icecast.example.org:8000/live.opus' },
        },
      },
    }).space;
    expect(() => invites.create({ role: 'cohost', label: '', expiresInMinutes: 5 }, config, RULE)).toThrow(
      /The primary Janus needs an API secret, which invites never carry: turn on token_auth with a token_auth_secret .* janus\.tokenSecret/,
    );
    expect(invites.list()).toEqual([]);
  });

  it('signs Janus tokens in the core format, expiring on the second', () => {
    const token = signJanusToken('secret-of-sixteen', 1_700_000_123_456);
    expect(token).toMatch(/^1700000123,janus,janus\.plugin\.audiobridge,janus\.plugin\.textroom:[A-Za-z0-9+/]{27}=$/);
    expect(janusTokenExpiry(token)).toBe(1_700_000_123_000);
    expect(janusTokenExpiry('not a token')).toBeNull();
  });
});
