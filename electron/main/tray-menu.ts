import type { MenuItemConstructorOptions } from 'electron';
import type { ListenerReading } from '../shared/listeners';
import { describeOnAirLamp, lampIsLit, onAirLamp } from '../shared/on-air-lamp';
import type { EngineState } from '../shared/state';

/*
 * The tray (menu bar extra on macOS) as a pure function of the engine state: what it says about
 * the show (on air, listener total, microphone) and which actions it offers. main/tray.ts puts it
 * on screen and runs the actions.
 */

/** What a tray item does when clicked. */
export type TrayAction = 'show-window' | 'toggle-mute' | 'switch-to-backup' | 'quit';

/** One line of the tray menu. */
export type TrayItem =
  | { kind: 'action'; id: string; action: TrayAction; label: string; enabled: boolean; toolTip?: string }
  | { kind: 'info'; id: string; label: string }
  | { kind: 'separator' };

/** A global shortcut as the tray reports it. */
export interface ShortcutReport {
  /** "Mute shortcut", "Push-to-talk shortcut". */
  name: string;
  /** As the platform writes it (Ctrl+Shift+M). */
  keys: string;
  /** Null when it works; otherwise why not. */
  problem: string | null;
}

/** What the tray is drawn from. */
export interface TrayInput {
  state: EngineState;
  /** The latest listener reading, or null before the first. */
  listeners: ListenerReading | null;
  shortcuts: readonly ShortcutReport[];
  /** Formats an engine time as a local clock time ("20:15"). */
  formatTime: (at: number) => string;
}

/** The tray's whole content. */
export interface TrayView {
  /** The program reaches listeners (the lamp is lit): the live icon. */
  onAir: boolean;
  /** A show runs, reaching listeners or not: quitting ends it. */
  showRunning: boolean;
  toolTip: string;
  /** macOS menu bar text beside the icon ("" off air). */
  title: string;
  items: TrayItem[];
}

/** No failover command exists in the contract yet: the item is there, disabled, and says why. */
export const SWITCH_TO_BACKUP_UNAVAILABLE =
  'Only the host or a producer in the conversation on the primary space can move it to the backup.';

/** Builds the tray from the state. */
export function trayView({ state, listeners, shortcuts, formatTime }: TrayInput): TrayView {
  const broadcast = state.broadcast;
  const showRunning = broadcast !== null;
  // The same lamp as the window's: "on air" only while the program reaches listeners, in words.
  const lamp = onAirLamp(broadcast);
  const onAir = lampIsLit(lamp);
  const { text: lampText, sentence } = describeOnAirLamp(lamp);
  const listenerText = describeListeners(listeners);
  const items: TrayItem[] = [];

  if (broadcast) {
    const stopping = broadcast.status === 'stopping' ? ' (ending)' : '';
    items.push({
      kind: 'info',
      id: 'on-air',
      label: `${onAir ? '●' : '▲'} ${sentence} · since ${formatTime(broadcast.startedAt)}${stopping}`,
    });
  } else {
    items.push({ kind: 'info', id: 'on-air', label: 'Off air' });
  }
  items.push({ kind: 'info', id: 'listeners', label: `Listeners: ${listenerText ?? 'not counted yet'}` });
  items.push({ kind: 'separator' });
  items.push(muteItem(state));
  items.push(switchItem(state));
  const problems = shortcuts.filter((shortcut) => shortcut.problem !== null);
  if (problems.length > 0) {
    items.push({ kind: 'separator' });
    for (const shortcut of problems)
      items.push({ kind: 'info', id: `shortcut-${shortcut.name}`, label: `${shortcut.name} ${shortcut.keys}: ${shortcut.problem ?? ''}` });
  }
  items.push({ kind: 'separator' });
  items.push({ kind: 'action', id: 'show-window', action: 'show-window', label: 'Show Steadycast', enabled: true });
  items.push({
    kind: 'action',
    id: 'quit',
    action: 'quit',
    label: showRunning ? 'Quit Steadycast… (ends the show)' : 'Quit Steadycast',
    enabled: true,
  });

  const toolTip = `Steadycast — ${showRunning ? sentence.charAt(0).toLowerCase() + sentence.slice(1) : 'off air'}${showRunning && listenerText !== null ? ` · ${listenerText}` : ''}`;
  const count = onAir && listeners && listeners.coveredOutlets > 0 ? ` · ${formatCount(listeners.total)}` : '';
  const title = showRunning ? `${lampText}${count}` : '';
  return { onAir, showRunning, toolTip, title, items };
}

/** The menu template for Electron's `Menu.buildFromTemplate`, each action going to `run`. */
export function trayMenuTemplate(view: TrayView, run: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return view.items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'info':
        return { id: item.id, label: item.label, enabled: false };
      case 'action':
        return {
          id: item.id,
          label: item.label,
          enabled: item.enabled,
          ...(item.toolTip ? { toolTip: item.toolTip } : {}),
          click: () => run(item.action),
        };
    }
  });
}

function muteItem(state: EngineState): TrayItem {
  const conversation = state.conversation;
  const self = conversation.participants.find((participant) => participant.self);
  if (conversation.link.status !== 'joined') {
    return {
      kind: 'action',
      id: 'toggle-mute',
      action: 'toggle-mute',
      label: 'Mute microphone',
      enabled: false,
      toolTip: 'Join the conversation to use the microphone.',
    };
  }
  if (self?.mutedBy === 'moderator') {
    return {
      kind: 'action',
      id: 'toggle-mute',
      action: 'toggle-mute',
      label: 'Muted by a moderator',
      enabled: false,
      toolTip: 'Only the host or a producer can unmute you.',
    };
  }
  const muted = conversation.selfMuted || self?.muted === true;
  return {
    kind: 'action',
    id: 'toggle-mute',
    action: 'toggle-mute',
    label: muted ? 'Unmute microphone' : 'Mute microphone',
    enabled: true,
  };
}

function switchItem(state: EngineState): TrayItem {
  const hasBackup = state.space.endpoints.some((endpoint) => endpoint.name === 'backup') || state.failover?.hasBackup === true;
  const failover = state.failover;
  const onPrimary =
    failover !== undefined && failover.onAir === 'primary' && (failover.phase.phase === 'onPrimary' || failover.phase.phase === 'degraded');
  const enabled = hasBackup && onPrimary && failover.canSwitch;
  return {
    kind: 'action',
    id: 'switch-to-backup',
    action: 'switch-to-backup',
    label: failover?.onAir === 'backup' ? 'On the backup space' : 'Switch to backup space…',
    enabled,
    ...(enabled
      ? {}
      : { toolTip: hasBackup ? SWITCH_TO_BACKUP_UNAVAILABLE : 'This space has no backup endpoint: add one in the space settings.' }),
  };
}

/** "1,234 listeners", with the coverage when not every server answered; null before any reading. */
function describeListeners(reading: ListenerReading | null): string | null {
  if (reading === null) return null;
  if (reading.coveredOutlets === 0) return 'unknown (no server answered recently)';
  const count = `${formatCount(reading.total)} listener${reading.total === 1 ? '' : 's'}`;
  return reading.coveredOutlets < reading.totalOutlets
    ? `${count} (${reading.coveredOutlets} of ${reading.totalOutlets} servers answered)`
    : count;
}

function formatCount(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
