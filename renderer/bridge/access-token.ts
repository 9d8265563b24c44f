/** Where the token of this tab is kept so a reload still works; cleared when the tab closes. */
const TOKEN_STORAGE_KEY = 'steadycast.bridge-token';

/** The parts of the browser the token lookup touches; passed in so it can be tested. */
export interface TokenEnvironment {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
}

/**
 * Reads the access token from the URL fragment (`#token=…`, never sent to a server by browsers)
 * and removes it from the address bar at once, so a copied or shared link does not carry it.
 * The token is kept in session storage for reloads of this tab only.
 */
export function takeAccessToken(env: TokenEnvironment): string | null {
  const params = new URLSearchParams(env.location.hash.replace(/^#/, ''));
  const fromFragment = params.get('token');
  if (fromFragment !== null) {
    params.delete('token');
    const rest = params.toString();
    env.history.replaceState(env.history.state, '', `${env.location.pathname}${env.location.search}${rest ? `#${rest}` : ''}`);
    if (fromFragment) writeStorage(env.storage, fromFragment);
    return fromFragment || null;
  }
  return readStorage(env.storage);
}

function readStorage(storage: TokenEnvironment['storage']): string | null {
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    // Storage can be disabled by the browser; the token then lives only in this page.
    return null;
  }
}

function writeStorage(storage: TokenEnvironment['storage'], token: string): void {
  try {
    storage?.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // See readStorage.
  }
}
