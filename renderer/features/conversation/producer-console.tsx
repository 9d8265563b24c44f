import { useId, useState, type ReactNode } from 'react';
import './producer-console.css';
import type { Participant, StrayFlag } from '../../../electron/shared/conversation';
import { Button } from '../../components/button';
import { selectCanModerate, selectSelfParticipant } from '../../stores/conversation-selectors';
import { useAppStore } from '../../stores/store-context';
import type { AppState } from '../../stores/store-types';
import { selectAnswerSpeakRequest, selectRequestToSpeak, selectSetAutoMute } from './conversation-actions';
import { formatClockTime } from '../../components/format';

/*
 * The producer console's pieces in the participants list: a live level meter on every row, the
 * stray-mic flags with their reasons, a request to speak with Approve / Decline, the auto-mute
 * switch, and the moderation log. Everything is a button or a labelled status: keyboard-operable.
 */

/** Lowest level the meters show (a quieter microphone reads as empty). */
const METER_FLOOR_DBFS = -60;

/** 0..1 meter fill for a dBFS level. */
export function meterFill(levelDbfs: number): number {
  return Math.min(1, Math.max(0, (levelDbfs - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS));
}

const VOICE_WORDS = { silence: 'silence', speech: 'speech', noise: 'noise', music: 'music', typing: 'typing' } as const;

const selectLevelOf = (participantId: string) => (state: AppState) => state.micLevels[participantId] ?? null;

/** A participant's live microphone level (from their own app's analysis), or an empty track without reports. */
export function MicMeter({ participant }: { participant: Participant }): ReactNode {
  const level = useAppStore(selectLevelOf(participant.id));
  // The engine replaces every level five times a second and sends an empty set when reports stop.
  const fill = level !== null ? meterFill(level.levelDbfs) : 0;
  const peak = level !== null ? meterFill(level.peakDbfs) : 0;
  const words = level === null ? 'no level' : `${Math.round(level.levelDbfs)} dBFS, ${VOICE_WORDS[level.voice]}`;
  return (
    <span
      className="mic-meter"
      role="meter"
      aria-label={`${participant.display || 'Unnamed'}'s microphone level`}
      aria-valuemin={METER_FLOOR_DBFS}
      aria-valuemax={0}
      aria-valuenow={level === null ? METER_FLOOR_DBFS : Math.max(METER_FLOOR_DBFS, Math.round(level.levelDbfs))}
      aria-valuetext={words}
      data-voice={level?.voice ?? 'none'}
      data-muted={participant.muted}
      data-testid={`mic-meter-${participant.id}`}
      title={words}
    >
      <span className="mic-meter__fill" style={{ transform: `scaleX(${fill})` }} />
      <span className="mic-meter__peak" style={{ left: `calc(${(peak * 100).toFixed(1)}% - 1px)`, opacity: peak > 0 ? 1 : 0 }} />
    </span>
  );
}

const FLAG_WORDS: Record<StrayFlag['kind'], string> = {
  noise: 'Noise',
  echo: 'Echo',
  'off-stage': 'Off stage',
  'self-unmuted': 'Unmuted itself',
};

/** The stray-mic flags of one participant, each with its reason (not a list: rows stay the list's only items). */
export function StrayFlags({ flags }: { flags: readonly StrayFlag[] }): ReactNode {
  if (flags.length === 0) return null;
  return (
    <div className="stray-flags" role="group" aria-label="Microphone flags">
      {flags.map((flag) => (
        <span key={flag.kind} className="stray-flag" data-kind={flag.kind} data-testid={`flag-${flag.kind}`} title={flag.message}>
          <strong>{FLAG_WORDS[flag.kind]}</strong>
          <span className="stray-flag__why">{flag.message}</span>
        </span>
      ))}
    </div>
  );
}

/** "Muted by Pia (producer): Hum on your line" under a locked participant's name. */
export function LockNote({ participant }: { participant: Participant }): ReactNode {
  if (participant.lock === null) return null;
  return (
    <span
      className="lock-note"
      data-testid={`lock-${participant.id}`}
      title={`Muted by ${participant.lock.by}: ${participant.lock.reason}`}
    >
      Locked by {participant.lock.by}: {participant.lock.reason}
    </span>
  );
}

/** A pending request to speak on a moderator's row: Approve (unmutes and unlocks) or Decline. */
export function SpeakRequestActions({ participant }: { participant: Participant }): ReactNode {
  const canModerate = useAppStore(selectCanModerate);
  const answer = useAppStore((state) => state.speakAnswers[participant.id] ?? null);
  const answerSpeakRequest = useAppStore(selectAnswerSpeakRequest);
  const name = participant.display || 'Unnamed';
  const pending = answer?.status === 'sending' ? answer.answer : null;
  const error = answer?.status === 'failed' ? answer.error : null;
  if (!participant.speakRequested && error === null) return null;
  const busy = pending !== null;
  return (
    <div
      className="moderate-confirm speak-request"
      role="group"
      aria-label={`${name} asks to speak`}
      data-testid={`speak-request-${participant.id}`}
    >
      {participant.speakRequested ? <span className="speak-request__words">Asks to speak</span> : null}
      {participant.speakRequested ? (
        <span className="speak-request__actions">
          <Button
            variant="primary"
            className="moderate-button"
            data-testid={`approve-${participant.id}`}
            aria-label={`Approve: let ${name} speak`}
            aria-disabled={!canModerate || busy || undefined}
            busy={pending === 'approve'}
            onClick={!canModerate || busy ? undefined : () => void answerSpeakRequest(participant.id, true)}
          >
            Approve
          </Button>
          <Button
            variant="secondary"
            className="moderate-button"
            data-testid={`decline-${participant.id}`}
            aria-label={`Decline ${name}'s request`}
            aria-disabled={!canModerate || busy || undefined}
            busy={pending === 'decline'}
            onClick={!canModerate || busy ? undefined : () => void answerSpeakRequest(participant.id, false)}
          >
            Decline
          </Button>
        </span>
      ) : null}
      {error !== null ? (
        <p className="participant__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** "Auto-mute stray mics": a switch for moderators; the engine mutes (and locks) what it flags. */
export function AutoMuteSwitch(): ReactNode {
  const enabled = useAppStore((state) => state.conversation?.moderation.autoMute ?? false);
  const canModerate = useAppStore(selectCanModerate);
  const request = useAppStore((state) => state.autoMuteRequest);
  const setAutoMute = useAppStore(selectSetAutoMute);
  const hintId = useId();
  return (
    <div className="auto-mute">
      <button
        type="button"
        role="switch"
        className="auto-mute__switch"
        aria-checked={enabled}
        aria-describedby={hintId}
        aria-disabled={!canModerate || request.status === 'sending' || undefined}
        data-testid="auto-mute"
        onClick={!canModerate || request.status === 'sending' ? undefined : () => void setAutoMute(!enabled)}
      >
        <span className="auto-mute__track" aria-hidden="true">
          <span className="auto-mute__thumb" />
        </span>
        Auto-mute stray mics
      </button>
      <span className="auto-mute__hint faint" id={hintId}>
        {enabled ? 'Flagged microphones are muted and locked at once (hosts only flagged).' : 'Flags only: you decide.'}
      </span>
      {request.status === 'failed' ? (
        <p className="participants__error" role="alert">
          {request.error}
        </p>
      ) : null}
    </div>
  );
}

/** The self-mute area's "Request to speak" while a moderator's lock holds our microphone. */
export function RequestToSpeak(): ReactNode {
  const self = useAppStore(selectSelfParticipant);
  const requested = useAppStore((state) => state.conversation?.moderation.selfSpeakRequested ?? false);
  const channelOpen = useAppStore((state) => state.conversation?.channel.status === 'open');
  const request = useAppStore((state) => state.speakRequest);
  const sending = request.status === 'sending';
  const error = request.status === 'failed' ? request.error : null;
  const requestToSpeak = useAppStore(selectRequestToSpeak);
  if (self === null || self.lock === null) return null;
  return (
    <div className="request-speak" data-testid="request-speak-area">
      <p className="request-speak__reason" data-testid="lock-reason">
        <strong>{self.lock.by}</strong> muted you: {self.lock.reason}
      </p>
      <Button
        variant={requested ? 'secondary' : 'primary'}
        data-testid="request-speak"
        aria-label={requested ? 'Withdraw my request to speak' : 'Request to speak'}
        aria-pressed={requested}
        aria-disabled={sending || !channelOpen || undefined}
        busy={sending}
        title={channelOpen ? undefined : 'The space channel is not connected: ask the host another way'}
        onClick={sending || !channelOpen ? undefined : () => void requestToSpeak(!requested)}
      >
        {requested ? 'Withdraw request' : 'Request to speak'}
      </Button>
      <p className="visually-hidden" role="status">
        {requested ? 'Your request to speak was sent. Wait for the host or a producer.' : ''}
      </p>
      {error !== null ? (
        <p className="self-mute__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const ACTION_WORDS: Record<string, string> = {
  mute: 'muted',
  unmute: 'unmuted',
  remove: 'removed',
  'mute-all': 'muted all but hosts',
  're-mute': 'muted again',
  'auto-mute': 'auto-muted',
  approve: 'approved',
  decline: 'declined',
  request: 'request',
  'auto-mute-setting': 'auto-mute',
};

/** The moderation log: who did what to whom, newest first, searchable. */
export function ModerationLog(): ReactNode {
  const log = useAppStore((state) => state.conversation?.moderation.log);
  const [query, setQuery] = useState('');
  const headingId = useId();
  if (log === undefined || log.length === 0) return null;
  const needle = query.trim().toLowerCase();
  const shown = [...log]
    .reverse()
    .filter(
      (event) => needle === '' || `${event.actor} ${event.action} ${event.target ?? ''} ${event.detail}`.toLowerCase().includes(needle),
    );
  return (
    <section className="moderation-log" aria-labelledby={headingId} data-testid="moderation-log">
      <div className="moderation-log__head">
        <h3 id={headingId} className="eyebrow">
          Moderation log
        </h3>
        <input
          className="moderation-log__search"
          type="search"
          aria-label="Search the moderation log"
          placeholder="Search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      <ol className="moderation-log__list">
        {shown.slice(0, 50).map((event) => (
          <li key={`${event.at}-${event.action}-${event.target ?? ''}`} className="moderation-log__item" data-action={event.action}>
            <time className="num faint" dateTime={new Date(event.at).toISOString()}>
              {formatClockTime(event.at)}
            </time>
            <span>
              <strong>{event.actor}</strong> {ACTION_WORDS[event.action] ?? event.action}
              {event.target !== null && event.target !== event.actor ? ` ${event.target}` : ''}
              <span className="faint"> — {event.detail}</span>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
