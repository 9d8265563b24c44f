import { describe, expect, it } from 'vitest';
import {
  combineHealth,
  icecastHealth,
  janusHealth,
  mediaHealth,
  statsHealth,
  worstOf,
  type HealthSignals,
} from '../../../../electron/engine/failover/endpoint-health';
import type { OutletReading } from '../../../../electron/shared/listeners';

const NOW = 1_700_000_000_000;
const none: HealthSignals = { janusLink: null, janusProbe: null, media: null, icecast: null, stats: null };

function outlet(patch: Partial<OutletReading>): OutletReading {
  return {
    id: 'primary',
    label: 'Primary',
    url: 'http://a/x.opus',
    listeners: 3,
    relaysExcluded: 0,
    sourceLive: true,
    method: 'client-list',
    stale: false,
    staleReason: null,
    notice: null,
    ageMs: 200,
    ...patch,
  };
}

describe('endpoint health: each part', () => {
  it('Janus: the conversation link first, else a fresh probe, else unknown', () => {
    expect(janusHealth({ kind: 'joined' }, null, NOW).status).toBe('healthy');
    expect(
      janusHealth(
        { kind: 'reconnecting', since: NOW - 500, reason: 'the connection to Janus closed' },
        { ok: true, at: NOW, error: null },
        NOW,
      ),
    ).toEqual({
      status: 'down',
      reason: 'The Janus session is lost (the connection to Janus closed).',
    });
    // Every reconnection refused: the unambiguous "server gone", said as such.
    expect(
      janusHealth(
        {
          kind: 'reconnecting',
          since: NOW - 500,
          reason: 'Janus at ws://a refuses connections: the server is not running (2 attempts refused in 0.4 s)',
          refused: true,
        },
        null,
        NOW,
      ),
    ).toEqual({
      status: 'down',
      reason: 'The Janus server is gone: Janus at ws://a refuses connections: the server is not running (2 attempts refused in 0.4 s).',
    });
    expect(janusHealth({ kind: 'failed', reason: 'gone' }, null, NOW)).toEqual({ status: 'down', reason: 'gone' });
    expect(janusHealth({ kind: 'connecting', since: NOW - 1000 }, null, NOW).status).toBe('unknown');
    expect(janusHealth({ kind: 'connecting', since: NOW - 11_000 }, null, NOW).status).toBe('degraded');
    expect(janusHealth(null, { ok: true, at: NOW - 1000, error: null }, NOW).status).toBe('healthy');
    expect(janusHealth(null, { ok: false, at: NOW - 1000, error: 'refused' }, NOW)).toEqual({ status: 'down', reason: 'refused' });
    expect(janusHealth(null, { ok: false, at: NOW - 60_000, error: 'refused' }, NOW).status).toBe('unknown');
    expect(janusHealth(null, null, NOW).status).toBe('unknown');
  });

  it('media: failures count only once the media had connected on this endpoint', () => {
    expect(mediaHealth({ state: 'connected', since: NOW, detail: null, everConnected: true }, NOW).status).toBe('healthy');
    expect(mediaHealth({ state: 'disconnected', since: NOW, detail: null, everConnected: true }, NOW).status).toBe('degraded');
    expect(mediaHealth({ state: 'failed', since: NOW, detail: 'ICE failed', everConnected: true }, NOW)).toEqual({
      status: 'down',
      reason: 'ICE failed',
    });
    // The old room's connection closing after a move says nothing about the new room.
    expect(mediaHealth({ state: 'failed', since: NOW, detail: null, everConnected: false }, NOW).status).toBe('unknown');
    expect(mediaHealth({ state: 'connecting', since: NOW - 12_000, detail: null, everConnected: false }, NOW).status).toBe('degraded');
    expect(mediaHealth(null, NOW).status).toBe('unknown');
  });

  it('Icecast output and statistics', () => {
    expect(icecastHealth({ status: 'live', since: NOW, bytesSent: 1, backlogMs: 0 }).status).toBe('healthy');
    expect(icecastHealth({ status: 'live', since: NOW, bytesSent: 1, backlogMs: 5000 }).status).toBe('degraded');
    expect(
      icecastHealth({
        status: 'retrying',
        attempt: 2,
        since: NOW,
        nextAttemptAt: NOW + 500,
        errorClass: 'refused',
        error: 'connection refused',
      }),
    ).toEqual({
      status: 'down',
      reason: 'The Icecast output is down: connection refused',
    });
    expect(icecastHealth({ status: 'stopped', since: NOW, reason: 'requested', message: 'Stopped.' }).status).toBe('unknown');
    expect(icecastHealth({ status: 'stopped', since: NOW, reason: 'auth', message: 'wrong password' }).status).toBe('down');
    expect(icecastHealth(null).status).toBe('unknown');
    expect(statsHealth(outlet({})).status).toBe('healthy');
    expect(statsHealth(outlet({ stale: true, staleReason: 'server down', ageMs: 4000 }))).toEqual({
      status: 'degraded',
      reason: 'Listener statistics unreachable: server down.',
    });
    expect(statsHealth(null).status).toBe('unknown');
  });

  it('worstOf: down > degraded > healthy, unknown only when nothing is known', () => {
    expect(
      worstOf([
        { status: 'unknown', reason: null },
        { status: 'healthy', reason: null },
      ]).status,
    ).toBe('healthy');
    expect(
      worstOf([
        { status: 'degraded', reason: 'a' },
        { status: 'down', reason: 'b' },
        { status: 'healthy', reason: null },
      ]),
    ).toEqual({ status: 'down', reason: 'b' });
    expect(worstOf([]).status).toBe('unknown');
  });
});

describe('endpoint health: combined', () => {
  it('the conversation part (what moves the room) is Janus + media only', () => {
    const icecastDown = combineHealth(
      'primary',
      {
        ...none,
        janusLink: { kind: 'joined' },
        media: { state: 'connected', since: NOW, detail: null, everConnected: true },
        icecast: { status: 'retrying', attempt: 1, since: NOW, nextAttemptAt: NOW, errorClass: 'refused', error: 'refused' },
      },
      NOW,
    );
    expect(icecastDown.status).toBe('down');
    expect(icecastDown.conversation).toBe('healthy');
    expect(icecastDown.reason).toMatch(/Icecast output is down/);

    const janusDown = combineHealth(
      'primary',
      { ...none, janusLink: { kind: 'reconnecting', since: NOW, reason: 'closed' }, stats: outlet({}) },
      NOW,
    );
    expect(janusDown).toMatchObject({ status: 'down', conversation: 'down' });
  });

  it('media reports count only for the endpoint the conversation is on', () => {
    const other = combineHealth(
      'backup',
      {
        ...none,
        janusProbe: { ok: true, at: NOW, error: null },
        media: { state: 'failed', since: NOW, detail: null, everConnected: true },
      },
      NOW,
    );
    expect(other.parts.media.status).toBe('unknown');
    expect(other.conversation).toBe('healthy');
  });

  it('nothing observed: unknown', () => {
    expect(combineHealth('backup', none, NOW)).toMatchObject({ status: 'unknown', conversation: 'unknown', reason: null });
  });
});
