/** Returns the URL without user name and password, for state, logs and the UI. */
export function redactUrl(input: string): string {
  try {
    const url = new URL(input);
    // `source:pw@host/mount` parses as scheme "source:" with the rest as its path: show none of it.
    if (url.host === '' && url.protocol !== 'file:') return '(URL without a host)';
    if (!url.username && !url.password) return url.toString();
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return '(invalid URL)';
  }
}

const REDACTED = '[redacted]';
/** `scheme://user:password@` in any URL of a text. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+(?::[^\s/@]*)?@/gi;
/** Invite codes carry tokens and keys: `sc2.<payload>.<check>` (older ones carried server secrets). */
const INVITE_CODE = /\b(sc\d+\.)[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]+)?/g;
/** `Authorization: Basic …` / `Bearer …`. */
const AUTHORIZATION = /\b(authorization\s*[:=]\s*"?(?:basic|bearer)\s+)[^\s",;]+/gi;
/** `secret=…`, `"password": "…"`, `pin: …` and the like. */
const SECRET_FIELD =
  /((?:"|\b)(?:secret|password|passwd|pin|token|api_?secret|token_?secret|admin_?key|room_?secret)"?\s*[:=]\s*"?)([^"\s,&;}]+)/gi;

/**
 * Removes secrets from a free text (a log line, a diagnostics file): credentials in URLs, invite
 * codes, authorization headers, `secret=`/`"password":` fields, and every value in `known` (the
 * configured secrets themselves, for a message that quotes one anywhere).
 */
export function redactText(text: string, known: readonly string[] = []): string {
  let result = text;
  for (const secret of [...known].filter((value) => value.length >= 3).sort((a, b) => b.length - a.length)) {
    result = result.split(secret).join(REDACTED);
  }
  return result
    .replace(URL_CREDENTIALS, `$1${REDACTED}@`)
    .replace(INVITE_CODE, `$1${REDACTED}`)
    .replace(AUTHORIZATION, `$1${REDACTED}`)
    .replace(SECRET_FIELD, (_match, field: string, value: string) => (value === REDACTED ? `${field}${value}` : `${field}${REDACTED}`));
}
