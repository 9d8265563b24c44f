import { memo, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Participant } from '../../../electron/shared/conversation';
import { useAppStore } from '../../stores/store-context';
import { MicIcon, MicOffIcon, ShieldIcon, UnpluggedIcon } from './conversation-icons';
import { selectParticipants, selectShowsModeration } from '../../stores/conversation-selectors';
import {
  describeParticipant,
  formatPeople,
  initialsOf,
  MIC_ACTIVITY_WORDS,
  micActivity,
  roleLabel,
  sortParticipants,
} from './conversation-view';
import { ModerationButtons, ModerationError, MuteAllButton, MuteAllStatus, RemoveConfirm } from './moderation-controls';
import { AutoMuteSwitch, LockNote, MicMeter, ModerationLog, SpeakRequestActions, StrayFlags } from './producer-console';

/**
 * Who is in the room: you first, then by role; each row says role, talking and muted (and by whom).
 * A moderator (host or producer) also gets Mute and Remove on everyone else's row, and "Mute all but hosts".
 */
export function ParticipantsList(): ReactNode {
  const participants = useAppStore(selectParticipants);
  const moderating = useAppStore(selectShowsModeration);
  const sorted = useMemo(() => sortParticipants(participants), [participants]);
  const headingId = useId();
  const talking = participants.filter((participant) => participant.talking).length;

  return (
    <section className="participants" aria-labelledby={headingId}>
      <div className="section-head" data-moderating={moderating}>
        <h3 id={headingId} className="eyebrow">
          In the room
        </h3>
        <span className="section-head__count faint num">
          {formatPeople(participants.length)}
          {talking > 0 ? ` · ${talking} talking` : ''}
        </span>
        {moderating ? <MuteAllButton /> : null}
      </div>
      {moderating ? <MuteAllStatus /> : null}
      {moderating ? <AutoMuteSwitch /> : null}
      {sorted.length === 0 ? (
        <p className="participants__empty faint">Nobody else is here yet.</p>
      ) : (
        <ul className="participants__list" aria-label="Participants" data-testid="participants" data-moderating={moderating}>
          {sorted.map((participant) => (
            <ParticipantRow key={participant.id} participant={participant} moderating={moderating} />
          ))}
        </ul>
      )}
      <ModerationLog />
    </section>
  );
}

const ParticipantRow = memo(function ParticipantRow({
  participant,
  moderating,
}: {
  participant: Participant;
  moderating: boolean;
}): ReactNode {
  const activity = micActivity(participant);
  const tools = moderating && !participant.self;
  const [confirming, setConfirming] = useState(false);
  const rowRef = useRef<HTMLLIElement>(null);
  const closeConfirm = (): void => {
    setConfirming(false);
    // Back to the button that asked: it stays in the row (busy while the removal runs).
    rowRef.current?.querySelector<HTMLButtonElement>('[data-remove]')?.focus();
  };
  return (
    <li
      ref={rowRef}
      className="participant"
      aria-label={describeParticipant(participant)}
      data-testid={`participant-${participant.id}`}
      data-activity={activity}
      data-self={participant.self}
      data-connected={participant.connected}
      data-flagged={participant.flags.length > 0 || undefined}
      data-requests={participant.speakRequested || undefined}
    >
      <span className="participant__avatar" aria-hidden="true">
        {initialsOf(participant.display)}
      </span>
      <span className="participant__names">
        <span className="participant__name-line">
          <span className="participant__name truncate" title={participant.display}>
            {participant.display || 'Unnamed'}
          </span>
          {participant.self ? <span className="participant__you">You</span> : null}
        </span>
        <span className="participant__meta">
          <span className="role-badge" data-role={participant.role ?? 'guest'}>
            {roleLabel(participant.role)}
          </span>
          {participant.connected ? null : (
            <span className="participant__media" title="The audio of this participant is not connected to the room">
              <UnpluggedIcon size={12} />
              <span className="truncate">No audio link</span>
            </span>
          )}
          <LockNote participant={participant} />
        </span>
        <MicMeter participant={participant} />
      </span>
      <span className="participant__side">
        <span className="participant__mic" aria-hidden="true">
          {activity === 'talking' ? (
            <span className="talk-bars">
              <span />
              <span />
              <span />
            </span>
          ) : activity === 'muted-moderator' ? (
            <ShieldIcon size={14} />
          ) : activity === 'live' ? (
            <MicIcon size={14} />
          ) : (
            <MicOffIcon size={14} />
          )}
          <span className="participant__mic-words">{MIC_ACTIVITY_WORDS[activity]}</span>
        </span>
        {tools ? <ModerationButtons participant={participant} confirming={confirming} onAskRemove={() => setConfirming(true)} /> : null}
      </span>
      {moderating ? <StrayFlags flags={participant.flags} /> : null}
      {tools ? <SpeakRequestActions participant={participant} /> : null}
      {tools && confirming ? <RemoveConfirm participant={participant} onDone={closeConfirm} /> : null}
      {tools ? <ModerationError participantId={participant.id} /> : null}
    </li>
  );
});
