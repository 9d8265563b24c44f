/*
 * Checks of a server URL's text that the WHATWG parser lets through but that would connect
 * somewhere else than the user meant, or fail later. `new URL` ends the authority at the first
 * `/`, `?`, `#` or (for http/ws) `\`, so a password holding one of them moves the rest into the
 * path or fragment: `http://source:p@ss#1@host:9/live` is user `source`, password `p`, host `ss`.
 * A stray `%` makes every later decodeURIComponent of the user or password throw. These URLs are
 * refused with what to write instead; the message never quotes the URL (it may hold a password).
 */

/** What is wrong with a server URL's text, as a phrase after the field's name; null when it is sound. */
export function serverUrlTextProblem(value: string): string | null {
  if (/\s/u.test(value) || hasControlCharacter(value))
    return 'must not contain spaces or control characters (write a space in a password as %20)';
  if (value.includes('\\')) return 'must not contain a backslash (write it in a password as %5C)';
  if (/%(?![0-9a-f]{2})/iu.test(value)) return 'has a malformed %-escape (write a % in a password as %25)';
  if (value.includes('#')) return 'must not contain # (a server URL has no fragment; write # in a password as %23)';
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//iu.exec(value);
  if (!scheme) return null; // the URL check itself reports a missing scheme
  const rest = value.slice(scheme[0].length);
  const authorityEnd = rest.search(/[/?]/u);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const after = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
  if (after.includes('@') || authority.indexOf('@') !== authority.lastIndexOf('@')) {
    return 'has an @ outside the user:password@ part, so it is unclear which host it names (write @, / or ? in a password as %40, %2F, %3F)';
  }
  return null;
}

/** Whether a URL text has a scheme but no `//` authority (`source:pw@host/mount`): a likely missing `http://`. */
export function lacksAuthority(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:(?!\/\/)/iu.test(value);
}

/** A URL's user or password, unescaped; a malformed escape (which the checks above refuse) stays as written. */
export function decodeUserinfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
