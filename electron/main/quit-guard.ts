import { createLogger, type Logger } from '../engine/log/logger';
import type { EngineState } from '../shared/state';
import type { AppLike, DialogLike } from './electron-api';
import type { LiveMarkerFile } from './live-marker';
import { onAirShow } from './on-air';

/** What quitting works with. */
export interface QuitGuardDeps {
  app: Pick<AppLike, 'on' | 'quit'>;
  dialog: DialogLike;
  engine: { getState(): EngineState; stopBroadcast(): Promise<void> };
  liveMarker: Pick<LiveMarkerFile, 'update'>;
  /** The quit goes ahead (e.g. unregister the global shortcuts). */
  onQuit(): void;
  logger?: Logger;
}

/**
 * Quitting while on air asks first: "Keep Broadcasting" cancels the quit, "End Show and Quit"
 * ends the show cleanly (outputs closed, recording finished, live marker removed) and then quits.
 * Off air, a quit goes ahead at once.
 *
 *   running ──before-quit, off air──────────────────────────► quitting
 *      │ └──before-quit, on air──► asking ──"Keep"──► running
 *      │                              └──"End Show"──► (show ended) ──► confirmed ──► quitting
 */
export class QuitGuard {
  private state: 'running' | 'asking' | 'confirmed' | 'quitting' = 'running';
  private readonly log: Logger;

  constructor(private readonly deps: QuitGuardDeps) {
    this.log = deps.logger ?? createLogger('app');
    deps.app.on('before-quit', (event) => {
      if (this.state === 'confirmed' || this.state === 'quitting' || onAirShow(deps.engine.getState()) === null) {
        this.state = 'quitting';
        deps.onQuit();
        return;
      }
      event.preventDefault();
      if (this.state === 'asking') return;
      this.state = 'asking';
      void this.confirm()
        .catch((error: unknown) => this.log.error('could not ask whether to end the show', error))
        .finally(() => {
          if (this.state === 'asking') this.state = 'running';
        });
    });
  }

  /** The quit went ahead: windows close for real. */
  isQuitting(): boolean {
    return this.state === 'quitting';
  }

  private async confirm(): Promise<void> {
    const { dialog, engine } = this.deps;
    const show = onAirShow(engine.getState());
    const answer = await dialog.showMessageBox({
      type: 'warning',
      title: 'Steadycast',
      message: 'End the show and quit Steadycast?',
      detail: `A show is running in “${show?.space ?? ''}”. Quitting ends it for every listener: the outputs close${show?.recordingPath ? ` and the safety recording is finished in ${show.recordingPath}` : ''}.\n\nTo keep broadcasting with the window closed, close the window instead.`,
      buttons: ['Keep Broadcasting', 'End Show and Quit'],
      defaultId: 0,
      cancelId: 0,
    });
    if (answer.response !== 1) {
      this.log.info('quit cancelled: the show stays on air');
      return;
    }
    this.log.info('ending the show to quit');
    try {
      await engine.stopBroadcast();
    } catch (error) {
      this.log.error('the show did not end cleanly before quitting (its live marker stays, so the next start offers to resume)', error);
    }
    await this.deps.liveMarker.update(onAirShow(engine.getState()));
    this.state = 'confirmed';
    this.deps.app.quit();
  }
}
