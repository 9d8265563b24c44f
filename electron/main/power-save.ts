import { createLogger, type Logger } from '../engine/log/logger';
import type { PowerSaveBlockerLike } from './electron-api';

/**
 * Keeps the computer from sleeping while a show is on air ('prevent-app-suspension': the display
 * may still turn off, the network and audio keep running). One blocker at most, stopped off air.
 */
export class PowerSaveGuard {
  private blockerId: number | null = null;

  constructor(
    private readonly blocker: PowerSaveBlockerLike,
    private readonly log: Logger = createLogger('power'),
  ) {}

  /** Follows the on-air state. */
  update(onAir: boolean): void {
    if (onAir && this.blockerId === null) {
      this.blockerId = this.blocker.start('prevent-app-suspension');
      this.log.info('on air: the system will not sleep until the show ends');
    } else if (!onAir && this.blockerId !== null) {
      if (this.blocker.isStarted(this.blockerId)) this.blocker.stop(this.blockerId);
      this.blockerId = null;
      this.log.info('off air: the system may sleep again');
    }
  }

  /** True while the blocker is on. */
  get active(): boolean {
    return this.blockerId !== null && this.blocker.isStarted(this.blockerId);
  }
}
