/** A command the engine refuses for a reason the user can fix; the message says how. */
export class EngineCommandError extends Error {
  override name = 'EngineCommandError';
}
