import type { EndpointName } from '../../../electron/shared/endpoint';
import type { FailoverPhase, FailoverState, HealthStatus } from '../../../electron/shared/failover';
import type { StatusTone } from '../../components/status-pill';
import { formatClockTime } from '../../components/format';

/*
 * What the failover banner says, as pure functions of the engine's failover state and the time:
 * the banner only draws these.
 */

const NAME: Record<EndpointName, string> = { primary: 'Primary', backup: 'Backup' };

/** The tone of a health status. */
export function healthTone(status: HealthStatus): StatusTone {
  switch (status) {
    case 'healthy':
      return 'ok';
    case 'degraded':
      return 'warn';
    case 'down':
      return 'bad';
    case 'unknown':
      return 'neutral';
  }
}

/** A health status in words. */
export function healthWord(status: HealthStatus): string {
  return status === 'unknown' ? 'not checked yet' : status;
}

/** The headline: where the show is and what is happening, with its tone. */
export function describePhase(failover: FailoverState, secondsToMove: number | null): { tone: StatusTone; text: string } {
  const phase: FailoverPhase = failover.phase;
  switch (phase.phase) {
    case 'idle':
      return failover.hasBackup
        ? { tone: 'neutral', text: 'Not in the conversation. When you join, the backup space is ready to take over.' }
        : { tone: 'warn', text: 'This space has no backup room: if the primary fails, the conversation stops.' };
    case 'onPrimary': {
      if (!failover.hasBackup) return { tone: 'ok', text: 'On the primary space (no backup configured).' };
      const backup = failover.health.find((health) => health.endpoint === 'backup');
      return backup?.status === 'down'
        ? { tone: 'warn', text: 'On the primary space. The backup is down: a move to it would not help until it is back.' }
        : { tone: 'ok', text: 'On the primary space. The backup is standing by.' };
    }
    case 'degraded':
      if (phase.moveAt !== null && phase.downSince !== null) {
        return {
          tone: 'bad',
          text: `The primary is down: moving everyone to the backup in ${secondsToMove ?? '…'} s unless it comes back. ${phase.reason}`,
        };
      }
      return {
        tone: 'warn',
        text: phase.downSince === null ? 'The primary is unstable: watching it before calling it healthy.' : phase.reason,
      };
    case 'failingOver':
      return {
        tone: 'busy',
        text: `Moving to the backup${phase.attempt > 1 ? ` (attempt ${phase.attempt})` : ''}: ${phase.reason}${phase.lastError ? ` Last try: ${phase.lastError}` : ''}`,
      };
    case 'onBackup':
      return { tone: 'warn', text: `On the backup space since ${clockTime(phase.since)}. ${phase.reason}` };
    case 'returning':
      return { tone: 'busy', text: `Returning to the primary${phase.attempt > 1 ? ` (attempt ${phase.attempt})` : ''}: ${phase.reason}` };
  }
}

/** Which space the conversation is in now, for the big label ("Primary space"). */
export function conversationLabel(failover: FailoverState): string {
  switch (failover.phase.phase) {
    case 'idle':
      return 'Not in a room';
    case 'failingOver':
      return 'Moving to backup';
    case 'returning':
      return 'Returning to primary';
    case 'onPrimary':
    case 'degraded':
    case 'onBackup':
      return failover.onAir === null ? 'Not in a room' : `${NAME[failover.onAir]} space`;
  }
}

/** hh:mm:ss (24 h, like every other time in the window) of an engine time, for the history. */
export function clockTime(at: number): string {
  return formatClockTime(at);
}

export { NAME as ENDPOINT_NAME };
