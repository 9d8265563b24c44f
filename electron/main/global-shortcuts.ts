import type { Clock } from '../engine/clock';
import { createLogger, type Logger } from '../engine/log/logger';
import { describeAccelerator } from './accelerator';
import type { GlobalShortcutLike } from './electron-api';
import type { ShortcutSettings } from './settings-schema';
import type { ShortcutReport } from './tray-menu';

/*
 * Global shortcuts for the microphone, working while another app has the focus. Electron's
 * globalShortcut reports key-downs only, never a release; Windows and Linux/X11 repeat the call
 * while the keys are held (the keyboard's auto-repeat), macOS calls once. So:
 *   - mute toggle: a call within REPEAT_GAP_MS of the previous one is the same press (ignored).
 *   - push-to-talk, a state machine:
 *
 *       idle ──press while muted──► pressed (unmuted) ──repeats──► held ──no repeat for RELEASE_GAP_MS──► idle (muted)
 *                                      └── no repeat within HOLD_DETECT_MS (a tap, or macOS) ──► latched (unmuted)
 *       latched ──press──► idle (muted; that press's repeats are ignored)
 *
 *     Held keys talk while held where the system repeats them; a tap (and every press on macOS)
 *     opens the microphone until the next press.
 */

/** A pause between calls longer than this ends a hold (auto-repeat runs at 15–30 calls a second). */
export const RELEASE_GAP_MS = 300;
/** The first auto-repeat comes 250 ms to 1 s after the press (Windows' longest delay): without one by then, it was a tap. */
export const HOLD_DETECT_MS = 1100;

/** What the shortcuts do to the microphone. */
export interface MicrophoneActions {
  /** True when the host's microphone is muted now. */
  isMuted(): boolean;
  setMuted(muted: boolean): void;
}

/** Push-to-talk's state (see the diagram above). */
export type PushToTalkState = { kind: 'idle'; ignoreUntil: number } | { kind: 'pressed'; timer: unknown } | { kind: 'held'; timer: unknown } | { kind: 'latched' };

/** What the shortcuts are built from. */
export interface GlobalShortcutsOptions {
  globalShortcut: GlobalShortcutLike;
  clock: Clock;
  platform: NodeJS.Platform;
  microphone: MicrophoneActions;
  logger?: Logger;
}

const NAMES = { muteToggle: 'Mute shortcut', pushToTalk: 'Push-to-talk shortcut' } as const;

/** Registers the configured shortcuts, reports the ones that could not be had, and runs them. */
export class GlobalShortcuts {
  private registered: string[] = [];
  private reportList: ShortcutReport[] = [];
  private lastMutePress = -Infinity;
  private ptt: PushToTalkState = { kind: 'idle', ignoreUntil: -Infinity };
  private readonly log: Logger;

  constructor(private readonly options: GlobalShortcutsOptions) {
    this.log = options.logger ?? createLogger('shortcuts');
  }

  /** Replaces the registered shortcuts with `settings`; returns how each one went. */
  apply(settings: ShortcutSettings): ShortcutReport[] {
    this.dispose();
    const reports: ShortcutReport[] = [];
    const handlers = { muteToggle: () => this.pressMute(), pushToTalk: () => this.pressTalk() } as const;
    for (const key of ['muteToggle', 'pushToTalk'] as const) {
      const accelerator = settings[key];
      if (accelerator === null) continue;
      const keys = describeAccelerator(accelerator, this.options.platform);
      const report: ShortcutReport = { name: NAMES[key], keys, problem: null };
      if (this.registered.includes(accelerator)) {
        report.problem = `the same keys as the other shortcut: choose different keys in the settings (shortcuts.${key})`;
      } else if (!this.options.globalShortcut.register(accelerator, handlers[key]) || !this.options.globalShortcut.isRegistered(accelerator)) {
        report.problem = `another application (or the system) already uses these keys: choose different keys in the settings (shortcuts.${key})`;
      } else {
        this.registered.push(accelerator);
      }
      if (report.problem !== null) this.log.warn(`${report.name} ${keys} is not available: ${report.problem}`);
      else this.log.info(`${report.name} ${keys} registered`);
      reports.push(report);
    }
    this.reportList = reports;
    return reports;
  }

  /** How each configured shortcut went at the last {@link apply}. */
  reports(): ShortcutReport[] {
    return this.reportList.map((report) => ({ ...report }));
  }

  /** Push-to-talk's state (for tests and the log). */
  pushToTalkState(): PushToTalkState['kind'] {
    return this.ptt.kind;
  }

  /** Unregisters every shortcut this object registered (other apps' and Electron's own stay). */
  dispose(): void {
    for (const accelerator of this.registered) this.options.globalShortcut.unregister(accelerator);
    this.registered = [];
    this.clearTimer();
    this.ptt = { kind: 'idle', ignoreUntil: -Infinity };
  }

  private pressMute(): void {
    const now = this.options.clock.now();
    const repeat = now - this.lastMutePress < RELEASE_GAP_MS;
    this.lastMutePress = now;
    if (repeat) return;
    this.options.microphone.setMuted(!this.options.microphone.isMuted());
  }

  private pressTalk(): void {
    const now = this.options.clock.now();
    const state = this.ptt;
    switch (state.kind) {
      case 'idle':
        if (now < state.ignoreUntil) {
          this.ptt = { kind: 'idle', ignoreUntil: now + RELEASE_GAP_MS };
          return;
        }
        if (!this.options.microphone.isMuted()) {
          this.log.info('push-to-talk pressed while the microphone is already open: nothing to do');
          this.ptt = { kind: 'idle', ignoreUntil: now + RELEASE_GAP_MS };
          return;
        }
        this.options.microphone.setMuted(false);
        this.ptt = { kind: 'pressed', timer: this.arm(HOLD_DETECT_MS, () => this.tapped()) };
        return;
      case 'pressed':
      case 'held':
        this.options.clock.clearTimeout(state.timer);
        this.ptt = { kind: 'held', timer: this.arm(RELEASE_GAP_MS, () => this.released()) };
        return;
      case 'latched':
        this.options.microphone.setMuted(true);
        this.ptt = { kind: 'idle', ignoreUntil: now + RELEASE_GAP_MS };
        return;
      default:
        state satisfies never;
    }
  }

  /** No repeat came: a tap (or macOS, which never repeats) keeps the microphone open until the next press. */
  private tapped(): void {
    if (this.ptt.kind === 'pressed') this.ptt = { kind: 'latched' };
  }

  /** The repeats stopped: the keys were let go. */
  private released(): void {
    if (this.ptt.kind !== 'held') return;
    this.options.microphone.setMuted(true);
    this.ptt = { kind: 'idle', ignoreUntil: -Infinity };
  }

  private arm(ms: number, callback: () => void): unknown {
    const handle = this.options.clock.setTimeout(callback, ms);
    (handle as { unref?: () => void } | null)?.unref?.();
    return handle;
  }

  private clearTimer(): void {
    if (this.ptt.kind === 'pressed' || this.ptt.kind === 'held') this.options.clock.clearTimeout(this.ptt.timer);
  }
}
