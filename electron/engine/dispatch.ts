import { parseCommand, type CommandReply } from '../shared/contract';
import type { Engine } from './engine';
import { EngineCommandError } from './engine-errors';
import { createLogger } from './log/logger';
import { describeError } from '../shared/describe-error';

const log = createLogger('dispatch');

/**
 * The single door from a binding into the engine: validates an untrusted command with the
 * contract, runs it, and turns every outcome into a reply. Invalid input never reaches the engine.
 */
export async function dispatchUntrusted(engine: Engine, channel: unknown, payload: unknown): Promise<CommandReply> {
  const parsed = parseCommand(channel, payload);
  if (!parsed.ok) {
    log.warn(`refused command: ${parsed.error.message}`);
    return { ok: false, error: parsed.error };
  }
  try {
    return { ok: true, result: await engine.execute(parsed.command) };
  } catch (error) {
    // Expected refusals already say what to do: they reach the user as written.
    if (error instanceof EngineCommandError) {
      log.warn(`${parsed.command.channel} refused: ${error.message}`);
      return { ok: false, error: { code: 'engine-error', message: error.message.slice(0, 2000) } };
    }
    log.error(`command ${parsed.command.channel} failed`, error);
    return {
      ok: false,
      error: { code: 'engine-error', message: `${parsed.command.channel} failed: ${describeError(error)}. See the log for details.` },
    };
  }
}
