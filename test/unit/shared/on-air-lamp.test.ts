import { describe, expect, it } from 'vitest';
import type { OutputState, OutputStatus } from '../../../electron/shared/broadcast';
import { describeOnAirLamp, lampIsLit, onAirLamp } from '../../../electron/shared/on-air-lamp';

const output = (id: string, state: OutputState): OutputStatus => ({ id, label: id, url: `http://icecast/${id}.opus`, state });
const live: OutputState = { status: 'live', since: 0, bytesSent: 1, backlogMs: 0 };
const connecting = (attempt: number): OutputState => ({ status: 'connecting', attempt, since: 0 });
const retrying: OutputState = { status: 'retrying', attempt: 1, since: 0, nextAttemptAt: 1, errorClass: 'refused', error: 'refused' };
const stopped: OutputState = { status: 'stopped', since: 0, reason: 'auth', message: 'wrong password' };
const program = (...states: OutputState[]): { outputs: OutputStatus[] } => ({
  outputs: states.map((state, index) => output(String(index), state)),
});

describe('the on-air lamp', () => {
  it('is off with no program and no host show', () => {
    const lamp = onAirLamp(null);
    expect(lamp).toEqual({ kind: 'off' });
    expect(describeOnAirLamp(lamp)).toEqual({ text: 'OFF AIR', headline: 'OFF AIR', count: null, sentence: 'Off air', tone: 'dark' });
    expect(lampIsLit(lamp)).toBe(false);
  });

  it('is lit red and says ON AIR only when every output is live', () => {
    const lamp = onAirLamp(program(live, live));
    expect(lamp).toEqual({ kind: 'on-air', live: 2, total: 2 });
    expect(describeOnAirLamp(lamp)).toMatchObject({ text: 'ON AIR', tone: 'lit' });
    expect(describeOnAirLamp(onAirLamp(program(live))).sentence).toBe('On air: the output is live');
    expect(lampIsLit(lamp)).toBe(true);
  });

  it('says how many outputs are live when only some are', () => {
    for (const other of [retrying, stopped, connecting(3)]) {
      const lamp = onAirLamp(program(live, other));
      expect(lamp).toEqual({ kind: 'partial', live: 1, total: 2 });
      expect(describeOnAirLamp(lamp)).toMatchObject({
        text: 'LIVE · 1 of 2 outputs',
        headline: 'LIVE',
        count: '1 of 2 outputs',
        tone: 'warn',
      });
      expect(lampIsLit(lamp)).toBe(true);
    }
  });

  it('says NOT REACHING LISTENERS, not on air, while the show runs with no output live', () => {
    for (const states of [[retrying], [stopped], [connecting(2)], [retrying, connecting(1)]]) {
      const lamp = onAirLamp(program(...states));
      expect(lamp).toEqual({ kind: 'unreached', total: states.length });
      const words = describeOnAirLamp(lamp);
      expect(words.text).toBe(`NOT REACHING LISTENERS · 0 of ${states.length} output${states.length === 1 ? '' : 's'}`);
      expect(words.tone).toBe('warn');
      expect(`${words.text} ${words.sentence}`).not.toMatch(/on air/i);
      expect(lampIsLit(lamp)).toBe(false);
    }
  });

  it('says the show is going on air while the first attempts connect, without calling it on air', () => {
    const lamp = onAirLamp(program(connecting(1), connecting(1)));
    expect(lamp).toEqual({ kind: 'starting', total: 2 });
    expect(describeOnAirLamp(lamp)).toMatchObject({ text: 'GOING ON AIR · 0 of 2 outputs', tone: 'warn' });
    expect(lampIsLit(lamp)).toBe(false);
  });

  it('says a show with no outputs is only recorded', () => {
    const lamp = onAirLamp(program());
    expect(lamp).toEqual({ kind: 'unreached', total: 0 });
    expect(describeOnAirLamp(lamp).text).toBe('RECORDING ONLY · no outputs');
  });

  it("lights a co-host's window from the host's announced show; its own program comes first", () => {
    expect(onAirLamp(null, { by: 'Ana Host' })).toEqual({ kind: 'host', by: 'Ana Host' });
    expect(describeOnAirLamp({ kind: 'host', by: 'Ana Host' })).toMatchObject({
      text: 'ON AIR',
      sentence: "On air: Ana Host's show",
      tone: 'lit',
    });
    expect(onAirLamp(program(retrying), { by: 'Ana Host' }).kind).toBe('unreached');
  });
});
