import type { MenuItemConstructorOptions } from 'electron';

/** What the application menu's own items do. */
export interface AppMenuActions {
  importSettings(): void;
  exportDiagnostics(): void;
  openLogsFolder(): void;
  showWindow(): void;
}

/**
 * The application menu: the platform's usual roles and shortcuts (the macOS app menu, Edit with
 * undo/cut/copy/paste so text fields work, Window, Help), plus Steadycast's own: import the space
 * settings, export diagnostics, open the logs. Reload and developer tools only in development.
 */
export function appMenuTemplate(options: {
  platform: NodeJS.Platform;
  development: boolean;
  actions: AppMenuActions;
}): MenuItemConstructorOptions[] {
  const { platform, development, actions } = options;
  const mac = platform === 'darwin';
  const importItem: MenuItemConstructorOptions = {
    id: 'import-settings',
    label: 'Import Space Settings…',
    accelerator: 'CommandOrControl+O',
    click: () => actions.importSettings(),
  };
  const view: MenuItemConstructorOptions[] = [
    ...(development ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const) : []),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(mac
      ? [
          {
            role: 'appMenu',
            submenu: [
              { role: 'about' },
              { type: 'separator' },
              importItem,
              { type: 'separator' },
              { role: 'services' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : [{ label: '&File', submenu: [importItem, { type: 'separator' }, { role: 'quit' }] } satisfies MenuItemConstructorOptions]),
    { role: 'editMenu' },
    { label: mac ? 'View' : '&View', submenu: view },
    {
      role: 'windowMenu',
      submenu: mac
        ? [
            { role: 'minimize' },
            { role: 'zoom' },
            { type: 'separator' },
            { id: 'show-window', label: 'Steadycast', accelerator: 'CommandOrControl+0', click: () => actions.showWindow() },
            { role: 'front' },
          ]
        : [{ role: 'minimize' }, { role: 'close' }],
    },
    {
      role: 'help',
      submenu: [
        { id: 'export-diagnostics', label: 'Export Diagnostics…', click: () => actions.exportDiagnostics() },
        { id: 'open-logs', label: 'Open Logs Folder', click: () => actions.openLogsFolder() },
      ],
    },
  ];
}
