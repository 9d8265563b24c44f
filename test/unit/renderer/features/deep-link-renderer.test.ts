import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../../electron/shared/bridge';
import type { ConversationState } from '../../../../electron/shared/conversation';
import { NOT_AN_INVITE_LINK } from '../../../../electron/main/deep-link';
import { JoinInviteForm } from '../../../../renderer/features/conversation/join-invite-form';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import { FakeBridge, sampleEngineState } from '../../../fakes/fake-bridge';
import { render, settle } from '../../../support/renderer-test-support';

/*
 * `invites:opened` in the renderer: the invites slice prefills and checks an opened invite
 * outside a room, says why it was not used inside one, and shows the problem of a link that is
 * not an invite; the join-by-invite form shows what the store holds.
 */

const LINK = 'steadycast://join/sc1.eyJ0b2tlbiI6InRvcC1zZWNyZXQifQ.Xy9_ab-CdE0';

function setup(): { store: AppStore; bridge: FakeBridge } {
  const bridge = new FakeBridge();
  bridge.handle('invites:preview', () => ({
    id: 'inv-1',
    space: 'Launch night',
    role: 'cohost',
    expiresAt: Date.now() + 3_600_000,
    endpoints: ['primary', 'backup'],
  }));
  const store = createAppStore({ now: () => 0, randomNonce: () => 'nonce', setTimer: () => () => undefined, bridge: bridge.binding() });
  return { store, bridge };
}

const joined: ConversationState = {
  link: { status: 'joined', endpoint: 'primary', since: 1, selfId: '11', role: 'host' },
  space: 'Launch night',
  selfMuted: false,
  participants: [],
  channel: { status: 'open', since: 1 },
  moderation: { autoMute: false, selfSpeakRequested: false, log: [] },
  backupRoom: { status: 'none' },
  show: { status: 'unknown' },
};

describe('invites:opened in the renderer', () => {
  it('listens on the window’s bridge from the start, and stops when it is detached', () => {
    const bridge = new FakeBridge();
    const store = createAppStore({ now: () => 0, randomNonce: () => 'nonce', setTimer: () => () => undefined, bridge: bridge.binding() });
    expect(bridge.listenerCount('invites:opened')).toBe(1);
    store.getState().detachBridge();
    expect(bridge.listenerCount('invites:opened')).toBe(0);
    // A second detach is harmless.
    store.getState().detachBridge();
    expect(bridge.listenerCount('invites:opened')).toBe(0);
  });

  it('prefills the invite form with the link and checks it when not in a room', async () => {
    const { store, bridge } = setup();
    await settle();
    bridge.emit('invites:opened', { kind: 'invite', link: LINK });
    expect(store.getState().openedInvite).toEqual({ status: 'prefilled', link: LINK });
    await settle();
    expect(bridge.callsOf('invites:preview').map((call) => call.payload)).toEqual([{ invite: LINK }]);
    expect(store.getState().invitePreview).toMatchObject({ status: 'done', value: { space: 'Launch night', role: 'cohost' } });

    const html = render(store, createElement(JoinInviteForm));
    expect(html).toContain(`value="${LINK}"`);
    expect(html).toContain('data-testid="invite-preview"');
  });

  it('shows the engine’s verdict on an opened invite that cannot be used', async () => {
    const { store, bridge } = setup();
    bridge.handle('invites:preview', () => {
      throw new BridgeError('engine-error', 'This invite expired at 2025-01-01T00:00:00.000Z: ask the host for a new invite.');
    });
    bridge.emit('invites:opened', { kind: 'invite', link: LINK });
    await settle();
    const html = render(store, createElement(JoinInviteForm));
    expect(html).toContain(`value="${LINK}"`);
    expect(html).toContain('This invite expired');
  });

  it('does not use the invite while in a room, and says so', async () => {
    const { store, bridge } = setup();
    bridge.emit('engine:state', sampleEngineState({ conversation: joined }));
    bridge.emit('invites:opened', { kind: 'invite', link: LINK });
    await settle();
    expect(bridge.callsOf('invites:preview')).toEqual([]);
    expect(store.getState().openedInvite).toEqual({
      status: 'not-used',
      message: expect.stringMatching(/not used: you are in a room/) as unknown,
    });
    expect(store.getState().invitePreview.status).toBe('idle');
    const html = render(store, createElement(JoinInviteForm));
    expect(html).not.toContain(LINK);
    expect(html).toContain('data-testid="opened-invite-notice"');
  });

  it('shows the problem of a link that is not an invite, and leaves the form empty', async () => {
    const { store, bridge } = setup();
    bridge.emit('invites:opened', { kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK });
    await settle();
    expect(store.getState().openedInvite).toEqual({ status: 'invalid', message: NOT_AN_INVITE_LINK });
    expect(bridge.callsOf('invites:preview')).toEqual([]);
    const html = render(store, createElement(JoinInviteForm));
    expect(html).toContain('This link is not a Steadycast invite');
    expect(html).toContain('value=""');
  });

  it('lets a newer opened link replace the last, and drops the notice once another invite is checked', async () => {
    const { store, bridge } = setup();
    bridge.emit('invites:opened', { kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK });
    bridge.emit('invites:opened', { kind: 'invite', link: LINK });
    expect(store.getState().openedInvite).toEqual({ status: 'prefilled', link: LINK });
    await settle();
    bridge.emit('invites:opened', { kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK });
    await store.getState().previewInvite('sc1.other.code');
    expect(store.getState().openedInvite).toBeNull();
  });
});
