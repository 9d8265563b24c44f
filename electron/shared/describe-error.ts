/**
 * Describes any thrown value the same way everywhere (engine, main, CLI, renderer): one line, no
 * stack. Follows `cause` (fetch wraps the socket error there), adds a Node error code the message
 * does not name (`ECONNREFUSED`), and reads `message`/`error` from event-like objects (WebSocket
 * error events), which JSON would print as `{}`. A bridge error's code is for programs: its
 * message is already written for people, so it is shown alone.
 */
export function describeError(error: unknown, depth = 0): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const showCode = typeof code === 'string' && error.name !== 'BridgeError' && !error.message.includes(code);
    const own = showCode ? `${error.message} (${code})` : error.message;
    const cause = (error as { cause?: unknown }).cause;
    return cause !== undefined && depth < 3 ? `${own}: ${describeError(cause, depth + 1)}` : own;
  }
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const { message, error: inner } = error as { message?: unknown; error?: unknown };
    if (inner instanceof Error && depth < 3) return describeError(inner, depth + 1);
    if (typeof message === 'string' && message.length > 0) return message;
  }
  try {
    const json = JSON.stringify(error);
    return json === undefined || json === '{}' ? String(error) : json;
  } catch {
    return String(error);
  }
}
