import type { EventPayload } from '../../electron/shared/contract';
import type { MicReport } from '../../electron/shared/mic-report';
import { IDLE_REQUEST, runRequest, type Request, type RequestSlot } from './request';
import type { AppSlice, StoreDeps } from './store-types';

/*
 * The producer console's own state: every speaker's live microphone level (from the space
 * channel, through the engine), requests to speak and their answers, and the auto-mute switch.
 * Locks, flags and pending requests themselves come with the conversation in `engine:state`.
 */

/** One speaker's latest microphone report, as the meters show it. */
export interface MicLevel {
  readonly levelDbfs: number;
  readonly peakDbfs: number;
  readonly voice: MicReport['voice'];
  readonly speechProbability: number;
  readonly echoScore: number;
  /** Renderer clock (StoreDeps.now) when it arrived. */
  readonly receivedAt: number;
}

/** An answer to one participant's request to speak: in flight, or why it failed. Absent when neither. */
export type AnswerRequest =
  { readonly status: 'sending'; readonly answer: 'approve' | 'decline' } | { readonly status: 'failed'; readonly error: string };

export interface ProducerSlice {
  /** Latest level per participant id. */
  micLevels: Readonly<Record<string, MicLevel>>;
  /** This app's own "Request to speak". */
  speakRequest: Request;
  /** Answers in flight or failed, per participant id. */
  speakAnswers: Readonly<Record<string, AnswerRequest>>;
  autoMuteRequest: Request;
  /** Takes a `conversation:mic-levels` event. */
  receiveMicLevels(levels: EventPayload<'conversation:mic-levels'>): void;
  /** moderation:request-speak (only while a moderator's lock holds our microphone). */
  requestToSpeak(active: boolean): Promise<void>;
  /** moderation:answer-request; ignored while an answer about them is in flight. */
  answerSpeakRequest(participantId: string, approve: boolean): Promise<void>;
  /** moderation:set-auto-mute. */
  setAutoMute(enabled: boolean): Promise<void>;
  /** conversation:report-mic: our own analysis, passed on to the space channel (fire and forget). */
  reportMic(report: MicReport): void;
}

/** Creates the producer slice. */
export function createProducerSlice(deps: Pick<StoreDeps, 'bridge' | 'now'>): AppSlice<ProducerSlice> {
  return (set, get) => {
    const bridge = deps.bridge.api;

    /** The answer about one participant, in its own entry: sending with the answer given, failed, or gone once done. */
    const answerSlot = (participantId: string, answer: 'approve' | 'decline'): RequestSlot<void> => ({
      read: () => get().speakAnswers[participantId] ?? IDLE_REQUEST,
      write(request) {
        set((current) => {
          const speakAnswers = Object.fromEntries(Object.entries(current.speakAnswers).filter(([id]) => id !== participantId));
          if (request.status === 'sending') speakAnswers[participantId] = { status: 'sending', answer };
          if (request.status === 'failed') speakAnswers[participantId] = request;
          return { speakAnswers };
        });
      },
      failure: (reason) => `Could not ${answer} the request: ${reason}`,
    });

    return {
      micLevels: {},
      speakRequest: IDLE_REQUEST,
      speakAnswers: {},
      autoMuteRequest: IDLE_REQUEST,

      receiveMicLevels(payload) {
        const receivedAt = deps.now();
        const micLevels: Record<string, MicLevel> = {};
        for (const level of payload.levels) {
          micLevels[level.participantId] = {
            levelDbfs: level.levelDbfs,
            peakDbfs: level.peakDbfs,
            voice: level.voice,
            speechProbability: level.speechProbability,
            echoScore: level.echoScore,
            receivedAt,
          };
        }
        set({ micLevels });
      },

      async requestToSpeak(active) {
        await runRequest(
          {
            read: () => get().speakRequest,
            write: (speakRequest) => set({ speakRequest }),
            failure: (reason) => `Could not ${active ? 'ask to speak' : 'withdraw the request'}: ${reason}`,
          },
          async () => {
            await bridge.invoke('moderation:request-speak', { active });
          },
        );
      },

      async answerSpeakRequest(participantId, approve) {
        await runRequest(answerSlot(participantId, approve ? 'approve' : 'decline'), async () => {
          await bridge.invoke('moderation:answer-request', { participantId, approve });
        });
      },

      async setAutoMute(enabled) {
        await runRequest(
          {
            read: () => get().autoMuteRequest,
            // The switch's last position is what the engine should end with.
            repeatable: true,
            write: (autoMuteRequest) => set({ autoMuteRequest }),
            failure: (reason) => `Could not switch auto-mute: ${reason}`,
          },
          async () => {
            await bridge.invoke('moderation:set-auto-mute', { enabled });
          },
        );
      },

      reportMic(report) {
        // Loss-tolerant: the next report follows within 200 ms.
        bridge.invoke('conversation:report-mic', { report }).catch(() => undefined);
      },
    };
  };
}
