import { randomBytes, randomInt } from 'node:crypto';

/** A new secret from the system's cryptographic random source: 24 URL-safe characters (144 bits). */
export function newSecret(): string {
  return randomBytes(18).toString('base64url');
}

/** A new AudioBridge room id (positive, below 2^31 so every Janus client reads it as an integer). */
export function newRoomId(): number {
  return randomInt(1_000_000, 2 ** 31 - 1);
}
