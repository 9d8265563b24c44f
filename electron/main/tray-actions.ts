import type { MicrophoneActions } from './global-shortcuts';
import type { TrayAction } from './tray-menu';
import { assertNever } from '../shared/assert-never';

/** What the tray's items act on. */
export interface TrayActionTargets {
  showWindow(): void;
  microphone: MicrophoneActions;
  /** Asks, then moves the show to the backup space; never rejects. */
  switchToBackup(): Promise<void>;
  quit(): void;
}

/** Runs the tray's items (and a click on the icon, which is `show-window`). */
export function trayActionRunner(targets: TrayActionTargets): (action: TrayAction) => void {
  return (action) => {
    switch (action) {
      case 'show-window':
        targets.showWindow();
        return;
      case 'toggle-mute':
        targets.microphone.setMuted(!targets.microphone.isMuted());
        return;
      case 'switch-to-backup':
        void targets.switchToBackup();
        return;
      case 'quit':
        targets.quit();
        return;
      default:
        assertNever(action);
    }
  };
}
