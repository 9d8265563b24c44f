import { describe, expect, test } from 'vitest';
import { BroadcastUsageError, describeLoudness, parseBroadcastArgs } from '../../../electron/cli/broadcast-command';
import { toLoudnessMeters } from '../../../electron/engine/broadcast/broadcast';
import { ConfigError, parseEngineConfig } from '../../../electron/engine/config';
import { LoudnessMetersSchema } from '../../../electron/shared/loudness';

const base = ['--source', 'tone:440', '--icecast', 'http://source:pw@127.0.0.1:8000/live.opus'];

describe('the loudness chain in a space’s config', () => {
  test('absent (on at the defaults), a target and ceiling, or off', () => {
    expect(parseEngineConfig({ space: { name: 'Show' } }, 'test').space.loudness).toBeUndefined();
    expect(parseEngineConfig({ space: { name: 'Show', loudness: { targetLufs: -19 } } }, 'test').space.loudness).toEqual({
      targetLufs: -19,
      truePeakDbtp: -1,
    });
    expect(parseEngineConfig({ space: { name: 'Show', loudness: 'off' } }, 'test').space.loudness).toBe('off');
  });

  test('a target or ceiling out of range is refused, naming the field and the limit', () => {
    expect(() => parseEngineConfig({ space: { name: 'Show', loudness: { targetLufs: -50 } } }, 'space.json')).toThrow(ConfigError);
    expect(() => parseEngineConfig({ space: { name: 'Show', loudness: { targetLufs: -16, truePeakDbtp: 2 } } }, 'space.json')).toThrow(
      /space\.loudness.*0 dBTP or less/s,
    );
    expect(() => parseEngineConfig({ space: { name: 'Show', loudness: { targetLufs: -16, gain: 3 } } }, 'space.json')).toThrow(ConfigError);
  });
});

describe('steadycast broadcast --loudness / --true-peak', () => {
  test('on by default at −16 LUFS and −1 dBTP; both settable; off', () => {
    expect(parseBroadcastArgs(base).loudness).toEqual({ targetLufs: -16, truePeakDbtp: -1 });
    expect(parseBroadcastArgs([...base, '--loudness', '-19', '--true-peak', '-2']).loudness).toEqual({ targetLufs: -19, truePeakDbtp: -2 });
    expect(parseBroadcastArgs([...base, '--loudness=-23']).loudness).toEqual({ targetLufs: -23, truePeakDbtp: -1 });
    expect(parseBroadcastArgs([...base, '--loudness', 'off']).loudness).toBe('off');
  });

  test('bad values get one line that says what to write', () => {
    expect(() => parseBroadcastArgs([...base, '--loudness', 'loud'])).toThrow(BroadcastUsageError);
    expect(() => parseBroadcastArgs([...base, '--loudness', 'loud'])).toThrow(
      /--loudness must be a number of LUFS \(e\.g\. -16\) or "off"/,
    );
    expect(() => parseBroadcastArgs([...base, '--loudness', '-60'])).toThrow(/-36 LUFS or more/);
    expect(() => parseBroadcastArgs([...base, '--true-peak', '3'])).toThrow(/0 dBTP or less/);
    expect(() => parseBroadcastArgs([...base, '--loudness', 'off', '--true-peak', '-1'])).toThrow(/--loudness off turns off/);
  });

  test('the show’s loudness in one line for the summary', () => {
    expect(
      describeLoudness({
        momentaryLufs: -15,
        shortTermLufs: -16,
        integratedLufs: -16.24,
        rangeLu: 4.1,
        truePeakDbtp: -1.6,
        targetLufs: -16,
        ceilingDbtp: -1,
        levellerGainDb: 3,
        limiterGainDb: 0,
      }),
    ).toBe('-16.2 LUFS integrated, range 4.1 LU, true peak -1.6 dBTP (target -16 LUFS, ceiling -1 dBTP)');
    expect(describeLoudness(undefined)).toBe('no programme loud enough to measure');
  });
});

describe('loudness readings in the contract', () => {
  test('rounded to a tenth, silence as null, always within the schema', () => {
    const meters = toLoudnessMeters(
      {
        momentaryLufs: -300.2,
        shortTermLufs: -16.04,
        integratedLufs: null,
        rangeLu: 3.06,
        truePeakDbtp: -400,
        levellerGainDb: 12.34,
        limiterGainDb: Number.NEGATIVE_INFINITY,
      },
      { targetLufs: -16, truePeakDbtp: -1 },
    );
    expect(meters).toEqual({
      momentaryLufs: null,
      shortTermLufs: -16,
      integratedLufs: null,
      rangeLu: 3.1,
      truePeakDbtp: null,
      targetLufs: -16,
      ceilingDbtp: -1,
      levellerGainDb: 12.3,
      limiterGainDb: -120,
    });
    expect(LoudnessMetersSchema.parse(meters)).toEqual(meters);
    expect(
      toLoudnessMeters(
        {
          momentaryLufs: -20,
          shortTermLufs: null,
          integratedLufs: null,
          rangeLu: null,
          truePeakDbtp: -3,
          levellerGainDb: 0,
          limiterGainDb: 0,
        },
        'off',
      ),
    ).toMatchObject({ targetLufs: null, ceilingDbtp: null });
  });
});
