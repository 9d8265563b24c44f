import type { GlobalShortcuts } from './global-shortcuts';
import type { ShortcutReport } from './tray-menu';
import type { DesktopSettings } from './settings-schema';

/** The notice for shortcuts that could not be registered, or null when all were. */
export function unavailableShortcutsNotice(reports: readonly ShortcutReport[]): { title: string; body: string } | null {
  const unavailable = reports.filter((report) => report.problem !== null);
  if (unavailable.length === 0) return null;
  return {
    title: 'Some Steadycast shortcuts are not available',
    body: unavailable.map((report) => `${report.name} ${report.keys}: ${report.problem ?? ''}`).join('\n'),
  };
}

/** Registers `next` (at start, and when the settings screen saves other keys) and says which keys are not available. */
export function applyShortcutSettings(
  shortcuts: Pick<GlobalShortcuts, 'apply'>,
  next: DesktopSettings['shortcuts'],
  notify: (title: string, body: string) => void,
): void {
  const notice = unavailableShortcutsNotice(shortcuts.apply(next));
  if (notice) notify(notice.title, notice.body);
}
