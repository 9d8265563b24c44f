import { createElement } from 'react';
import { MicrophonePicker } from '../../../../renderer/features/conversation/microphone-picker';
import { createAppStore } from '../../../../renderer/stores/app-store';
import { render } from '../../../support/renderer-test-support';
import { describe, expect, it } from 'vitest';
import type { InviteSummary, Participant } from '../../../../electron/shared/conversation';
import {
  describeLink,
  describeParticipant,
  initialsOf,
  isMuteShortcut,
  isTypingTarget,
  micActivity,
  micLevelFraction,
  selectCanToggleMute,
  sortParticipants,
  type ShortcutKeyEvent,
} from '../../../../renderer/features/conversation/conversation-view';
import type { AppState } from '../../../../renderer/stores/store-types';
import {
  describeExpiry,
  effectiveStatus,
  formatMoment,
  formatRemaining,
  sortInvites,
} from '../../../../renderer/features/invites/invite-format';
import { FakeBridge } from '../../../fakes/fake-bridge';

const T0 = Date.UTC(2025, 10, 20, 12, 0, 0);

function participant(overrides: Partial<Participant>): Participant {
  return {
    id: '1',
    display: 'Someone',
    role: 'cohost',
    self: false,
    muted: false,
    mutedBy: null,
    talking: false,
    connected: true,
    inviteId: null,
    lock: null,
    flags: [],
    speakRequested: false,
    ...overrides,
  };
}

function invite(overrides: Partial<InviteSummary>): InviteSummary {
  return { id: 'i', role: 'cohost', label: '', createdAt: T0 - 60_000, expiresAt: T0 + 3_600_000, status: 'active', ...overrides };
}

function key(overrides: Partial<ShortcutKeyEvent>): ShortcutKeyEvent {
  return { key: 'm', repeat: false, ctrlKey: false, metaKey: false, altKey: false, target: { tagName: 'BODY' }, ...overrides };
}

describe('conversation view', () => {
  it('names every link state, never by colour alone', () => {
    expect(describeLink(null)).toEqual({ tone: 'neutral', label: 'Not joined' });
    expect(describeLink({ status: 'idle' }).label).toBe('Not joined');
    expect(describeLink({ status: 'connecting', endpoint: 'primary', since: T0, steps: ['server', 'seat'], step: 'server' })).toEqual({
      tone: 'busy',
      label: 'Joining',
    });
    expect(describeLink({ status: 'joined', endpoint: 'primary', since: T0, selfId: '1', role: 'host' })).toEqual({
      tone: 'ok',
      label: 'Joined',
    });
    expect(
      describeLink({ status: 'reconnecting', endpoint: 'backup', since: T0, attempt: 2, nextAttemptAt: T0 + 4000, reason: 'x' }),
    ).toEqual({ tone: 'warn', label: 'Reconnecting' });
    expect(describeLink({ status: 'failed', endpoint: null, at: T0, reason: 'x' })).toEqual({ tone: 'bad', label: 'Failed' });
  });

  it('orders the room: you first, then host, co-hosts, producers, guests, by name', () => {
    const sorted = sortParticipants([
      participant({ id: 'g', display: 'Guest', role: null }),
      participant({ id: 'p', display: 'Priya', role: 'producer' }),
      participant({ id: 'b', display: 'bob', role: 'cohost' }),
      participant({ id: 'a', display: 'Ana', role: 'cohost' }),
      participant({ id: 'h', display: 'Host', role: 'host' }),
      participant({ id: 'me', display: 'Zed', role: 'producer', self: true }),
    ]);
    expect(sorted.map((p) => p.id)).toEqual(['me', 'h', 'a', 'b', 'p', 'g']);
  });

  it('tells a moderator mute from a self mute, and says it in the row name', () => {
    expect(micActivity(participant({ muted: true, mutedBy: 'moderator' }))).toBe('muted-moderator');
    expect(micActivity(participant({ muted: true, mutedBy: 'self' }))).toBe('muted-self');
    expect(micActivity(participant({ muted: true, mutedBy: null }))).toBe('muted');
    expect(micActivity(participant({ talking: true }))).toBe('talking');
    expect(micActivity(participant({}))).toBe('live');
    expect(describeParticipant(participant({ display: 'Jon', muted: true, mutedBy: 'moderator', connected: false }))).toBe(
      'Jon, Co-host, muted by moderator, audio not connected',
    );
    expect(describeParticipant(participant({ display: 'Maya', role: 'host', self: true, talking: true }))).toBe('Maya, Host, you, talking');
  });

  it('locks the self-mute button while a moderator’s mute holds, and only then', () => {
    const joined = { status: 'joined', endpoint: 'primary', since: T0, selfId: '1', role: 'cohost' } as const;
    const state = (self: Partial<Participant>): AppState =>
      ({
        conversation: {
          link: joined,
          space: 'S',
          selfMuted: false,
          participants: [participant({ self: true, ...self })],
          channel: { status: 'open', since: 1 },
          moderation: { autoMute: false, selfSpeakRequested: false, log: [] },
        },
      }) as unknown as AppState;
    expect(selectCanToggleMute(state({ muted: true, mutedBy: 'moderator' }))).toBe(false);
    expect(selectCanToggleMute(state({ muted: true, mutedBy: 'self' }))).toBe(true);
    expect(selectCanToggleMute(state({ muted: false }))).toBe(true);
    expect(selectCanToggleMute({ conversation: null } as unknown as AppState)).toBe(false);
  });

  it('makes initials from letters only', () => {
    expect(initialsOf('Ana Lima')).toBe('AL');
    expect(initialsOf('Priya (producer)')).toBe('PP');
    expect(initialsOf('  maya ')).toBe('MA');
    expect(initialsOf('***')).toBe('?');
  });

  it('takes M as the mute shortcut only outside text fields, without modifiers or repeat', () => {
    expect(isMuteShortcut(key({}))).toBe(true);
    expect(isMuteShortcut(key({ key: 'M' }))).toBe(true);
    expect(isMuteShortcut(key({ key: 'n' }))).toBe(false);
    expect(isMuteShortcut(key({ repeat: true }))).toBe(false);
    expect(isMuteShortcut(key({ ctrlKey: true }))).toBe(false);
    expect(isMuteShortcut(key({ metaKey: true }))).toBe(false);
    expect(isMuteShortcut(key({ altKey: true }))).toBe(false);
    expect(isMuteShortcut(key({ target: { tagName: 'INPUT', type: 'text' } }))).toBe(false);
    expect(isMuteShortcut(key({ target: { tagName: 'INPUT', type: 'checkbox' } }))).toBe(true);
    expect(isMuteShortcut(key({ target: { tagName: 'BUTTON' } }))).toBe(true);
    expect(isTypingTarget({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTypingTarget({ tagName: 'SELECT' })).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTypingTarget(null)).toBe(false);
  });

  it('places the microphone level on a −60…0 dBFS scale', () => {
    expect(micLevelFraction(null)).toBe(0);
    expect(micLevelFraction(-Infinity)).toBe(0);
    expect(micLevelFraction(-60)).toBe(0);
    expect(micLevelFraction(-30)).toBeCloseTo(0.5);
    expect(micLevelFraction(3)).toBe(1);
  });
});

describe('invite wording', () => {
  it('says how long is left, coarse enough to read at a glance', () => {
    expect(formatRemaining(20_000)).toBe('less than a minute');
    expect(formatRemaining(14 * 60_000 + 59_000)).toBe('14 min');
    expect(formatRemaining((23 * 60 + 5) * 60_000)).toBe('23 h 05 min');
    expect(formatRemaining((6 * 24 + 23) * 3_600_000)).toBe('6 d 23 h');
    expect(formatRemaining(-5)).toBe('less than a minute');
  });

  it('says when an invite expires, or that it has', () => {
    expect(describeExpiry(T0 + 3_600_000, T0)).toBe('Expires in 1 h 00 min');
    expect(describeExpiry(T0 - 1, T0)).toMatch(/^Expired at /u);
    const sameDay = new Date(T0);
    sameDay.setHours(9, 5, 0, 0);
    expect(formatMoment(sameDay.getTime(), sameDay.getTime() + 60_000)).toBe('09:05');
    expect(formatMoment(sameDay.getTime() + 3 * 86_400_000, sameDay.getTime())).toMatch(/09:05$/u);
  });

  it('counts an active invite past its expiry as expired, and lists active ones first', () => {
    expect(effectiveStatus(invite({ expiresAt: T0 }), T0)).toBe('expired');
    expect(effectiveStatus(invite({ status: 'revoked', expiresAt: T0 + 1 }), T0)).toBe('revoked');
    const sorted = sortInvites(
      [
        invite({ id: 'old-revoked', status: 'revoked', createdAt: T0 - 5000 }),
        invite({ id: 'late', expiresAt: T0 + 7_200_000 }),
        invite({ id: 'lapsed', expiresAt: T0 - 1, createdAt: T0 - 1000 }),
        invite({ id: 'soon', expiresAt: T0 + 60_000 }),
      ],
      T0,
    );
    expect(sorted.map((i) => i.id)).toEqual(['soon', 'late', 'lapsed', 'old-revoked']);
  });
});

describe('microphone picker', () => {
  const picker = (microphone: Partial<AppState['microphone']>): string => {
    const store = createAppStore({
      now: () => 0,
      randomNonce: () => 'nonce',
      setTimer: () => () => undefined,
      bridge: new FakeBridge().binding(),
    });
    store.setState({ microphone: { ...store.getState().microphone, ...microphone } });
    return render(store, createElement(MicrophonePicker));
  };

  it('names the system default and the device it uses, instead of asking to choose', () => {
    const devices = [
      { id: 'default', label: 'Default' },
      { id: 'usb', label: 'USB mic' },
    ];
    expect(picker({ devices, selectedId: null, activeLabel: 'USB mic' })).toContain(
      '<option value="" selected="">System default: USB mic</option>',
    );
    expect(picker({ devices, selectedId: null, activeLabel: null })).toContain('System default</option>');
    expect(picker({ devices: [], selectedId: null, activeLabel: null })).toContain('No microphone found');
    expect(picker({ devices, selectedId: 'usb', activeLabel: 'USB mic' })).not.toContain('System default');
  });
});
