import { describe, expect, it } from 'vitest';
import { ProducerRelay } from '../../../../electron/engine/conversation/producer-relay';
import { EngineConfigSchema } from '../../../../electron/engine/config';
import { inviteKeyOf } from '../../../../electron/engine/invites/space-keys';
import { createLogger } from '../../../../electron/engine/log/logger';
import { FakeClock } from '../../../fakes/fake-clock';

const space = EngineConfigSchema.parse({
  space: {
    name: 'S',
    primary: {
      janus: { url: 'ws://198.18.0.1:8188', room: { id: 7, secret: 'the-room-secret' } },
      icecast: { mountUrl: 'http://198.18.0.1:8000/live.opus' },
    },
  },
}).space;
const key = inviteKeyOf(space, 'inv-p') ?? '';
const cohostKey = inviteKeyOf(space, 'inv-c') ?? '';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

describe('producer relay', () => {
  it("the host's engine accepts a producer's proven request once; refuses a co-host, a forged proof, another feed and a replay", () => {
    const clock = new FakeClock();
    const producer = new ProducerRelay({ clock, logger: createLogger('relay-test') });
    const host = new ProducerRelay({ clock, logger: createLogger('relay-test') });
    const { message } = producer.ask({ action: 'mute', feed: '3', reason: 'hum', approve: null }, '5', key);
    if (message.type !== 'moderate') throw new Error('a moderation request');
    expect(host.check('5', message, { role: 'cohost', key: cohostKey }, true)).toMatch(/not valid any more/);
    expect(host.check('5', message, { role: 'producer', key: cohostKey }, true)).toMatch(/not valid any more/);
    expect(host.check('6', message, { role: 'producer', key }, true)).toMatch(/not valid any more/);
    expect(host.check('5', { ...message, feed: '2' }, { role: 'producer', key }, true)).toMatch(/not valid any more/);
    expect(host.check('5', message, null, true)).toMatch(/revoked or expired/);
    expect(host.check('5', message, { role: 'producer', key }, false)).toMatch(/no longer in the room/);
    expect(host.check('5', message, { role: 'producer', key }, true)).toBeNull();
    expect(host.check('5', message, { role: 'producer', key }, true)).toMatch(/repeated request/);
  });

  it("a producer's request resolves with the host's answer, or fails after 5 s of silence saying the host's app is needed", async () => {
    const clock = new FakeClock();
    const relay = new ProducerRelay({ clock, logger: createLogger('relay-test') });
    const first = relay.ask({ action: 'mute-all', feed: null, reason: null, approve: null }, '5', key);
    if (first.message.type !== 'moderate') throw new Error('a moderation request');
    relay.answered({ v: 1, type: 'moderated', id: first.message.id, ok: true, message: 'done', muted: 3 });
    await expect(first.answer).resolves.toBe(3);
    const refused = relay.ask({ action: 'remove', feed: '2', reason: null, approve: null }, '5', key);
    if (refused.message.type !== 'moderate') throw new Error('a moderation request');
    relay.answered({ v: 1, type: 'moderated', id: refused.message.id, ok: false, message: 'Use Leave.', muted: null });
    await expect(refused.answer).rejects.toThrow('Use Leave.');
    const silent = relay.ask({ action: 'unmute', feed: '3', reason: null, approve: null }, '5', key);
    let outcome: unknown = null;
    silent.answer.catch((error: unknown) => (outcome = error));
    clock.advance(4999);
    await settle();
    expect(outcome).toBeNull();
    clock.advance(1);
    await settle();
    expect(String(outcome)).toMatch(
      /The host's app did not answer: producers can mute, unmute and remove people only while the host's app is in the room/,
    );
  });
});
