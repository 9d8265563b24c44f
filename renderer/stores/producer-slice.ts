import type { EventPayload } from '../../electron/shared/contract';
import type { MicReport } from '../../electron/shared/mic-report';
import { describeFailure, NOT_CONNECTED } from './describe-failure';
import type { AppSlice } from './store-types';

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

/** A request about one participant's request to speak. */
export interface AnswerRequest {
  readonly pending: 'approve' | 'decline' | null;
  readonly error: string | null;
}

export interface ProducerSlice {
  /** Latest level per participant id. */
  micLevels: Readonly<Record<string, MicLevel>>;
  /** This app's own "Request to speak" (send state and last failure). */
  speakRequest: { readonly sending: boolean; readonly error: string | null };
  /** Answers in flight or failed, per participant id. */
  speakAnswers: Readonly<Record<string, AnswerRequest>>;
  autoMuteRequest: { readonly sending: boolean; readonly error: string | null };
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

export function createProducerSlice(deps: { now(): number }): AppSlice<ProducerSlice> {
  return (set, get) => ({
    micLevels: {},
    speakRequest: { sending: false, error: null },
    speakAnswers: {},
    autoMuteRequest: { sending: false, error: null },

    receiveMicLevels(payload) {
      const receivedAt = deps.now();
      const micLevels: Record<string, MicLevel> = {};
      for (const level of payload.levels) {
        micLevels[level.participantId] = { levelDbfs: level.levelDbfs, peakDbfs: level.peakDbfs, voice: level.voice, speechProbability: level.speechProbability, echoScore: level.echoScore, receivedAt };
      }
      set({ micLevels });
    },

    async requestToSpeak(active) {
      const bridge = get().bridge;
      if (!bridge) {
        set({ speakRequest: { sending: false, error: NOT_CONNECTED } });
        return;
      }
      if (get().speakRequest.sending) return;
      set({ speakRequest: { sending: true, error: null } });
      try {
        await bridge.invoke('moderation:request-speak', { active });
        set({ speakRequest: { sending: false, error: null } });
      } catch (error) {
        set({ speakRequest: { sending: false, error: `Could not ${active ? 'ask to speak' : 'withdraw the request'}: ${describeFailure(error)}` } });
      }
    },

    async answerSpeakRequest(participantId, approve) {
      if (get().speakAnswers[participantId]?.pending) return;
      const setAnswer = (answer: AnswerRequest | null): void =>
        set((current) => {
          const speakAnswers = Object.fromEntries(Object.entries(current.speakAnswers).filter(([id]) => id !== participantId));
          return { speakAnswers: answer === null ? speakAnswers : { ...speakAnswers, [participantId]: answer } };
        });
      const bridge = get().bridge;
      if (!bridge) {
        setAnswer({ pending: null, error: NOT_CONNECTED });
        return;
      }
      setAnswer({ pending: approve ? 'approve' : 'decline', error: null });
      try {
        await bridge.invoke('moderation:answer-request', { participantId, approve });
        setAnswer(null);
      } catch (error) {
        setAnswer({ pending: null, error: `Could not ${approve ? 'approve' : 'decline'} the request: ${describeFailure(error)}` });
      }
    },

    async setAutoMute(enabled) {
      const bridge = get().bridge;
      if (!bridge) {
        set({ autoMuteRequest: { sending: false, error: NOT_CONNECTED } });
        return;
      }
      set({ autoMuteRequest: { sending: true, error: null } });
      try {
        await bridge.invoke('moderation:set-auto-mute', { enabled });
        set({ autoMuteRequest: { sending: false, error: null } });
      } catch (error) {
        set({ autoMuteRequest: { sending: false, error: `Could not switch auto-mute: ${describeFailure(error)}` } });
      }
    },

    reportMic(report) {
      const bridge = get().bridge;
      if (!bridge) return;
      // Loss-tolerant: the next report follows within 200 ms.
      bridge.invoke('conversation:report-mic', { report }).catch(() => undefined);
    },
  });
}
