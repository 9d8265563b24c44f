import { describe, expect, it } from 'vitest';
import { explainRoomError } from '../../../../electron/engine/janus/audiobridge-room';
import { decodeDisplayName, encodeDisplayName } from '../../../../electron/shared/conversation';

describe('AudioBridge refusals in plain language', () => {
  it.each([
    ['489 Unauthorized (not in the allowed list)', /revoked or has expired/],
    ['485 No such room (4242)', /has not opened it yet/],
    ['433 Unauthorized (wrong pin)', /refused the PIN/],
    ['433 Unauthorized (wrong secret)', /room secret/],
  ])('%s', (janus, expected) => {
    expect(explainRoomError(new Error(janus))).toMatch(expected);
  });

  it('passes an unknown error through unchanged', () => {
    expect(explainRoomError(new Error('490 something new'))).toBe('490 something new');
  });
});

describe('identity in the AudioBridge display name', () => {
  it('round-trips name, role and invite id', () => {
    const encoded = encodeDisplayName({ name: 'Cole / Cohost', role: 'cohost', inviteId: 'abc123' });
    expect(encoded.startsWith('Cole / Cohost')).toBe(true);
    expect(decodeDisplayName(encoded)).toEqual({ name: 'Cole / Cohost', role: 'cohost', inviteId: 'abc123' });
  });

  it('reads the host (no invite) and a plain Janus client (no suffix)', () => {
    expect(decodeDisplayName(encodeDisplayName({ name: 'Hana', role: 'host', inviteId: null }))).toEqual({
      name: 'Hana',
      role: 'host',
      inviteId: null,
    });
    expect(decodeDisplayName('someone else')).toEqual({ name: 'someone else', role: null, inviteId: null });
  });

  it('does not take an unknown role from a forged suffix', () => {
    expect(decodeDisplayName('Eve\u2063admin/x').role).toBeNull();
  });
});
