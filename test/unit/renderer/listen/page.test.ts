import { describe, expect, it } from 'vitest';
import { buildOggPage, OGG_FLAG_CONTINUED, OGG_FLAG_FIRST } from '../../../../electron/engine/ogg/ogg-page';
import { opusHead, opusTags } from '../../../../electron/engine/ogg/ogg-opus-stream';
import { DEFAULT_JITTER_RULE, JitterRule } from '../../../../renderer/listen/jitter-rule';
import { OggOpusDemuxer, opusPacketSamples, parseOpusHead, type OggOpusEvent } from '../../../../renderer/listen/ogg-opus-demuxer';
import { listenTargets, weightedOrder } from '../../../../renderer/listen/relay-choice';
import { FIRST_ROUND_DELAY_MS, MAX_ROUND_DELAY_MS, nextAttempt } from '../../../../renderer/listen/source-rule';
import { mountStatusIn } from '../../../../renderer/listen/space-status';
import { parseListenConfig } from '../../../../renderer/listen/listen-config';

/** A 20 ms CELT fullband packet (TOC config 31, one frame) with `body` bytes after the TOC. */
const packet = (marker: number, body = 40): Uint8Array =>
  Uint8Array.from({ length: body + 1 }, (_, i) => (i === 0 ? (31 << 3) | 0 : marker));

/** A chained-Ogg logical stream: header pages, then `count` audio pages of one packet each. */
function stream(serial: number, channels: 1 | 2, count: number, marker: number): Uint8Array[] {
  const pages = [
    buildOggPage({ serial, sequence: 0, granule: 0n, flags: OGG_FLAG_FIRST, packets: [opusHead(channels, 312, 48_000)] }),
    buildOggPage({ serial, sequence: 1, granule: 0n, flags: 0, packets: [opusTags('test', {})] }),
  ];
  for (let i = 0; i < count; i += 1)
    pages.push(buildOggPage({ serial, sequence: 2 + i, granule: BigInt(960 * (i + 1)), flags: 0, packets: [packet(marker + i)] }));
  return pages;
}

const joined = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
};

const summary = (events: OggOpusEvent[]): string[] =>
  events.map((event) =>
    event.kind === 'head' ? `head ${event.serial} ${event.head.channels}ch` : `audio ${event.serial} ${event.packet[1]}`,
  );

describe('listen page: Ogg Opus demuxer', () => {
  it('gives the head, then the audio packets, however the bytes are cut by the network', () => {
    const bytes = joined(stream(7, 2, 3, 10));
    for (const cut of [1, 7, 100, bytes.byteLength]) {
      const demuxer = new OggOpusDemuxer();
      const events: OggOpusEvent[] = [];
      for (let at = 0; at < bytes.byteLength; at += cut) events.push(...demuxer.push(bytes.subarray(at, at + cut)));
      expect(summary(events)).toEqual(['head 7 2ch', 'audio 7 10', 'audio 7 11', 'audio 7 12']);
    }
  });

  it('survives chained Ogg: a new OpusHead mid-stream (a fallback-mount switch) starts a new logical stream', () => {
    const demuxer = new OggOpusDemuxer();
    const events = demuxer.push(joined([...stream(1, 2, 2, 10), ...stream(2, 1, 2, 50), ...stream(1, 2, 1, 90)]));
    expect(summary(events)).toEqual([
      'head 1 2ch',
      'audio 1 10',
      'audio 1 11',
      'head 2 1ch',
      'audio 2 50',
      'audio 2 51',
      'head 1 2ch',
      'audio 1 90',
    ]);
  });

  it('joins a packet continued on the next page, and skips bytes before the first page (a connection that starts mid-page)', () => {
    const big = packet(33, 400);
    const [head, tags] = stream(3, 2, 0, 0);
    // buildOggPage ends every packet on its page (lacing 255, 0): drop the 0 by hand so the packet continues.
    const first = buildOggPage({ serial: 3, sequence: 2, granule: -1n, flags: 0, packets: [big.subarray(0, 255)] });
    const second = buildOggPage({ serial: 3, sequence: 3, granule: 960n, flags: OGG_FLAG_CONTINUED, packets: [big.subarray(255)] });
    const continuing = Uint8Array.from([...first.subarray(0, 26), 1, 255, ...first.subarray(29)]);
    const demuxer = new OggOpusDemuxer();
    const events = demuxer.push(
      joined([Uint8Array.from([1, 2, 3, 0x4f, 0x67]), head ?? new Uint8Array(), tags ?? new Uint8Array(), continuing, second]),
    );
    const audio = events.filter((event) => event.kind === 'audio');
    expect(audio).toHaveLength(1);
    expect(audio[0]?.kind === 'audio' && audio[0].packet).toEqual(big);
  });

  it('reads the OpusHead fields, and the samples of a packet from its TOC', () => {
    expect(parseOpusHead(opusHead(2, 312, 44_100))).toMatchObject({
      channels: 2,
      preSkip: 312,
      inputSampleRate: 44_100,
      mappingFamily: 0,
      streamCount: 1,
      coupledStreamCount: 1,
    });
    expect(parseOpusHead(new TextEncoder().encode('OpusTags'))).toBeNull();
    expect(opusPacketSamples(packet(0))).toBe(960);
    expect(opusPacketSamples(Uint8Array.of((31 << 3) | 1))).toBe(1920);
    expect(opusPacketSamples(Uint8Array.of((3 << 3) | 3, 3))).toBe(3 * 2880);
    expect(opusPacketSamples(Uint8Array.of(16 << 3))).toBe(120);
    expect(opusPacketSamples(new Uint8Array())).toBe(0);
  });
});

describe('listen page: jitter buffer rule', () => {
  /** Five 20 ms packets at once, every `everyMs` from `from`, with `late(page)` ms of delay (TCP keeps order: a late page holds up the next). */
  const pages = (rule: JitterRule, from: number, count: number, everyMs = 100, late: (page: number) => number = () => 0): number => {
    let at = from;
    for (let page = 0; page < count; page += 1) {
      at = Math.max(at, from + page * everyMs + late(page));
      for (let packet = 0; packet < 5; packet += 1) rule.arrival(at);
    }
    return at;
  };

  it('a steady stream of 100 ms pages (five 20 ms packets at once) settles at margin + one page', () => {
    const rule = new JitterRule();
    expect(rule.targetMs(0)).toBe(DEFAULT_JITTER_RULE.initialMs);
    const at = pages(rule, 0, 50);
    expect(rule.targetMs(at)).toBe(DEFAULT_JITTER_RULE.marginMs + 100);
  });

  it('network jitter raises the target by the late time; once it is out of the window the target comes back down', () => {
    const rule = new JitterRule();
    const at = pages(rule, 0, 50, 100, (page) => (page === 24 ? 150 : 0));
    expect(rule.targetMs(at)).toBe(DEFAULT_JITTER_RULE.marginMs + 250);
    const later = pages(rule, at + 100, 150);
    expect(rule.targetMs(later)).toBe(DEFAULT_JITTER_RULE.marginMs + 100);
  });

  it('a burst of old audio (a server’s burst-on-connect, a backlog after a stall) never raises the target; an outage is not jitter', () => {
    const rule = new JitterRule();
    for (let packet = 0; packet < 1500; packet += 1) rule.arrival(0);
    const at = pages(rule, 100, 20);
    expect(rule.targetMs(at)).toBe(DEFAULT_JITTER_RULE.marginMs + 100);
    // 3 s without data, then the backlog at once.
    for (let packet = 0; packet < 150; packet += 1) rule.arrival(at + 3000);
    expect(rule.targetMs(at + 3000)).toBe(DEFAULT_JITTER_RULE.marginMs + 100);
  });

  it('an underrun raises the target, and the raise fades out', () => {
    const rule = new JitterRule();
    const at = pages(rule, 0, 20);
    const steady = rule.targetMs(at);
    rule.underrun(at);
    expect(rule.targetMs(at)).toBe(steady + DEFAULT_JITTER_RULE.underrunBoostMs);
    expect(rule.targetMs(at + DEFAULT_JITTER_RULE.boostFadeMs / 2)).toBeCloseTo(steady + DEFAULT_JITTER_RULE.underrunBoostMs / 2, 5);
    expect(rule.targetMs(at + DEFAULT_JITTER_RULE.boostFadeMs)).toBe(steady);
  });

  it('the ceiling (the live edge) sits above the target by the slack or half the target; the target stays in bounds', () => {
    const rule = new JitterRule();
    expect(rule.ceilingMs(0)).toBe(DEFAULT_JITTER_RULE.initialMs + DEFAULT_JITTER_RULE.slackMs);
    pages(rule, 0, 5, 900);
    expect(rule.targetMs(3600)).toBe(DEFAULT_JITTER_RULE.marginMs + 900);
    expect(rule.ceilingMs(3600)).toBe((DEFAULT_JITTER_RULE.marginMs + 900) * 1.5);
    for (let i = 0; i < 30; i += 1) rule.underrun(3600);
    expect(rule.targetMs(3600)).toBe(DEFAULT_JITTER_RULE.maxMs);
    const quick = new JitterRule();
    pages(quick, 0, 20, 20);
    expect(quick.targetMs(400)).toBe(DEFAULT_JITTER_RULE.minMs);
  });

  it('the wait for a new connection is no gap of the network’s', () => {
    const rule = new JitterRule();
    const at = pages(rule, 0, 20);
    rule.discontinuity();
    const later = pages(rule, at + 700, 5);
    expect(rule.targetMs(later)).toBe(DEFAULT_JITTER_RULE.marginMs + 100);
  });
});

describe('listen page: which stream next', () => {
  it('moves at once to the next source, and waits (doubling, capped) only after a whole round failed', () => {
    expect(nextAttempt(0, 1, 2)).toEqual({ index: 1, delayMs: 0 });
    expect(nextAttempt(1, 2, 2)).toEqual({ index: 0, delayMs: FIRST_ROUND_DELAY_MS });
    expect(nextAttempt(0, 3, 2)).toEqual({ index: 1, delayMs: 0 });
    expect(nextAttempt(1, 4, 2)).toEqual({ index: 0, delayMs: FIRST_ROUND_DELAY_MS * 2 });
    expect(nextAttempt(1, 40, 2)).toEqual({ index: 0, delayMs: MAX_ROUND_DELAY_MS });
    expect(nextAttempt(0, 1, 1)).toEqual({ index: 0, delayMs: FIRST_ROUND_DELAY_MS });
    expect(() => nextAttempt(0, 1, 0)).toThrow(/at least one source/);
  });
});

describe('listen page: the space’s state from status-json.xsl', () => {
  const body = {
    icestats: {
      source: [
        { listenurl: 'http://a:8000/launch.opus', stream_start: 'Sun, 06 Dec 2026', listeners: 12 },
        { listenurl: 'http://a:8000/launch-other.opus', stream_start: 'Sun, 06 Dec 2026', listeners: 3 },
        { listenurl: 'http://a:8000/quiet.opus', listeners: 0 },
      ],
    },
  };
  it('finds the mount by path: on air with its listeners, off air without a source, unreachable without icestats', () => {
    expect(mountStatusIn(body, 'https://cdn.example.org/launch.opus')).toEqual({ state: 'live', listeners: 12 });
    expect(mountStatusIn(body, 'http://a:8000/quiet.opus')).toEqual({ state: 'off' });
    expect(mountStatusIn({ icestats: { source: { listenurl: 'http://a/x.opus', stream_start: 'now' } } }, 'http://a/x.opus')).toEqual({
      state: 'live',
      listeners: null,
    });
    expect(mountStatusIn({ icestats: {} }, 'http://a/x.opus')).toEqual({ state: 'off' });
    expect(mountStatusIn('<html>', 'http://a/x.opus')).toEqual({ state: 'unreachable' });
  });
});

describe('listen page: relays (weighted by capacity, the backup’s last)', () => {
  /** A seeded generator (mulberry32): the fake random numbers the rule is given. */
  const seeded = (seed: number) => (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  it('draws each first choice in proportion to capacity; a full (capacity 0) relay comes last', () => {
    const relays = [
      { name: 'a', capacity: 1000 },
      { name: 'b', capacity: 3000 },
      { name: 'full', capacity: 0 },
    ];
    const random = seeded(42);
    const first = new Map<string, number>();
    const draws = 20_000;
    let fullLast = 0;
    for (let i = 0; i < draws; i += 1) {
      const order = weightedOrder(relays, (relay) => relay.capacity, random);
      if (order.length === 3 && order[2]?.name === 'full') fullLast += 1;
      first.set(order[0]?.name ?? '', (first.get(order[0]?.name ?? '') ?? 0) + 1);
    }
    expect(fullLast).toBe(draws);
    expect((first.get('b') ?? 0) / draws).toBeCloseTo(0.75, 1);
    expect((first.get('a') ?? 0) / draws).toBeCloseTo(0.25, 1);
    // The draw itself: random 0.2 of a total 4000 falls in a's 1000, then b is all that is left.
    expect(
      weightedOrder(
        relays,
        (relay) => relay.capacity,
        () => 0.2,
      ).map((relay) => relay.name),
    ).toEqual(['a', 'b', 'full']);
    expect(
      weightedOrder(
        relays,
        (relay) => relay.capacity,
        () => 0.3,
      ).map((relay) => relay.name),
    ).toEqual(['b', 'a', 'full']);
  });

  it('tries the primary’s relays, then the primary mount, then the backup’s relays, then the backup mount', () => {
    const sources = [
      {
        label: 'Primary',
        url: 'http://a/m.opus',
        statusUrl: 'http://a/status-json.xsl',
        relays: [
          { url: 'http://a1/m.opus', capacity: 100 },
          { url: 'http://a2/m.opus', capacity: 300 },
        ],
      },
      {
        label: 'Backup',
        url: 'http://b/m.opus',
        statusUrl: 'http://b/status-json.xsl',
        relays: [{ url: 'http://b1/m.opus', capacity: 500 }],
      },
    ];
    expect(listenTargets(sources, () => 0.9).map((target) => `${target.source}:${target.url}`)).toEqual([
      '0:http://a2/m.opus',
      '0:http://a1/m.opus',
      '0:http://a/m.opus',
      '1:http://b1/m.opus',
      '1:http://b/m.opus',
    ]);
    expect(listenTargets(sources, () => 0.1).map((target) => target.relay)).toEqual([0, 1, null, 0, null]);
    // Without relays: the mounts, primary first (as before relays existed).
    const plain = sources.map(({ label, url, statusUrl }) => ({ label, url, statusUrl }));
    expect(listenTargets(plain, Math.random).map((target) => target.url)).toEqual(['http://a/m.opus', 'http://b/m.opus']);
  });

  it('a failed, refused (403) or stalled target moves to the next in that order, and a whole round waits', () => {
    // Five targets (as above): failures walk the order; the fifth failure in a row wraps and waits.
    expect([1, 2, 3, 4].map((failures) => nextAttempt(failures - 1, failures, 5))).toEqual(
      [1, 2, 3, 4].map((index) => ({ index, delayMs: 0 })),
    );
    expect(nextAttempt(4, 5, 5)).toEqual({ index: 0, delayMs: FIRST_ROUND_DELAY_MS });
  });

  it('the page’s configuration may list relays with capacities, and refuses bad ones', () => {
    const base = {
      name: 'x',
      sources: [
        { label: 'P', url: 'http://a/m.opus', statusUrl: 'http://a/status-json.xsl', relays: [{ url: 'http://r/m.opus', capacity: 200 }] },
      ],
    };
    expect(parseListenConfig(base).sources[0]?.relays).toEqual([{ url: 'http://r/m.opus', capacity: 200 }]);
    expect(() => parseListenConfig({ ...base, sources: [{ ...base.sources[0], relays: [{ url: 'http://r/m.opus' }] }] })).toThrow(
      /without url and capacity/,
    );
    expect(() =>
      parseListenConfig({ ...base, sources: [{ ...base.sources[0], relays: [{ url: 'ftp://r/m.opus', capacity: 1 }] }] }),
    ).toThrow(/not http\(s\)/);
  });
});
