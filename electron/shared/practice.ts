import { z } from 'zod';

/*
 * The practice space: a complete space on this computer (a primary and a backup Janus + Icecast
 * the engine starts from the installed packages), to try going live, inviting and failing over
 * before any real server exists.
 *
 *   unavailable (packages missing, or no data folder)
 *   off ──start──► starting ──► running ──simulate a failure──► running (primaryStopped)
 *                      └──────► failed ──start──► starting …
 */
export const PracticeStateSchema = z.discriminatedUnion('status', [
  /** The engine cannot run one here; `reason` says what to install. */
  z.strictObject({ status: z.literal('unavailable'), reason: z.string().max(500) }),
  z.strictObject({ status: z.literal('off') }),
  z.strictObject({ status: z.literal('starting'), since: z.number() }),
  z.strictObject({
    status: z.literal('running'),
    since: z.number(),
    /** Folder of the generated server configuration and logs. */
    folder: z.string().max(4096),
    /** The program's public listen URLs: primary, then backup. */
    listenUrls: z.array(z.string().max(2048)).max(2),
    /** "Simulate a failure" stopped the primary Janus and Icecast (they stay down until the practice space restarts). */
    primaryStopped: z.boolean(),
  }),
  z.strictObject({ status: z.literal('failed'), at: z.number(), reason: z.string().max(2000) }),
]);
export type PracticeState = z.infer<typeof PracticeStateSchema>;
