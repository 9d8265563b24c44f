import { describe, expect, it } from 'vitest';
import type { ParticipantMessage } from '../../../../electron/shared/space-channel';
import { Attempts } from '../../../../electron/engine/conversation/attempt';
import { SpaceChannelSession, type ChannelLike } from '../../../../electron/engine/conversation/space-channel-session';
import { createLogger } from '../../../../electron/engine/log/logger';
import type { ChannelDelivery, ChannelJoin } from '../../../../electron/engine/space-channel/textroom-channel';
import { FakeClock } from '../../../fakes/fake-clock';

/** A channel whose join the test resolves or rejects, and whose deliveries the test sends. */
class FakeChannel implements ChannelLike {
  private deliveryListener: ((delivery: ChannelDelivery) => void) | null = null;
  private closeListener: ((reason: string) => void) | null = null;
  private settle: { resolve: () => void; reject: (error: Error) => void } | null = null;
  readonly out: string[] = [];
  closed = false;
  joined: ChannelJoin | null = null;

  onDelivery(listener: (delivery: ChannelDelivery) => void): () => void {
    this.deliveryListener = listener;
    return () => undefined;
  }

  onClosed(listener: (reason: string) => void): () => void {
    this.closeListener = listener;
    return () => undefined;
  }

  join(request: ChannelJoin): Promise<unknown> {
    this.joined = request;
    return new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
  }

  send(text: string): Promise<void> {
    this.out.push(`send ${text}`);
    return Promise.resolve();
  }

  post(text: string): void {
    this.out.push(`post ${text}`);
  }

  announce(text: string, secret: string): Promise<void> {
    this.out.push(`announce(${secret}) ${text}`);
    return Promise.resolve();
  }

  resync(): void {
    this.out.push('resync');
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  accept(): void {
    this.settle?.resolve();
  }

  refuse(message: string): void {
    this.settle?.reject(new Error(message));
  }

  deliver(delivery: ChannelDelivery): void {
    this.deliveryListener?.(delivery);
  }

  lose(reason: string): void {
    this.closeListener?.(reason);
  }
}

function setup() {
  const clock = new FakeClock();
  const heard: string[] = [];
  const statuses: string[] = [];
  const session: SpaceChannelSession = new SpaceChannelSession({
    clock,
    logger: createLogger('channel-test'),
    onChange: () => statuses.push(session.status.status),
    handlers: {
      message: (from: string, message: ParticipantMessage) => heard.push(`message ${from} ${message.type}`),
      announcement: (text: string) => heard.push(`announcement ${(JSON.parse(text) as { type: string }).type}`),
      joined: () => heard.push('joined'),
      opened: () => heard.push('opened'),
    },
  });
  return { clock, session, heard, statuses, attempts: new Attempts() };
}

const join: ChannelJoin = { room: 1234, username: '77', display: 'Hana', token: 't' };

describe('space channel session', () => {
  it('opens (connecting → open), passes parsed messages on and drops malformed ones', async () => {
    const { session, heard, statuses, attempts, clock } = setup();
    const channel = new FakeChannel();
    const opening = session.open(channel, join, attempts.begin());
    expect(session.status.status).toBe('connecting');
    channel.accept();
    await opening;
    expect(session.status).toEqual({ status: 'open', since: clock.now() });
    expect(statuses).toEqual(['connecting', 'open']);
    channel.deliver({ kind: 'message', from: '9', text: JSON.stringify({ v: 1, type: 'speak-request', active: true }) });
    channel.deliver({ kind: 'message', from: '9', text: '{"v":1,"type":"speak-request"}' });
    channel.deliver({ kind: 'message', from: '9', text: 'not json' });
    channel.deliver({
      kind: 'announcement',
      text: JSON.stringify({ v: 1, type: 'show', revision: 1, onAir: false, since: null, by: 'Hana' }),
    });
    channel.deliver({ kind: 'joined', username: '8', display: 'x' });
    channel.deliver({ kind: 'left', username: '8' });
    expect(heard).toEqual(['opened', 'message 9 speak-request', 'announcement show', 'joined']);
    expect(session.post('hello')).toBe(true);
    expect(await session.announce('{}', 'room-secret')).toBe(true);
    expect(channel.out).toEqual(['post hello', 'announce(room-secret) {}']);
  });

  it('a channel that cannot open is unavailable with what still works; nothing is sent on it', async () => {
    const { session, attempts } = setup();
    const channel = new FakeChannel();
    const opening = session.open(channel, join, attempts.begin());
    channel.refuse('No such room');
    await opening;
    expect(session.status.status).toBe('unavailable');
    expect(session.status.status === 'unavailable' && session.status.reason).toMatch(
      /could not open \(No such room\)\. Mutes still work.*TextRoom plugin, then rejoin\./,
    );
    expect(channel.closed).toBe(true);
    expect(session.post('x')).toBe(false);
    expect(await session.send('x')).toBe(false);
  });

  it("closing by itself makes it unavailable; a stale attempt's channel is closed and never heard", async () => {
    const { session, heard, attempts } = setup();
    const first = new FakeChannel();
    const opening = session.open(first, join, attempts.begin());
    first.accept();
    await opening;
    first.lose('ICE failed');
    expect(session.status.status === 'unavailable' && session.status.reason).toBe(
      'ICE failed: mutes still work, but locks, requests to speak and microphone reports do not travel until you rejoin.',
    );
    const stale = new FakeChannel();
    const staleOpening = session.open(stale, join, attempts.begin());
    attempts.begin();
    stale.accept();
    await staleOpening;
    expect(stale.closed).toBe(true);
    stale.deliver({ kind: 'joined', username: '8', display: 'x' });
    expect(heard).toEqual(['opened']);
  });

  it('close makes it closed without publishing, and resync reaches the channel', async () => {
    const { session, statuses, attempts } = setup();
    const channel = new FakeChannel();
    const opening = session.open(channel, join, attempts.begin());
    channel.accept();
    await opening;
    session.resync();
    await session.close();
    expect(session.status).toEqual({ status: 'closed' });
    expect(statuses).toEqual(['connecting', 'open']);
    expect(channel.out).toEqual(['resync']);
    expect(channel.closed).toBe(true);
  });
});
