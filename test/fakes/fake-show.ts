import type { BroadcastChange, BroadcastControl } from '../../electron/engine/broadcast/broadcast-control';
import type { BroadcastStatus } from '../../electron/shared/broadcast';

/** A show on the engine, as `steadycast broadcast` or the engine's own Broadcast would attach it. */
export class FakeShow implements BroadcastControl {
  private readonly listeners = new Set<(change: BroadcastChange) => void>();
  constructor(readonly current: BroadcastStatus) {}
  status(): BroadcastStatus {
    return structuredClone(this.current);
  }
  retryOutput(): boolean {
    return false;
  }
  subscribe(listener: (change: BroadcastChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  end(): void {
    for (const listener of [...this.listeners]) listener({ kind: 'ended', status: this.status() });
  }
}

/** The status of a show live since `at` on one output, recording to `recordingPath`. */
export function liveStatus(at: number, recordingPath: string): BroadcastStatus {
  return {
    status: 'live',
    startedAt: at,
    source: 'microphone and room (from the control room)',
    channels: 2,
    bitrateKbps: 128,
    configuredBitrateKbps: 128,
    outputs: [
      {
        id: 'primary',
        label: 'Primary',
        url: 'http://198.18.0.1:8000/live.opus',
        state: { status: 'live', since: at, bytesSent: 0, backlogMs: 0 },
      },
    ],
    recording: { path: recordingPath, bytes: 4096, durationMs: 1000, files: 1 },
  };
}
