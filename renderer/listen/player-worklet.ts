import { JitterRule } from './jitter-rule';
import { LISTEN_PROCESSOR, type PlayerCommand, type PlayerStats } from './player-protocol';
import { assertNever } from '../../electron/shared/assert-never';

/*
 * AudioWorklet processor of the listen page: a jitter buffer of decoded audio played out in
 * 128-sample render quanta. It holds `target` ms before playing (see jitter-rule.ts), plays
 * silence and rebuffers when it runs dry, and drops the oldest audio back to the target when more
 * than the ceiling piles up (the live edge after a stall). Loaded from its own bundled file; it runs
 * in AudioWorkletGlobalScope, whose globals the DOM lib does not declare, so they are declared here.
 */

interface AudioWorkletProcessorBase {
  readonly port: MessagePort;
}
declare const AudioWorkletProcessor: { prototype: AudioWorkletProcessorBase; new (): AudioWorkletProcessorBase };
declare function registerProcessor(name: string, processor: new (options?: AudioWorkletNodeOptions) => AudioWorkletProcessorBase): void;
declare const currentTime: number;
declare const sampleRate: number;

interface Chunk {
  readonly channels: Float32Array[];
  offset: number;
}

const STATS_EVERY_QUANTA = 19;

class ListenProcessor extends AudioWorkletProcessor {
  private readonly rule = new JitterRule();
  private queue: Chunk[] = [];
  private buffered = 0;
  private playing = false;
  private played = 0;
  private underruns = 0;
  private dropped = 0;
  private quanta = 0;
  private energy = 0;
  private energyFrames = 0;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<PlayerCommand>) => this.command(event.data);
  }

  private nowMs(): number {
    return currentTime * 1000;
  }

  private command(command: PlayerCommand): void {
    switch (command.type) {
      case 'audio': {
        const frames = command.channels[0]?.length ?? 0;
        if (frames === 0) return;
        this.queue.push({ channels: command.channels, offset: 0 });
        this.buffered += frames;
        this.rule.arrival(this.nowMs());
        const ceiling = (this.rule.ceilingMs(this.nowMs()) / 1000) * sampleRate;
        if (this.buffered > ceiling) this.drop(this.buffered - (this.rule.targetMs(this.nowMs()) / 1000) * sampleRate);
        return;
      }
      case 'discontinuity':
        this.rule.discontinuity();
        return;
      case 'flush':
        this.queue = [];
        this.buffered = 0;
        this.playing = false;
        return;
      default:
        assertNever(command);
    }
  }

  /** Drops the oldest `frames` of buffered audio. */
  private drop(frames: number): void {
    let left = Math.floor(frames);
    this.dropped += left;
    while (left > 0 && this.queue.length > 0) {
      const chunk = this.queue[0];
      if (chunk === undefined) break;
      const available = (chunk.channels[0]?.length ?? 0) - chunk.offset;
      const take = Math.min(available, left);
      chunk.offset += take;
      left -= take;
      this.buffered -= take;
      if (chunk.offset >= (chunk.channels[0]?.length ?? 0)) this.queue.shift();
    }
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const output = outputs[0];
    if (output === undefined) return true;
    const frames = output[0]?.length ?? 128;
    if (!this.playing && this.buffered >= (this.rule.targetMs(this.nowMs()) / 1000) * sampleRate) this.playing = true;
    if (this.playing) {
      let written = 0;
      while (written < frames && this.queue.length > 0) {
        const chunk = this.queue[0];
        if (chunk === undefined) break;
        const length = chunk.channels[0]?.length ?? 0;
        const take = Math.min(frames - written, length - chunk.offset);
        for (let channel = 0; channel < output.length; channel += 1) {
          const source = chunk.channels[Math.min(channel, chunk.channels.length - 1)];
          const target = output[channel];
          if (source && target) target.set(source.subarray(chunk.offset, chunk.offset + take), written);
        }
        chunk.offset += take;
        written += take;
        this.buffered -= take;
        if (chunk.offset >= length) this.queue.shift();
      }
      this.played += written;
      const first = output[0];
      if (first) for (let i = 0; i < written; i += 1) this.energy += (first[i] ?? 0) ** 2;
      this.energyFrames += frames;
      if (written < frames) {
        this.playing = false;
        this.underruns += 1;
        this.rule.underrun(this.nowMs());
      }
    } else {
      this.energyFrames += frames;
    }
    this.quanta += 1;
    if (this.quanta % STATS_EVERY_QUANTA === 0) this.report();
    return true;
  }

  private report(): void {
    const now = this.nowMs();
    const rms = this.energyFrames > 0 ? Math.sqrt(this.energy / this.energyFrames) : 0;
    const stats: PlayerStats = {
      type: 'stats',
      bufferedMs: (this.buffered / sampleRate) * 1000,
      targetMs: this.rule.targetMs(now),
      playedMs: (this.played / sampleRate) * 1000,
      levelDb: rms > 0 ? 20 * Math.log10(rms) : -Infinity,
      underruns: this.underruns,
      droppedMs: (this.dropped / sampleRate) * 1000,
      playing: this.playing,
    };
    this.energy = 0;
    this.energyFrames = 0;
    this.port.postMessage(stats);
  }
}

registerProcessor(LISTEN_PROCESSOR, ListenProcessor);
