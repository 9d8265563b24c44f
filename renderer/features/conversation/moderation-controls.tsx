import { useEffect, useId, useRef, type ReactNode } from 'react';
import type { Participant } from '../../../electron/shared/conversation';
import { Button, type ButtonProps } from '../../components/button';
import { selectCanModerate, selectModerationOf, selectMuteAll, selectMuteAllCount } from '../../stores/conversation-selectors';
import { useAppStore } from '../../stores/store-context';
import { selectModerateMute, selectMuteAllButHosts, selectRemoveParticipant } from './conversation-actions';
import { MicOffIcon, RemovePersonIcon } from './conversation-icons';
import { formatPeople } from './conversation-view';

/*
 * The moderator's tools in the participants list (host and producers): mute or unmute someone
 * else, remove them after an inline question, and mute everyone who is not a host.
 *
 * A button that cannot be pressed right now (a request in flight, the link reconnecting, nobody
 * left to mute) is aria-disabled rather than disabled, so keyboard focus stays on it instead of
 * falling back to the page when a request starts or finishes.
 */

/** The name a participant goes by in buttons and questions. */
function nameOf(participant: Participant): string {
  return participant.display || 'Unnamed';
}

function ModerateButton({ unavailable, className, onClick, ...rest }: ButtonProps & { unavailable: boolean }): ReactNode {
  return (
    <Button
      {...rest}
      className={['moderate-button', className].filter(Boolean).join(' ')}
      aria-disabled={unavailable || undefined}
      onClick={unavailable ? undefined : onClick}
    />
  );
}

/**
 * Mute (a toggle: pressed while the participant is muted) and Remove, on someone else's row. Remove
 * is an icon (its name and tooltip say it, and it asks first): both fit in the row's status column,
 * so the names lose no room.
 */
export function ModerationButtons({
  participant,
  confirming,
  onAskRemove,
}: {
  participant: Participant;
  confirming: boolean;
  onAskRemove: () => void;
}): ReactNode {
  const canModerate = useAppStore(selectCanModerate);
  const request = useAppStore(selectModerationOf(participant.id));
  const moderateMute = useAppStore(selectModerateMute);
  const name = nameOf(participant);
  const pending = request.status === 'sending' ? request.action : null;
  const muting = pending === 'mute' || pending === 'unmute';
  const busy = pending !== null;

  return (
    <span className="participant__tools">
      {/* The name stays "Mute …" in both states (the toggle's pressed state says which); the tooltip says what a press does. */}
      <ModerateButton
        variant="secondary"
        className="moderate-button--mute"
        data-testid={`moderate-mute-${participant.id}`}
        aria-label={`Mute ${name}`}
        aria-pressed={participant.muted}
        title={participant.muted ? `${name} is muted. Press to unmute.` : `Mute ${name} for the whole room`}
        unavailable={!canModerate || busy}
        busy={muting}
        icon={<MicOffIcon size={12} />}
        onClick={() => void moderateMute(participant.id, !participant.muted)}
      >
        Mute
      </ModerateButton>
      <ModerateButton
        variant="ghost"
        className="moderate-button--remove"
        data-testid={`moderate-remove-${participant.id}`}
        data-remove=""
        aria-label={`Remove ${name}`}
        aria-expanded={confirming}
        title={`Remove ${name} from the room`}
        unavailable={!canModerate || busy}
        busy={pending === 'remove'}
        icon={<RemovePersonIcon size={14} />}
        onClick={onAskRemove}
      />
    </span>
  );
}

/** "Remove Cole from the room?" below the row; focus starts on Cancel, Escape cancels. */
export function RemoveConfirm({ participant, onDone }: { participant: Participant; onDone: () => void }): ReactNode {
  const canModerate = useAppStore(selectCanModerate);
  const removeParticipant = useAppStore(selectRemoveParticipant);
  const textId = useId();
  const groupRef = useRef<HTMLDivElement>(null);
  const name = nameOf(participant);
  // Keyboard users land on the safe answer: a second Enter must not remove anyone.
  useEffect(() => {
    groupRef.current?.querySelector<HTMLButtonElement>('[data-keep]')?.focus();
  }, []);

  return (
    <div
      className="moderate-confirm"
      ref={groupRef}
      role="group"
      aria-labelledby={textId}
      data-testid={`moderate-remove-question-${participant.id}`}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        onDone();
      }}
    >
      <p className="moderate-confirm__text" id={textId}>
        Remove <strong>{name}</strong> from the room?
      </p>
      <span className="moderate-confirm__actions">
        <Button
          variant="secondary"
          className="moderate-button"
          data-testid={`moderate-remove-cancel-${participant.id}`}
          data-keep=""
          aria-label="Cancel"
          onClick={onDone}
        >
          Cancel
        </Button>
        <ModerateButton
          variant="primary"
          className="moderate-confirm__go"
          data-testid={`moderate-remove-confirm-${participant.id}`}
          aria-label="Remove"
          unavailable={!canModerate}
          onClick={() => {
            onDone();
            void removeParticipant(participant.id);
          }}
        >
          Remove
        </ModerateButton>
      </span>
    </div>
  );
}

/** Why the last request about this participant failed, under the row. */
export function ModerationError({ participantId }: { participantId: string }): ReactNode {
  const request = useAppStore(selectModerationOf(participantId));
  if (request.status !== 'failed') return null;
  return (
    <p className="participant__error" role="alert" data-testid={`moderate-error-${participantId}`}>
      {request.error}
    </p>
  );
}

/** "Mute all but hosts" in the list's header: unavailable when everyone it would mute is muted already. */
export function MuteAllButton(): ReactNode {
  const canModerate = useAppStore(selectCanModerate);
  const sending = useAppStore((state) => selectMuteAll(state).status === 'sending');
  const count = useAppStore(selectMuteAllCount);
  const muteAll = useAppStore(selectMuteAllButHosts);
  return (
    <ModerateButton
      variant="secondary"
      className="moderate-button--all"
      data-testid="mute-all-but-hosts"
      aria-label="Mute all but hosts"
      title={
        count === 0
          ? 'Everyone but the hosts is muted already'
          : `Mutes ${formatPeople(count)} who ${count === 1 ? 'is' : 'are'} not a host`
      }
      unavailable={!canModerate || sending || count === 0}
      busy={sending}
      icon={<MicOffIcon size={12} />}
      onClick={() => void muteAll()}
    >
      Mute all but hosts
    </ModerateButton>
  );
}

/** Why "Mute all but hosts" failed; and, for screen readers, how many it muted. */
export function MuteAllStatus(): ReactNode {
  const request = useAppStore(selectMuteAll);
  return (
    <>
      <p className="visually-hidden" role="status">
        {request.status === 'done' ? `Muted ${formatPeople(request.value)}.` : ''}
      </p>
      {request.status === 'failed' ? (
        <p className="participants__error" role="alert" data-testid="mute-all-error">
          {request.error}
        </p>
      ) : null}
    </>
  );
}
