import { describe, expect, it } from 'vitest';
import type { ConversationLink } from '../../../../electron/shared/conversation';
import { Attempts } from '../../../../electron/engine/conversation/attempt';
import { isLegalTransition, RoomLink } from '../../../../electron/engine/conversation/room-link';
import { addLogSink, createLogger, type LogRecord } from '../../../../electron/engine/log/logger';
import { FakeClock } from '../../../fakes/fake-clock';

function setup() {
  const clock = new FakeClock();
  const records: LogRecord[] = [];
  const remove = addLogSink((record) => {
    if (record.scope.startsWith('link-test')) records.push(record);
  });
  let changes = 0;
  const link = new RoomLink({ logger: createLogger('link-test', () => clock.now()), onChange: () => (changes += 1) });
  return { clock, link, records, remove, changes: () => changes };
}

const connecting = (clock: FakeClock): ConversationLink => ({
  status: 'connecting',
  endpoint: 'primary',
  since: clock.now(),
  steps: ['server', 'room', 'seat'],
  step: 'server',
});
const joined = (clock: FakeClock): ConversationLink => ({
  status: 'joined',
  endpoint: 'primary',
  since: clock.now(),
  selfId: '7',
  role: 'host',
});

describe('conversation room link: one checked, logged transition', () => {
  it('follows a join, a lost transport, a claim back and a leave, logging each move and publishing it', () => {
    const { clock, link, records, remove, changes } = setup();
    expect(link.current.status).toBe('idle');
    expect(link.transition(connecting(clock), 'join')).toBe(true);
    link.advance('room');
    link.advance('room');
    link.advance('seat');
    clock.advance(1200);
    expect(link.transition(joined(clock), 'seated')).toBe(true);
    expect(
      link.transition(
        {
          status: 'reconnecting',
          endpoint: 'primary',
          since: clock.now(),
          attempt: 1,
          nextAttemptAt: clock.now() + 500,
          reason: 'socket closed',
        },
        'transport lost',
      ),
    ).toBe(true);
    expect(link.transition(joined(clock), 'claimed back')).toBe(true);
    expect(link.transition({ status: 'idle' }, 'left')).toBe(true);
    // join, two step moves (the repeated one is no move), joined, reconnecting, joined, idle.
    expect(changes()).toBe(7);
    const lines = records.map((record) => `${record.level} ${record.message}`);
    expect(lines).toContain('info conversation link: idle → connecting to primary (server) (join)');
    expect(lines).toContain('debug conversation link: connecting → connecting to primary (seat) (next step: seat)');
    expect(lines).toContain('info conversation link: reconnecting → joined primary as host (claimed back)');
    expect(lines.at(-1)).toBe('info conversation link: joined → idle (left)');
    remove();
  });

  it('refuses an illegal move with an error line and keeps the link as it was', () => {
    const { clock, link, records, remove, changes } = setup();
    expect(link.transition(joined(clock), 'a seat without a join')).toBe(false);
    expect(
      link.transition(
        { status: 'reconnecting', endpoint: 'primary', since: 0, attempt: 1, nextAttemptAt: 0, reason: 'x' },
        'nothing to reconnect',
      ),
    ).toBe(false);
    expect(link.current).toEqual({ status: 'idle' });
    expect(changes()).toBe(0);
    expect(records.filter((record) => record.level === 'error').map((record) => record.message)).toEqual([
      'conversation link: refused idle → joined (a seat without a join)',
      'conversation link: refused idle → reconnecting (nothing to reconnect)',
    ]);
    link.transition(connecting(clock), 'join');
    link.transition({ status: 'failed', endpoint: 'primary', at: clock.now(), reason: 'refused' }, 'the join failed');
    expect(link.transition(joined(clock), 'a late seat')).toBe(false);
    expect(link.current.status).toBe('failed');
    remove();
  });

  it('advance moves only a join under way', () => {
    const { clock, link, remove } = setup();
    link.advance('seat');
    expect(link.current.status).toBe('idle');
    link.transition(connecting(clock), 'join');
    link.transition(joined(clock), 'seated');
    link.advance('seat');
    expect(link.current.status).toBe('joined');
    remove();
  });

  it('draws the diagram: a failed link is left only by a new join, a move, a rejoin or a leave', () => {
    expect(isLegalTransition('failed', 'joined')).toBe(false);
    expect(isLegalTransition('failed', 'connecting')).toBe(true);
    expect(isLegalTransition('idle', 'failed')).toBe(false);
    expect(isLegalTransition('joined', 'connecting')).toBe(true);
    expect(isLegalTransition('reconnecting', 'joined')).toBe(true);
  });
});

describe('conversation attempts', () => {
  it('a newer attempt makes every older token stale, and a cancel makes the current one stale', () => {
    const attempts = new Attempts();
    const first = attempts.begin();
    expect(first.current).toBe(true);
    const second = attempts.begin();
    expect(first.current).toBe(false);
    expect(first.signal.aborted).toBe(true);
    expect(second.current).toBe(true);
    attempts.cancel();
    expect(second.current).toBe(false);
    const third = attempts.begin();
    expect(third.current).toBe(true);
    expect(second.current).toBe(false);
  });

  it('work that outlives its attempt drops its result (a join a leave replaced, on simulated time)', async () => {
    const clock = new FakeClock();
    const attempts = new Attempts();
    const landed: string[] = [];
    const work = async (name: string) => {
      const attempt = attempts.begin();
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 1000));
      if (attempt.current) landed.push(name);
    };
    const slow = work('first join');
    clock.advance(400);
    const next = work('move');
    clock.advance(600);
    clock.advance(400);
    await Promise.all([slow, next]);
    expect(landed).toEqual(['move']);
  });
});
