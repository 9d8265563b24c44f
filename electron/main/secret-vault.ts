import type { SafeStorageLike } from './electron-api';

/** Seals secrets for the settings file with a key the operating system keeps. */
export interface SecretVault {
  /** Null when secrets can be sealed; otherwise why not, in words for the user. */
  unavailableReason(): string | null;
  /** The secret encrypted, as base64; throws {@link SecretsUnavailableError} when the vault cannot seal. */
  seal(plain: string): string;
  /** The secret from {@link seal}'s output; throws when this system cannot decrypt it (another keychain, a damaged value). */
  open(sealed: string): string;
}

/** Secrets cannot be written: the settings are not saved rather than written in plain text. */
export class SecretsUnavailableError extends Error {
  constructor(reason: string) {
    super(`Steadycast did not save the settings: ${reason}`);
    this.name = 'SecretsUnavailableError';
  }
}

const NO_ENCRYPTION =
  'this system offers no encryption for saved passwords (Electron safeStorage is unavailable), and Steadycast never writes room secrets or server passwords in plain text. ' +
  'Sign in to your desktop session with a keychain (macOS Keychain, Windows user account, GNOME Keyring or KWallet on Linux) and try again.';
const BASIC_TEXT =
  'no secret store (GNOME Keyring or KWallet) answered, so Chromium would encrypt with a key built into every copy of the browser — readable by anyone with the file. ' +
  'Steadycast never writes room secrets or server passwords that way: start GNOME Keyring or KWallet (or a libsecret service) and try again.';

/**
 * The vault on Electron's `safeStorage` (Keychain on macOS, DPAPI on Windows, libsecret or KWallet
 * on Linux). Linux's `basic_text` backend counts as unavailable: its key is a constant in Chromium.
 */
export function createSafeStorageVault(safeStorage: SafeStorageLike, platform: NodeJS.Platform): SecretVault {
  const unavailableReason = (): string | null => {
    if (!safeStorage.isEncryptionAvailable()) return NO_ENCRYPTION;
    if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return BASIC_TEXT;
    return null;
  };
  return {
    unavailableReason,
    seal(plain) {
      const reason = unavailableReason();
      if (reason !== null) throw new SecretsUnavailableError(reason);
      return safeStorage.encryptString(plain).toString('base64');
    },
    open(sealed) {
      return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
    },
  };
}
