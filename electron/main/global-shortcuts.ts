import type { Clock } from '../engine/clock';
import { createLogger, type Logger } from '../engine/log/logger';
import { describeAccelerator } from '../shared/accelerator';
import type { GlobalShortcutLike } from './electron-api';
import type { ShortcutSettings } from './settings-schema';
import type { ShortcutReport } from './tray-menu';

/*
 * Global shortcuts for the microphone, working while another app has the focus. Electron's
 * globalShortcut reports key-downs only, never a release; Windows and Linux/X11 repeat the call
 * while the keys are held (the keyboard's auto-repeat), macOS calls once. So:
 *   - mute toggle: calls that follow a press as its auto-repeat does (the first within
 *     HOLD_DETECT_MS, the next ones within RELEASE_GAP_MS of each other) are the same press.
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
export type PushToTalkState =
  { kind: 'idle' } | { kind: 'pressed'; timer: unknown } | { kind: 'held'; timer: unknown } | { kind: 'latched' };

/**
 * Tells the auto-repeat of the last press from a new press: the first repeat comes within
 * HOLD_DETECT_MS, the next ones within RELEASE_GAP_MS of each other. macOS never repeats a global
 * shortcut, so there every call is a press.
 */
class RepeatFilter {
  private last: number | null = null;
  private repeating = false;

  constructor(private readonly repeats: boolean) {}

  /** Starts following a press. */
  pressed(now: number): void {
    this.last = now;
    this.repeating = false;
  }

  /** True when a call at `now` is the auto-repeat of the followed press. */
  isRepeat(now: number): boolean {
    if (!this.repeats || this.last === null || now - this.last >= (this.repeating ? RELEASE_GAP_MS : HOLD_DETECT_MS)) return false;
    this.last = now;
    this.repeating = true;
    return true;
  }

  /** Forgets the press (the keys were let go). */
  reset(): void {
    this.last = null;
  }
}

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
  private ptt: PushToTalkState = { kind: 'idle' };
  private readonly muteRepeats: RepeatFilter;
  private readonly talkRepeats: RepeatFilter;
  private readonly log: Logger;

  constructor(private readonly options: GlobalShortcutsOptions) {
    this.log = options.logger ?? createLogger('shortcuts');
    this.muteRepeats = new RepeatFilter(options.platform !== 'darwin');
    this.talkRepeats = new RepeatFilter(options.platform !== 'darwin');
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
      } else if (
        !this.options.globalShortcut.register(accelerator, handlers[key]) ||
        !this.options.globalShortcut.isRegistered(accelerator)
      ) {
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
    this.ptt = { kind: 'idle' };
    this.muteRepeats.reset();
    this.talkRepeats.reset();
  }

  private pressMute(): void {
    const now = this.options.clock.now();
    if (this.muteRepeats.isRepeat(now)) return;
    this.muteRepeats.pressed(now);
    this.options.microphone.setMuted(!this.options.microphone.isMuted());
  }

  private pressTalk(): void {
    const now = this.options.clock.now();
    const state = this.ptt;
    switch (state.kind) {
      case 'idle':
        if (this.talkRepeats.isRepeat(now)) return;
        if (!this.options.microphone.isMuted()) {
          this.log.info('push-to-talk pressed while the microphone is already open: nothing to do');
          this.talkRepeats.pressed(now);
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
        this.ptt = { kind: 'idle' };
        this.talkRepeats.pressed(now);
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
    this.ptt = { kind: 'idle' };
    this.talkRepeats.reset();
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
