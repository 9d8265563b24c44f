import { describe, expect, it } from 'vitest';
import { ShowAnnouncements, type ShowAnnouncement } from '../../../../electron/engine/conversation/show-announcements';
import { createLogger } from '../../../../electron/engine/log/logger';
import { FakeClock } from '../../../fakes/fake-clock';

function setup(role: 'host' | 'cohost' = 'host') {
  const clock = new FakeClock();
  const sent: ShowAnnouncement[] = [];
  const port = { open: true, role };
  let changes = 0;
  const show = new ShowAnnouncements({
    clock,
    logger: createLogger('show-test'),
    timings: { announceEveryMs: 5000, staleMs: 15_000 },
    onChange: () => (changes += 1),
    port: {
      canAnnounce: () => port.role === 'host' && port.open,
      isHost: () => port.role === 'host',
      display: () => 'Hana',
      announce: (announcement) => {
        sent.push(announcement);
        return Promise.resolve();
      },
    },
  });
  return { clock, show, sent, port, changes: () => changes };
}

describe('show announcements', () => {
  it("the host's app announces going on air, repeats it every 5 s while on air, and announces going off air", () => {
    const { clock, show, sent } = setup();
    const since = clock.now();
    show.setProgram(since);
    show.setProgram(since);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'show', onAir: true, since, by: 'Hana' });
    for (let i = 0; i < 60; i += 1) {
      clock.advance(200);
      show.tick(clock.now());
    }
    // 12 s on air: repeated at 5 s and 10 s.
    expect(sent).toHaveLength(3);
    show.setProgram(null);
    expect(sent.at(-1)).toMatchObject({ onAir: false, since: null });
    const revisions = sent.map((announcement) => announcement.revision);
    expect([...revisions].sort((a, b) => a - b)).toEqual(revisions);
    expect(new Set(revisions).size).toBe(revisions.length);
    clock.advance(20_000);
    show.tick(clock.now());
    expect(sent).toHaveLength(4);
  });

  it('says nothing while the channel is closed, or from a co-host', () => {
    const closed = setup();
    closed.port.open = false;
    closed.show.setProgram(closed.clock.now());
    expect(closed.sent).toHaveLength(0);
    const cohost = setup('cohost');
    cohost.show.setProgram(cohost.clock.now());
    cohost.clock.advance(6000);
    cohost.show.tick(cohost.clock.now());
    expect(cohost.sent).toHaveLength(0);
  });

  it('keeps the newest heard, and forgets an on-air show not heard of for 15 s', () => {
    const { clock, show, changes } = setup('cohost');
    const on: ShowAnnouncement = { v: 1, type: 'show', revision: 10, onAir: true, since: 1000, by: 'Hana' };
    show.heard(on);
    expect(show.status).toEqual({ status: 'on-air', since: 1000, by: 'Hana' });
    show.heard({ ...on, revision: 9, onAir: false, since: null });
    expect(show.status.status).toBe('on-air');
    show.heard({ ...on, revision: 11 });
    expect(changes()).toBe(1);
    clock.advance(14_000);
    show.tick(clock.now());
    expect(show.status.status).toBe('on-air');
    clock.advance(2000);
    show.tick(clock.now());
    expect(show.status).toEqual({ status: 'unknown' });
    show.heard({ ...on, revision: 12, onAir: false, since: null });
    expect(show.status).toEqual({ status: 'off-air', by: 'Hana' });
    show.reset();
    expect(show.status).toEqual({ status: 'unknown' });
    show.heard({ ...on, revision: 1 });
    expect(show.status.status).toBe('on-air');
  });
});
