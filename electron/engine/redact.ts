/** Returns the URL without user name and password, for state, logs and the UI. */
export function redactUrl(input: string): string {
  try {
    const url = new URL(input);
    if (!url.username && !url.password) return url.toString();
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return '(invalid URL)';
  }
}
