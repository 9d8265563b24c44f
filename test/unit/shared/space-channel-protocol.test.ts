import { describe, expect, it } from 'vitest';
import {
  MAX_CHANNEL_TEXT,
  parseModeratorAnnouncement,
  parseParticipantMessage,
  participantKey,
} from '../../../electron/shared/space-channel';

const report = { at: 1, levelDbfs: -30, peakDbfs: -12, voice: 'speech', speechProbability: 0.8, echoScore: 0.1, echoDelayMs: null };
const locks = {
  v: 1,
  type: 'locks',
  revision: 5,
  by: 'Pia (producer)',
  locks: [{ key: 'inv:Cole', feed: '7', display: 'Cole', by: 'Pia (producer)', reason: 'Hum', at: 4 }],
};

describe('space channel protocol', () => {
  it('reads what a participant may say: mic reports, requests to speak, sync requests', () => {
    expect(parseParticipantMessage(JSON.stringify({ v: 1, type: 'mic', report }))).toEqual({ v: 1, type: 'mic', report });
    expect(parseParticipantMessage(JSON.stringify({ v: 1, type: 'speak-request', active: true }))).toEqual({
      v: 1,
      type: 'speak-request',
      active: true,
    });
    expect(parseParticipantMessage(JSON.stringify({ v: 1, type: 'sync-request' }))).toEqual({ v: 1, type: 'sync-request' });
  });

  it('a participant message cannot carry a moderator announcement (a co-host cannot forge a lock or a move)', () => {
    expect(parseParticipantMessage(JSON.stringify(locks))).toBeNull();
    const move = { id: 'm1', to: 'backup', trigger: 'manual', reason: 'y', at: 1, by: { role: 'host', name: 'x' } };
    expect(parseParticipantMessage(JSON.stringify({ v: 1, type: 'moving', move }))).toBeNull();
    expect(parseModeratorAnnouncement(JSON.stringify({ v: 1, type: 'moving', move }))).toEqual({ v: 1, type: 'moving', move });
    expect(parseModeratorAnnouncement(JSON.stringify(locks))).toEqual(locks);
  });

  it('the show travels only as an announcement (the host’s app holds the room secret), on air with its start or off air', () => {
    const show = { v: 1, type: 'show', revision: 9, onAir: true, since: 1_700_000_000_000, by: 'Ana Host' };
    expect(parseModeratorAnnouncement(JSON.stringify(show))).toEqual(show);
    expect(parseModeratorAnnouncement(JSON.stringify({ ...show, onAir: false, since: null }))).toMatchObject({ onAir: false, since: null });
    expect(parseParticipantMessage(JSON.stringify(show))).toBeNull();
    expect(parseModeratorAnnouncement(JSON.stringify({ ...show, since: 'noon' }))).toBeNull();
    expect(parseModeratorAnnouncement(JSON.stringify({ ...show, by: 'x'.repeat(201) }))).toBeNull();
  });

  it('ignores malformed text, unknown versions, out-of-range reports and oversized messages without throwing', () => {
    expect(parseParticipantMessage('not json')).toBeNull();
    expect(parseParticipantMessage(JSON.stringify({ v: 2, type: 'mic', report }))).toBeNull();
    expect(parseParticipantMessage(JSON.stringify({ v: 1, type: 'mic', report: { ...report, levelDbfs: 12 } }))).toBeNull();
    expect(parseParticipantMessage(JSON.stringify({ v: 1, type: 'mic', report: { ...report, extra: 1 } }))).toBeNull();
    expect(parseModeratorAnnouncement(JSON.stringify({ ...locks, padding: 'x'.repeat(MAX_CHANNEL_TEXT) }))).toBeNull();
    expect(parseModeratorAnnouncement('{"v":1,"type":"locks"}')).toBeNull();
  });

  it('keys a participant by invite and name, which stay the same in the backup room (feed ids do not)', () => {
    expect(participantKey({ inviteId: 'inv-1', display: 'Cole' })).toBe('inv-1:Cole');
    expect(participantKey({ inviteId: null, display: 'Hana' })).toBe('-:Hana');
    expect(participantKey({ inviteId: 'inv-1', display: 'x'.repeat(400) })).toHaveLength(300);
  });
});
