import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../../electron/shared/bridge';
import {
  idleConversationState,
  type ConversationLink,
  type ConversationState,
  type Participant,
  type Role,
} from '../../../../electron/shared/conversation';
import { ParticipantsList } from '../../../../renderer/features/conversation/participants-list';
import { RemoveConfirm } from '../../../../renderer/features/conversation/moderation-controls';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import {
  selectCanModerate,
  selectModerationOf,
  selectMuteAllCount,
  selectShowsModeration,
} from '../../../../renderer/stores/conversation-selectors';
import { FakeBridge, sampleEngineState } from '../../../fakes/fake-bridge';
import { requestError } from '../../../../renderer/stores/request';
import { buttonTag, deferred, render, settle } from '../../../support/renderer-test-support';

const NOT_CONNECTED = 'Not connected to the engine: Lost the connection to the engine. Reconnecting automatically.';

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

/** The room as seen by `role`: us (Ada), another host (Hal), a co-host (Cole), a producer (Pia). */
function room(role: Role, overrides: { link?: ConversationLink; participants?: Participant[] } = {}): ConversationState {
  return {
    link: overrides.link ?? { status: 'joined', endpoint: 'primary', since: 1, selfId: '11', role },
    space: 'Launch night',
    selfMuted: false,
    channel: { status: 'open', since: 1 },
    moderation: { autoMute: false, selfSpeakRequested: false, log: [] },
    backupRoom: { status: 'none' },
    show: { status: 'unknown' },
    participants: overrides.participants ?? [
      participant({ id: '11', display: 'Ada', role, self: true }),
      participant({ id: '12', display: 'Hal', role: 'host' }),
      participant({ id: '13', display: 'Cole', role: 'cohost', talking: true }),
      participant({ id: '14', display: 'Pia', role: 'producer' }),
    ],
  };
}

/** The same room with some participants changed. */
function withParticipant(conversation: ConversationState, id: string, patch: Partial<Participant>): ConversationState {
  return { ...conversation, participants: conversation.participants.map((entry) => (entry.id === id ? { ...entry, ...patch } : entry)) };
}

async function setup(role: Role = 'host', conversation: ConversationState = room(role)): Promise<{ store: AppStore; bridge: FakeBridge }> {
  const bridge = new FakeBridge(sampleEngineState({ conversation }));
  const store = createAppStore({ now: () => 0, randomNonce: () => 'nonce', setTimer: () => () => undefined, bridge: bridge.binding() });
  await settle();
  return { store, bridge };
}

describe('moderation actions', () => {
  it('mutes and unmutes someone else with moderation:set-muted, and applies the state the engine returns', async () => {
    const { store, bridge } = await setup('host');
    bridge.handle('moderation:set-muted', ({ participantId, muted }) =>
      withParticipant(room('host'), participantId, { muted, mutedBy: muted ? 'moderator' : null, talking: false }),
    );

    await store.getState().moderateMute('13', true);
    expect(bridge.callsOf('moderation:set-muted').map((call) => call.payload)).toEqual([{ participantId: '13', muted: true }]);
    expect(store.getState().conversation?.participants.find((entry) => entry.id === '13')).toMatchObject({
      muted: true,
      mutedBy: 'moderator',
    });
    expect(selectModerationOf('13')(store.getState())).toEqual({ status: 'idle' });

    await store.getState().moderateMute('13', false);
    expect(bridge.callsOf('moderation:set-muted')[1]?.payload).toEqual({ participantId: '13', muted: false });
    expect(store.getState().conversation?.participants.find((entry) => entry.id === '13')?.muted).toBe(false);
  });

  it('removes someone with moderation:remove and applies the state', async () => {
    const { store, bridge } = await setup('producer');
    const without = { ...room('producer'), participants: room('producer').participants.filter((entry) => entry.id !== '13') };
    bridge.handle('moderation:remove', () => without);

    await store.getState().removeParticipant('13');
    expect(bridge.callsOf('moderation:remove').map((call) => call.payload)).toEqual([{ participantId: '13' }]);
    expect(store.getState().conversation?.participants.map((entry) => entry.id)).toEqual(['11', '12', '14']);
    expect(store.getState().moderation.participants).toEqual({});
  });

  it('mutes everyone but the hosts with moderation:mute-all and applies the conversation it returns', async () => {
    const { store, bridge } = await setup('host');
    let muted = room('host');
    for (const id of ['13', '14']) muted = withParticipant(muted, id, { muted: true, mutedBy: 'moderator', talking: false });
    bridge.handle('moderation:mute-all', () => ({ muted: 2, conversation: muted }));

    expect(selectMuteAllCount(store.getState())).toBe(2);
    await store.getState().muteAllButHosts();
    expect(bridge.callsOf('moderation:mute-all').map((call) => call.payload)).toEqual([{}]);
    expect(store.getState().conversation).toEqual(muted);
    expect(store.getState().moderation.muteAll).toEqual({ status: 'done', value: 2 });
    expect(selectMuteAllCount(store.getState())).toBe(0);
  });

  it("shows the engine's refusal on the participant, with the name and the engine's words", async () => {
    const { store, bridge } = await setup('host');
    bridge.handle('moderation:set-muted', () =>
      Promise.reject(new BridgeError('engine-error', 'Only the host or a producer can mute others: co-hosts can mute only themselves.')),
    );
    bridge.handle('moderation:remove', () => Promise.reject(new BridgeError('engine-error', 'That participant is no longer in the room.')));

    await store.getState().moderateMute('13', true);
    expect(selectModerationOf('13')(store.getState())).toEqual({
      status: 'failed',
      error: 'Could not mute Cole: Only the host or a producer can mute others: co-hosts can mute only themselves.',
    });
    await store.getState().moderateMute('14', false);
    expect(requestError(selectModerationOf('14')(store.getState()))).toMatch(/^Could not unmute Pia: /u);
    await store.getState().removeParticipant('12');
    expect(requestError(selectModerationOf('12')(store.getState()))).toBe(
      'Could not remove Hal: That participant is no longer in the room.',
    );
    // A name inside another word is not a mention: "Jo" is not in "Join".
    const jo = withParticipant(room('host'), '14', { display: 'Jo' });
    bridge.emit('engine:state', sampleEngineState({ conversation: jo }));
    bridge.handle('moderation:remove', () =>
      Promise.reject(new BridgeError('engine-error', 'Not in the conversation: join first, then remove others.')),
    );
    await store.getState().removeParticipant('14');
    expect(requestError(selectModerationOf('14')(store.getState()))).toBe(
      'Could not remove Jo: Not in the conversation: join first, then remove others.',
    );
    // The state stays the engine's: nothing was applied ahead of it.
    expect(store.getState().conversation?.participants.find((entry) => entry.id === '13')?.muted).toBe(false);

    // A new request clears the old error.
    bridge.handle('moderation:set-muted', ({ participantId, muted }) => withParticipant(room('host'), participantId, { muted }));
    await store.getState().moderateMute('13', true);
    expect(requestError(selectModerationOf('13')(store.getState()))).toBeNull();
  });

  it('shows a failed mute-all on the list', async () => {
    const { store, bridge } = await setup('producer');
    bridge.handle('moderation:mute-all', () =>
      Promise.reject(new BridgeError('engine-error', 'Some participants could not be muted (Cole: timeout). Try again, or remove them.')),
    );
    await store.getState().muteAllButHosts();
    expect(store.getState().moderation.muteAll).toEqual({
      status: 'failed',
      error: 'Could not mute everyone: Some participants could not be muted (Cole: timeout). Try again, or remove them.',
    });
  });

  it('says it is reconnecting while the bridge is disconnected', async () => {
    const { store, bridge } = await setup('host');
    bridge.disconnect();
    await store.getState().moderateMute('13', true);
    await store.getState().removeParticipant('14');
    await store.getState().muteAllButHosts();
    expect(selectModerationOf('13')(store.getState())).toEqual({ status: 'failed', error: `Could not mute Cole: ${NOT_CONNECTED}` });
    expect(requestError(selectModerationOf('14')(store.getState()))).toBe(`Could not remove Pia: ${NOT_CONNECTED}`);
    expect(requestError(store.getState().moderation.muteAll)).toBe(`Could not mute everyone: ${NOT_CONNECTED}`);
  });

  it('sends no second request about a participant while one is in flight', async () => {
    const { store, bridge } = await setup('host');
    const answer = deferred<ConversationState>();
    bridge.handle('moderation:set-muted', () => answer.promise);
    bridge.handle('moderation:remove', () => room('host'));

    const first = store.getState().moderateMute('13', true);
    expect(selectModerationOf('13')(store.getState())).toEqual({ status: 'sending', action: 'mute' });
    await store.getState().moderateMute('13', true);
    await store.getState().moderateMute('13', false);
    await store.getState().removeParticipant('13');
    expect(bridge.callsOf('moderation:set-muted')).toHaveLength(1);
    expect(bridge.callsOf('moderation:remove')).toHaveLength(0);

    // Someone else is not held up.
    await store.getState().removeParticipant('14');
    expect(bridge.callsOf('moderation:remove')).toHaveLength(1);

    answer.resolve(withParticipant(room('host'), '13', { muted: true, mutedBy: 'moderator' }));
    await first;
    expect(selectModerationOf('13')(store.getState())).toEqual({ status: 'idle' });
    bridge.handle('moderation:set-muted', () => room('host'));
    await store.getState().moderateMute('13', false);
    expect(bridge.callsOf('moderation:set-muted')).toHaveLength(2);
  });

  it('sends no second mute-all while one is in flight', async () => {
    const { store, bridge } = await setup('host');
    const answer = deferred<{ muted: number; conversation: ConversationState }>();
    bridge.handle('moderation:mute-all', () => answer.promise);
    const first = store.getState().muteAllButHosts();
    expect(store.getState().moderation.muteAll.status).toBe('sending');
    await store.getState().muteAllButHosts();
    expect(bridge.callsOf('moderation:mute-all')).toHaveLength(1);
    answer.resolve({ muted: 0, conversation: room('host') });
    await first;
    expect(store.getState().moderation.muteAll).toEqual({ status: 'done', value: 0 });
  });

  it('forgets the errors of people who left, and of a room we left', async () => {
    const { store, bridge } = await setup('host');
    bridge.handle('moderation:set-muted', () => Promise.reject(new Error('Janus timed out.')));
    bridge.handle('moderation:mute-all', () => Promise.reject(new Error('Janus timed out.')));
    await store.getState().moderateMute('13', true);
    await store.getState().moderateMute('14', true);
    await store.getState().muteAllButHosts();

    const conversation = room('host');
    bridge.emit(
      'engine:state',
      sampleEngineState({
        conversation: { ...conversation, participants: conversation.participants.filter((entry) => entry.id !== '13') },
      }),
    );
    expect(Object.keys(store.getState().moderation.participants)).toEqual(['14']);
    expect(requestError(store.getState().moderation.muteAll)).not.toBeNull();

    bridge.emit('engine:state', sampleEngineState({ conversation: idleConversationState() }));
    expect(store.getState().moderation.participants).toEqual({});
    expect(store.getState().moderation.muteAll).toEqual({ status: 'idle' });
  });
});

describe('selectCanModerate', () => {
  it('is true only for a joined host or producer', async () => {
    expect(selectCanModerate((await setup('host')).store.getState())).toBe(true);
    expect(selectCanModerate((await setup('producer')).store.getState())).toBe(true);
    expect(selectCanModerate((await setup('cohost')).store.getState())).toBe(false);
    const idle = await setup('host', idleConversationState());
    expect(selectCanModerate(idle.store.getState())).toBe(false);
    expect(
      selectCanModerate(
        createAppStore({
          now: () => 0,
          randomNonce: () => 'n',
          setTimer: () => () => undefined,
          bridge: new FakeBridge().binding(),
        }).getState(),
      ),
    ).toBe(false);
  });

  it('keeps the tools on the rows (unavailable) while a moderator reconnects, but not for a co-host', async () => {
    const reconnecting: ConversationLink = {
      status: 'reconnecting',
      endpoint: 'primary',
      since: 1,
      attempt: 1,
      nextAttemptAt: 2,
      reason: 'Lost the Janus connection.',
    };
    const producer = await setup('producer', room('producer', { link: reconnecting }));
    expect(selectCanModerate(producer.store.getState())).toBe(false);
    expect(selectShowsModeration(producer.store.getState())).toBe(true);
    const cohost = await setup('cohost', room('cohost', { link: reconnecting }));
    expect(selectShowsModeration(cohost.store.getState())).toBe(false);
  });
});

describe('participants list: moderator tools', () => {
  it('gives a moderator Mute and Remove on every row but their own, and "Mute all but hosts"', async () => {
    const { store } = await setup('producer');
    const html = render(store, createElement(ParticipantsList));
    for (const [id, name] of [
      ['12', 'Hal'],
      ['13', 'Cole'],
      ['14', 'Pia'],
    ] as const) {
      const mute = buttonTag(html, `moderate-mute-${id}`);
      expect(mute).toContain(`aria-label="Mute ${name}"`);
      expect(mute).toContain('aria-pressed="false"');
      expect(mute).not.toContain('aria-disabled');
      expect(buttonTag(html, `moderate-remove-${id}`)).toContain(`aria-label="Remove ${name}"`);
    }
    expect(buttonTag(html, 'moderate-mute-11')).toBeNull();
    expect(buttonTag(html, 'moderate-remove-11')).toBeNull();
    expect(buttonTag(html, 'mute-all-but-hosts')).toContain('aria-label="Mute all but hosts"');
    expect(buttonTag(html, 'mute-all-but-hosts')).not.toContain('aria-disabled');
    // Nothing asks before Remove is pressed.
    expect(html).not.toContain('moderate-remove-confirm-');
  });

  it('shows no tools to a co-host, nor to anyone outside the room', async () => {
    for (const conversation of [room('cohost'), room('host', { link: { status: 'idle' } })]) {
      const { store } = await setup('cohost', conversation);
      const html = render(store, createElement(ParticipantsList));
      expect(html).toContain('data-testid="participant-13"');
      expect(html).not.toContain('moderate-');
      expect(html).not.toContain('mute-all-but-hosts');
    }
  });

  it('marks a muted participant pressed, and "Mute all" unavailable once every non-host is muted', async () => {
    let conversation = room('host');
    for (const id of ['13', '14']) conversation = withParticipant(conversation, id, { muted: true, mutedBy: 'moderator', talking: false });
    const { store } = await setup('host', conversation);
    const html = render(store, createElement(ParticipantsList));
    expect(buttonTag(html, 'moderate-mute-13')).toContain('aria-pressed="true"');
    expect(buttonTag(html, 'moderate-mute-13')).toContain('aria-label="Mute Cole"');
    expect(buttonTag(html, 'moderate-mute-12')).toContain('aria-pressed="false"');
    // Hal is a host: mute-all leaves him alone, so his open mic does not count.
    expect(buttonTag(html, 'mute-all-but-hosts')).toContain('aria-disabled="true"');
  });

  it('shows a request in flight as busy, and a failure as an alert on the row', async () => {
    const { store, bridge } = await setup('host');
    bridge.handle('moderation:set-muted', () => new Promise(() => undefined));
    bridge.handle('moderation:remove', () => Promise.reject(new BridgeError('engine-error', 'Janus refused to remove Pia: not allowed.')));
    void store.getState().moderateMute('13', true);
    await store.getState().removeParticipant('14');
    const html = render(store, createElement(ParticipantsList));
    expect(buttonTag(html, 'moderate-mute-13')).toContain('aria-busy="true"');
    expect(buttonTag(html, 'moderate-remove-13')).toContain('aria-disabled="true"');
    // The engine's words name Pia already: the message does not say it twice.
    expect(html).toMatch(/role="alert" data-testid="moderate-error-14">Could not remove: Janus refused to remove Pia: not allowed\.<\/p>/u);
    expect(html).not.toContain('moderate-error-13');
  });

  it('shows a failed mute-all as an alert', async () => {
    const { store, bridge } = await setup('host');
    bridge.handle('moderation:mute-all', () => Promise.reject(new Error('Janus timed out.')));
    await store.getState().muteAllButHosts();
    expect(render(store, createElement(ParticipantsList))).toMatch(
      /role="alert" data-testid="mute-all-error">Could not mute everyone: Janus timed out\.<\/p>/u,
    );
  });

  it('asks "Remove Cole from the room?" with Cancel and Remove', async () => {
    const { store } = await setup('host');
    const cole = store.getState().conversation?.participants.find((entry) => entry.id === '13');
    if (!cole) throw new Error('no Cole');
    const html = render(store, createElement(RemoveConfirm, { participant: cole, onDone: () => undefined }));
    expect(html).toContain('role="group"');
    expect(html).toMatch(/>Remove <strong>Cole<\/strong> from the room\?<\/p>/u);
    expect(buttonTag(html, 'moderate-remove-confirm-13')).toContain('aria-label="Remove"');
    expect(buttonTag(html, 'moderate-remove-cancel-13')).toContain('aria-label="Cancel"');
  });
});
