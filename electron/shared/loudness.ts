import { z } from 'zod';

/*
 * Program loudness (ITU-R BS.1770-4 / EBU R128) as the contract carries it: the chain's settings
 * (per space, and on the command line) and the meter's readings of the program as it is encoded.
 */

/** Lowest and highest loudness target a space may set, LUFS. */
export const TARGET_LUFS_RANGE = { min: -36, max: -9 } as const;
/** Lowest and highest true-peak ceiling, dBTP. */
export const CEILING_DBTP_RANGE = { min: -9, max: 0 } as const;

/** The program chain: a leveller toward `targetLufs` and a true-peak limiter at `truePeakDbtp`, or `off`. */
export const ProgramLoudnessSchema = z.union([
  z.literal('off'),
  z.strictObject({
    /** Integrated loudness the leveller aims for; −16 LUFS is streaming practice for stereo (about −19 for mono). */
    targetLufs: z
      .number()
      .min(TARGET_LUFS_RANGE.min, `the loudness target must be ${TARGET_LUFS_RANGE.min} LUFS or more`)
      .max(TARGET_LUFS_RANGE.max, `the loudness target must be ${TARGET_LUFS_RANGE.max} LUFS or less`)
      .default(-16),
    /** Highest true peak the limiter lets through; −1 dBTP leaves room for the lossy codec. */
    truePeakDbtp: z
      .number()
      .min(CEILING_DBTP_RANGE.min, `the true-peak ceiling must be ${CEILING_DBTP_RANGE.min} dBTP or more`)
      .max(CEILING_DBTP_RANGE.max, `the true-peak ceiling must be ${CEILING_DBTP_RANGE.max} dBTP or less`)
      .default(-1),
  }),
]);
export type ProgramLoudnessConfig = z.infer<typeof ProgramLoudnessSchema>;

/** A loudness in LUFS, or null while there is none (too little audio, or all of it below the gates). */
const Lufs = z.number().min(-200).max(50).nullable();

/** The program's loudness as it leaves the chain (what every output and the recording carry). */
export const LoudnessMetersSchema = z.object({
  /** 400 ms window, LUFS. */
  momentaryLufs: Lufs,
  /** 3 s window, LUFS. */
  shortTermLufs: Lufs,
  /** Gated, since the show started, LUFS. */
  integratedLufs: Lufs,
  /** Loudness range (EBU Tech 3342), LU. */
  rangeLu: z.number().min(0).max(100).nullable(),
  /** Highest true peak since the show started, dBTP. */
  truePeakDbtp: z.number().min(-300).max(50).nullable(),
  /** The chain's target and ceiling; null when the chain is off. */
  targetLufs: z.number().nullable(),
  ceilingDbtp: z.number().nullable(),
  /** The leveller's gain now and the limiter's deepest reduction in the last interval, dB. */
  levellerGainDb: z.number(),
  limiterGainDb: z.number(),
});
export type LoudnessMeters = z.infer<typeof LoudnessMetersSchema>;
