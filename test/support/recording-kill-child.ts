/*
 * Child process for the kill -9 test in recording-safety-recorder.test.ts: records a live tone
 * (real clock, real encoder worker) to the file given as argv[2] and prints one JSON line per
 * recorded 100 ms, until it is killed.
 */
import { ToneSource } from '../../electron/engine/audio/tone-source';
import { systemClock } from '../../electron/engine/clock';
import { OpusEncoderService } from '../../electron/engine/opus/encoder-service';
import { SafetyRecorder } from '../../electron/engine/recording/safety-recorder';

const path = process.argv[2];
if (!path) throw new Error('usage: recording-kill-child.ts FILE.opus');

const encoder = await OpusEncoderService.create({ channels: 2, bitrateKbps: 96 });
const recorder = new SafetyRecorder({ path, channels: 2, preSkip: encoder.lookaheadSamples, clock: systemClock });
recorder.start();
const source = new ToneSource({ frequencyHz: 440, channels: 2, clock: systemClock });
source.start((frame) => {
  void encoder.encode(frame).then((packet) => {
    recorder.writePacket(packet);
    if (frame.index % 5 === 4) process.stdout.write(`${JSON.stringify(recorder.state)}\n`);
  });
});
