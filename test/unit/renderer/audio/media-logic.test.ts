import { describe, expect, it } from 'vitest';
import {
  CHOSEN_MISSING_PROBLEM,
  decideMicrophone,
  describeMicrophoneError,
  inputDevices,
  microphoneConstraints,
} from '../../../../renderer/audio/microphone';
import { preferOpus, restartDelayMs, RESTART_BACKOFF_MAX_MS } from '../../../../renderer/audio/room-peer';

const usb = { id: 'usb-mic', label: 'USB microphone' };
const builtIn = { id: 'built-in', label: 'Built-in microphone' };
const defaultEntry = { id: 'default', label: 'Default - Built-in microphone' };

describe('microphoneConstraints', () => {
  it('asks for processed speech, mono, 48 kHz, on the chosen device', () => {
    const constraints = microphoneConstraints('usb-mic');
    expect(constraints.video).toBe(false);
    expect(constraints.audio).toMatchObject({
      deviceId: { exact: 'usb-mic' },
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
      sampleRate: { ideal: 48_000 },
      channelCount: { ideal: 1 },
    });
  });

  it('leaves the device open for the default', () => {
    expect(microphoneConstraints(null).audio).not.toHaveProperty('deviceId');
    expect(microphoneConstraints('default').audio).not.toHaveProperty('deviceId');
  });
});

describe('inputDevices', () => {
  it('keeps audio inputs only, drops hidden and communications entries, and labels unnamed ones', () => {
    const devices = inputDevices([
      { kind: 'audioinput', deviceId: 'default', label: '' },
      { kind: 'audioinput', deviceId: 'communications', label: 'Communications' },
      { kind: 'audiooutput', deviceId: 'speakers', label: 'Speakers' },
      { kind: 'audioinput', deviceId: '', label: '' },
      { kind: 'audioinput', deviceId: 'usb-mic', label: ' USB microphone ' },
      { kind: 'audioinput', deviceId: 'other', label: '' },
    ]);
    expect(devices).toEqual([
      { id: 'default', label: 'Default microphone' },
      { id: 'usb-mic', label: 'USB microphone' },
      { id: 'other', label: 'Microphone 3' },
    ]);
  });
});

describe('decideMicrophone', () => {
  it('keeps the chosen device while it is live', () => {
    expect(decideMicrophone([defaultEntry, builtIn, usb], 'usb-mic', 'usb-mic')).toEqual({ action: 'keep', problem: null });
  });

  it('falls back to the default, saying so, when the chosen device is unplugged', () => {
    expect(decideMicrophone([defaultEntry, builtIn], 'usb-mic', null)).toEqual({
      action: 'open',
      deviceId: null,
      problem: CHOSEN_MISSING_PROBLEM,
    });
    // The track may still look live for a moment after the device left the list.
    expect(decideMicrophone([defaultEntry, builtIn], 'usb-mic', 'usb-mic')).toEqual({
      action: 'open',
      deviceId: null,
      problem: CHOSEN_MISSING_PROBLEM,
    });
  });

  it('keeps the stand-in default while the chosen device is away', () => {
    expect(decideMicrophone([defaultEntry, builtIn], 'usb-mic', 'built-in')).toEqual({ action: 'keep', problem: CHOSEN_MISSING_PROBLEM });
  });

  it('takes the chosen device back when it returns', () => {
    expect(decideMicrophone([defaultEntry, builtIn, usb], 'usb-mic', 'built-in')).toEqual({
      action: 'open',
      deviceId: 'usb-mic',
      problem: null,
    });
  });

  it('reopens the default when the default track ended, with no problem of its own', () => {
    expect(decideMicrophone([defaultEntry, builtIn], null, null)).toEqual({ action: 'open', deviceId: null, problem: null });
    expect(decideMicrophone([defaultEntry, builtIn], 'default', 'built-in')).toEqual({ action: 'keep', problem: null });
  });

  it('does not switch away from a live track when the device list is unknown', () => {
    expect(decideMicrophone([], null, 'built-in')).toEqual({ action: 'keep', problem: null });
  });
});

describe('describeMicrophoneError', () => {
  const named = (name: string): Error => Object.assign(new Error('raw'), { name });

  it('says what to do for each getUserMedia failure', () => {
    expect(describeMicrophoneError(named('NotAllowedError'))).toMatch(/Allow microphone access/);
    expect(describeMicrophoneError(named('NotFoundError'))).toMatch(/No microphone was found/);
    expect(describeMicrophoneError(named('NotReadableError'))).toMatch(/another app may be using it/);
    expect(describeMicrophoneError(new Error('odd'))).toMatch(/\(odd\)/);
  });

  it('reads DOMException-like objects too', () => {
    expect(describeMicrophoneError({ name: 'NotAllowedError', message: 'denied' })).toMatch(/Allow microphone access/);
  });
});

describe('room peer policy', () => {
  it('puts Opus first and keeps the other codecs in order', () => {
    const codecs = [{ mimeType: 'audio/red' }, { mimeType: 'audio/opus' }, { mimeType: 'audio/telephone-event' }];
    expect(preferOpus(codecs).map((codec) => codec.mimeType)).toEqual(['audio/opus', 'audio/red', 'audio/telephone-event']);
    expect(preferOpus([{ mimeType: 'audio/OPUS' }])).toHaveLength(1);
  });

  it('backs off restart attempts exponentially, capped', () => {
    expect([1, 2, 3, 4].map(restartDelayMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(restartDelayMs(30)).toBe(RESTART_BACKOFF_MAX_MS);
  });
});
