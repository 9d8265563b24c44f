/** One readable line for a failed bridge call, whatever was thrown. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'Unknown error.';
}

/** What a command says when the window has no bridge to the engine. */
export const NOT_CONNECTED = 'Not connected to the engine. Reconnect, then try again.';
