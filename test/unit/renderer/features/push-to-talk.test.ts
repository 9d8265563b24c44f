import { describe, expect, it } from 'vitest';
import { idleConversationState, type ConversationState, type Participant } from '../../../../electron/shared/conversation';
import { isTalkKey } from '../../../../renderer/features/conversation/conversation-view';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import { FakeBridge, sampleEngineState } from '../../../fakes/fake-bridge';
import { settle } from '../../../support/renderer-test-support';

function joined(patch: Partial<Participant> = {}): ConversationState {
  const self: Participant = {
    id: '1',
    display: 'Ana',
    role: 'host',
    self: true,
    muted: false,
    mutedBy: null,
    talking: false,
    connected: true,
    inviteId: null,
    lock: null,
    flags: [],
    speakRequested: false,
    ...patch,
  };
  return {
    ...idleConversationState(),
    link: { status: 'joined', endpoint: 'primary', since: 1, selfId: '1', role: 'host' },
    participants: [self],
  };
}

async function setup(conversation: ConversationState): Promise<{ store: AppStore; bridge: FakeBridge }> {
  const bridge = new FakeBridge(sampleEngineState({ conversation }));
  bridge.handle('conversation:set-muted', ({ muted }) => joined({ muted, mutedBy: muted ? 'self' : null }));
  const store = createAppStore({ now: () => 0, randomNonce: () => 'nonce', setTimer: () => () => undefined, bridge: bridge.binding() });
  await settle();
  return { store, bridge };
}

const sentMutes = (bridge: FakeBridge): unknown[] =>
  bridge.callsOf('conversation:set-muted').map((call) => (call.payload as { muted: boolean }).muted);

describe('push to talk', () => {
  it('mutes when turned on, unmutes while the key is held, mutes again on release', async () => {
    const { store, bridge } = await setup(joined());
    store.getState().setPushToTalk(true);
    await settle();
    expect(store.getState().selfMute.muted).toBe(true);
    store.getState().talkPressed();
    store.getState().talkPressed();
    await settle();
    expect(store.getState().selfMute.muted).toBe(false);
    store.getState().talkReleased();
    await settle();
    expect(store.getState().selfMute.muted).toBe(true);
    expect(sentMutes(bridge)).toEqual([true, false, true]);
  });

  it('does nothing while off, and never lifts a moderator’s mute', async () => {
    const { store, bridge } = await setup(joined({ muted: true, mutedBy: 'moderator', lock: { by: 'Pia (producer)', reason: '', at: 1 } }));
    store.getState().talkPressed();
    store.getState().setPushToTalk(true);
    store.getState().talkPressed();
    store.getState().talkReleased();
    await settle();
    expect(sentMutes(bridge)).toEqual([]);
    expect(store.getState().pushToTalk.holding).toBe(false);
  });

  it('the talk key is T without modifiers, never while typing', () => {
    const key = (patch: Partial<Parameters<typeof isTalkKey>[0]>): boolean =>
      isTalkKey({ key: 't', repeat: false, ctrlKey: false, metaKey: false, altKey: false, target: null, ...patch });
    expect(key({})).toBe(true);
    expect(key({ key: 'T', repeat: true })).toBe(true);
    expect(key({ ctrlKey: true })).toBe(false);
    expect(key({ target: { tagName: 'INPUT', type: 'text' } })).toBe(false);
    expect(key({ target: { tagName: 'BUTTON' } })).toBe(true);
  });
});
