import { join } from 'node:path';
import type { Clock } from '../engine/clock';
import { createLogger, type Logger } from '../engine/log/logger';
import type { EngineState } from '../shared/state';
import { exportDiagnostics, type DiagnosticsInput } from './diagnostics';
import type { ShellLike } from './electron-api';
import type { LogFiles } from './logging';
import { redactedSettings, type DesktopSettings } from './settings-schema';

/** What Help › Export Diagnostics reads from the running app. */
export interface AppDiagnosticsDeps {
  userData: string;
  clock: Pick<Clock, 'now'>;
  version: string;
  platform: NodeJS.Platform;
  /** Versions and system facts (index.ts passes process.versions and os); without them the bundle says "unknown". */
  runtime?: { versions: Record<string, string | undefined>; system: DiagnosticsInput['system'] };
  engine: { getState(): EngineState };
  settings: () => DesktopSettings;
  secrets: () => readonly string[];
  logFiles: Pick<LogFiles, 'files'> | null;
  shell: Pick<ShellLike, 'showItemInFolder'>;
  logger?: Logger;
}

/** Help › Export Diagnostics: writes a bundle into the user data folder's diagnostics/ and reveals it; resolves with its folder. */
export function diagnosticsExporter(deps: AppDiagnosticsDeps): () => Promise<string> {
  const log = deps.logger ?? createLogger('app');
  return async () => {
    const folder = await exportDiagnostics({
      parentDir: join(deps.userData, 'diagnostics'),
      at: deps.clock.now(),
      versions: { steadycast: deps.version, ...(deps.runtime?.versions ?? {}) },
      system: deps.runtime?.system ?? { platform: deps.platform, arch: process.arch, release: 'unknown', type: 'unknown' },
      state: deps.engine.getState(),
      settings: redactedSettings(deps.settings()),
      logFiles: deps.logFiles?.files() ?? [],
      secrets: deps.secrets(),
    });
    log.info(`diagnostics exported to ${folder}`);
    deps.shell.showItemInFolder(folder);
    return folder;
  };
}
