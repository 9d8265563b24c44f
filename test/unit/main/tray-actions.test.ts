import { describe, expect, it } from 'vitest';
import { switchToBackupFromTray } from '../../../electron/main/backup-switch';
import { engineMicrophone } from '../../../electron/main/engine-microphone';
import type { MicrophoneActions } from '../../../electron/main/global-shortcuts';
import { trayActionRunner } from '../../../electron/main/tray-actions';
import type { TrayAction } from '../../../electron/main/tray-menu';
import { createLogger } from '../../../electron/engine/log/logger';
import { createFakeElectron } from '../../fakes/electron';
import { desktopEngine } from '../../support/electron-app-support';
import { settle } from '../../support/renderer-test-support';

/*
 * What the tray's items do, on their own: the runner sends each item to its target, the
 * microphone goes through the engine's door (a refusal becomes a notice), and "Switch to backup
 * space…" asks before moving anyone and shows why a move failed.
 */

const quiet = createLogger('test-tray-actions');

describe('tray actions', () => {
  it('sends every item to its target; the mute item toggles', () => {
    const done: string[] = [];
    const muted = { now: false };
    const microphone: MicrophoneActions = {
      isMuted: () => muted.now,
      setMuted: (next) => {
        muted.now = next;
        done.push(next ? 'muted' : 'unmuted');
      },
    };
    const run = trayActionRunner({
      showWindow: () => done.push('shown'),
      microphone,
      switchToBackup: () => {
        done.push('backup');
        return Promise.resolve();
      },
      quit: () => done.push('quit'),
    });
    const actions: TrayAction[] = ['show-window', 'toggle-mute', 'toggle-mute', 'switch-to-backup', 'quit'];
    for (const action of actions) run(action);
    expect(done).toEqual(['shown', 'muted', 'unmuted', 'backup', 'quit']);
    expect(() => run('reboot' as TrayAction)).toThrow(/unexpected value: "reboot"/);
  });

  it('reads the host as unmuted off the air, and turns a refused mute into a notice', async () => {
    const engine = desktopEngine();
    const notices: { title: string; body: string }[] = [];
    const microphone = engineMicrophone(engine, (title, body) => notices.push({ title, body }));
    expect(microphone.isMuted()).toBe(false);
    microphone.setMuted(true);
    for (let turn = 0; turn < 20 && notices.length === 0; turn += 1) await settle();
    expect(notices).toEqual([{ title: 'Could not mute', body: 'Not in the conversation: join first.' }]);
  });
});

describe('switch to backup from the tray', () => {
  it('does nothing when the host cancels', async () => {
    const electron = createFakeElectron();
    const engine = desktopEngine();
    await switchToBackupFromTray({ dialog: electron.dialog, engine, logger: quiet });
    expect(electron.dialog.messageBoxes).toHaveLength(1);
    expect(electron.dialog.messageBoxes[0]).toMatchObject({
      type: 'warning',
      message: 'Move the show to the backup space?',
      cancelId: 1,
      defaultId: 1,
    });
  });

  it('moves the show when confirmed, and shows why it could not', async () => {
    const electron = createFakeElectron();
    const engine = desktopEngine();
    electron.dialog.answers.push(0);
    await switchToBackupFromTray({ dialog: electron.dialog, engine, logger: quiet });
    expect(electron.dialog.messageBoxes).toHaveLength(2);
    expect(electron.dialog.messageBoxes[1]).toMatchObject({ type: 'error', message: 'The show could not be moved to the backup space' });
    // The engine's own words, without a stack trace.
    expect(electron.dialog.messageBoxes[1]?.detail).toBe('Join the conversation first: there is nothing to move yet.');
  });
});
