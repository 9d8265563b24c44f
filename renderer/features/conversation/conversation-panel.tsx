import { useId, useState, type ReactNode } from 'react';
import type { ConversationLink, JoinStep } from '../../../electron/shared/conversation';
import { Button } from '../../components/button';
import { Panel } from '../../components/panel';
import { StatusPill } from '../../components/status-pill';
import { useWallClock } from '../../components/use-wall-clock';
import { describeCountdown, secondsUntil } from '../../stores/broadcast-selectors';
import { selectConversationLink, selectMediaConnection } from '../../stores/conversation-selectors';
import { selectCanSend, selectConnection, selectHasEngine } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';
import type { AppState } from '../../stores/store-types';
import { selectLeaveConversation } from './conversation-actions';
import { LeaveIcon } from './conversation-icons';
import { describeLink, endpointWords, selectCanHost } from './conversation-view';
import { HostJoinForm } from './host-join-form';
import { JoinInviteForm } from './join-invite-form';
import { SelfMicWarning } from './mic-warning';
import { MicrophonePicker } from './microphone-picker';
import { ParticipantsList } from './participants-list';
import { SelfMuteButton } from './self-mute-button';
import './conversation-panel.css';

const selectSpaceName = (state: AppState): string | null => state.conversation?.space ?? state.engine?.space.name ?? null;

/** The room the host, co-hosts and producers talk in: join, mute, microphone, who is here, leave. */
export function ConversationPanel(): ReactNode {
  const hasEngine = useAppStore(selectHasEngine);
  const connection = useAppStore(selectConnection);
  const link = useAppStore(selectConversationLink);
  const spaceName = useAppStore(selectSpaceName);
  const { tone, label } = describeLink(link);

  return (
    <Panel
      title="Conversation"
      description={<LinkDescription link={link} spaceName={spaceName} />}
      className="conversation-panel"
      testId="conversation-panel"
      actions={
        <span role="status" data-testid="conversation-link" data-status={link?.status ?? 'none'}>
          <StatusPill tone={tone}>{label}</StatusPill>
        </span>
      }
    >
      {!hasEngine || link === null ? (
        <p className="placeholder">
          {connection.status === 'connected' || connection.status === 'connecting'
            ? 'Waiting for the engine state…'
            : 'Not connected to the engine.'}
        </p>
      ) : (
        <ConversationBody link={link} spaceName={spaceName} />
      )}
    </Panel>
  );
}

function LinkDescription({ link, spaceName }: { link: ConversationLink | null; spaceName: string | null }): ReactNode {
  if (link && (link.status === 'joined' || link.status === 'reconnecting' || link.status === 'connecting')) {
    return (
      <>
        {spaceName ? `${spaceName} · ` : ''}
        {endpointWords(link.endpoint)}
      </>
    );
  }
  return 'Talk with co-hosts and producers';
}

function ConversationBody({ link, spaceName }: { link: ConversationLink; spaceName: string | null }): ReactNode {
  switch (link.status) {
    case 'idle':
      return <JoinChoices spaceName={spaceName} />;
    case 'failed':
      return (
        <div className="conversation">
          <div className="conversation-notice" data-tone="bad" role="alert">
            <strong>Could not stay in the room.</strong> <span>{link.reason}</span>
          </div>
          <JoinChoices spaceName={spaceName} again />
        </div>
      );
    case 'connecting':
      return (
        <div className="conversation">
          <p className="conversation__joining" role="status">
            <span className="conversation__spinner" aria-hidden="true" />
            Joining {spaceName ? <strong>{spaceName}</strong> : 'the room'} on the {endpointWords(link.endpoint)}…
          </p>
          <JoinProgress link={link} />
          <LeaveButton label="Cancel" />
        </div>
      );
    case 'joined':
    case 'reconnecting':
      return (
        <div className="conversation">
          {link.status === 'reconnecting' ? <ReconnectingNotice link={link} /> : null}
          <OpenedInviteNotice />
          <SelfMuteButton />
          <BackupRoomStatus />
          <SelfMicWarning />
          <MicrophonePicker />
          <MediaStatus />
          <ParticipantsList />
          <div className="conversation__footer">
            <LeaveButton label="Leave the room" />
            <span className="conversation__shortcut faint">
              <kbd>M</kbd> mutes or unmutes
            </span>
          </div>
        </div>
      );
  }
}

const JOIN_STEP_WORDS: Record<JoinStep, string> = {
  server: 'Reach the conversation server',
  room: 'Open the room (created when it is new)',
  seat: 'Take your seat',
};

/** The steps of a join: done, under way, to come. */
function JoinProgress({ link }: { link: Extract<ConversationLink, { status: 'connecting' }> }): ReactNode {
  const current = link.steps.indexOf(link.step);
  const labelId = useId();
  return (
    <div className="join-progress" data-testid="join-progress" data-step={link.step}>
      <progress className="join-progress__bar" aria-labelledby={labelId} max={link.steps.length} value={current} />
      <span id={labelId} className="visually-hidden">
        Joining: step {current + 1} of {link.steps.length}
      </span>
      <ol className="join-progress__steps">
        {link.steps.map((step, index) => {
          const state = index < current ? 'done' : index === current ? 'active' : 'todo';
          return (
            <li key={step} className="join-progress__step" data-state={state} aria-current={state === 'active' ? 'step' : undefined}>
              {JOIN_STEP_WORDS[step]}
              {state === 'done' ? <span className="visually-hidden"> (done)</span> : null}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

/** The host's backup room: being prepared, ready, or not (with a way to try again). */
function BackupRoomStatus(): ReactNode {
  const backupRoom = useAppStore((state) => state.conversation?.backupRoom ?? null);
  const request = useAppStore((state) => state.backupRoomRequest);
  const prepareBackupRoom = useAppStore((state) => state.prepareBackupRoom);
  if (backupRoom === null || backupRoom.status === 'none') return null;
  switch (backupRoom.status) {
    case 'preparing':
      return (
        <p className="backup-room" data-status="preparing" data-testid="backup-room" role="status">
          <span className="conversation__spinner" aria-hidden="true" />
          Preparing the backup room…
        </p>
      );
    case 'ready':
      return (
        <p className="backup-room" data-status="ready" data-testid="backup-room" role="status">
          <span className="backup-room__dot" aria-hidden="true" />
          Backup room ready: a move finds it waiting.
        </p>
      );
    case 'failed':
      return (
        <div className="conversation-notice" data-tone="bad" data-testid="backup-room" data-status="failed" role="alert">
          <span>{backupRoom.reason}</span>
          {request.status === 'failed' ? <span className="conversation-notice__detail">{request.error}</span> : null}
          <Button
            variant="secondary"
            aria-label="Prepare the backup room again"
            busy={request.status === 'sending'}
            disabled={request.status === 'sending'}
            onClick={() => void prepareBackupRoom()}
            data-testid="backup-room-retry"
          >
            Prepare it again
          </Button>
        </div>
      );
  }
}

/** An invite link that arrived while this window is in a room: it was not used, and why (or why it is no invite). */
function OpenedInviteNotice(): ReactNode {
  const message = useAppStore((state) =>
    state.openedInvite && state.openedInvite.status !== 'prefilled' ? state.openedInvite.message : null,
  );
  if (message === null) return null;
  return (
    <div className="conversation-notice" data-tone="warn" role="alert" data-testid="opened-invite-notice">
      {message}
    </div>
  );
}

/** Host: join by name, or open the invite form to join someone else's space. Others: the invite form. */
function JoinChoices({ spaceName, again = false }: { spaceName: string | null; again?: boolean }): ReactNode {
  const canHost = useAppStore(selectCanHost);
  // An invite link opened from outside (a deep link) shows its form at once.
  const opened = useAppStore((state) => state.openedInvite?.status === 'prefilled');
  const [chosen, setWithInvite] = useState(false);
  const withInvite = chosen || opened;
  const inviteRegion = useId();
  if (!canHost) {
    return (
      <div className="conversation">
        <p className="join-form__lead">
          {again ? 'Check the invite again, or ask the host for a new one.' : 'Join a space with the invite its host sent you.'}
        </p>
        <JoinInviteForm />
      </div>
    );
  }
  return (
    <div className="conversation">
      <HostJoinForm spaceName={spaceName} />
      <div className="join-alt">
        <button
          type="button"
          className="join-alt__toggle"
          aria-expanded={withInvite}
          aria-controls={inviteRegion}
          onClick={() => setWithInvite((open) => !open)}
        >
          <span className="join-alt__chevron" aria-hidden="true" />
          Join another space with an invite
        </button>
        <div id={inviteRegion} hidden={!withInvite}>
          {withInvite ? <JoinInviteForm /> : null}
        </div>
      </div>
    </div>
  );
}

function ReconnectingNotice({ link }: { link: Extract<ConversationLink, { status: 'reconnecting' }> }): ReactNode {
  return (
    <div className="conversation-notice" data-tone="warn" data-testid="conversation-reconnecting">
      <span className="conversation-notice__main">
        <strong>Lost the room.</strong>{' '}
        <ReconnectCountdown key={link.nextAttemptAt} nextAttemptAt={link.nextAttemptAt} attempt={link.attempt} />
      </span>
      <span className="conversation-notice__detail" title={link.reason}>
        {link.reason}
      </span>
    </div>
  );
}

/** "Next attempt in 3 s", live every second (engine clock, ms since the epoch, as the program's outputs). */
function ReconnectCountdown({ nextAttemptAt, attempt }: { nextAttemptAt: number; attempt: number }): ReactNode {
  const now = useWallClock(nextAttemptAt);
  const text = describeCountdown(nextAttemptAt, now);
  return (
    <span className="num" data-testid="conversation-countdown" data-seconds={secondsUntil(nextAttemptAt, now)}>
      {text === 'now' ? 'Reconnecting now…' : `Next attempt ${text}`}
      <span className="faint"> · attempt {attempt}</span>
    </span>
  );
}

const MEDIA_WORDS: Record<AppState['media']['state'], string | null> = {
  new: 'Your audio is starting…',
  connecting: 'Connecting your audio…',
  connected: null,
  disconnected: 'Your audio link dropped; it reconnects by itself.',
  failed: 'Your audio could not connect to the room.',
  closed: 'Your audio link is closed.',
};

/** Our own WebRTC link, shown only when it is not up. */
function MediaStatus(): ReactNode {
  const { state, detail } = useAppStore(selectMediaConnection);
  const words = MEDIA_WORDS[state];
  if (words === null) return null;
  return (
    <p className="media-status" data-state={state} data-testid="media-status" role="status">
      {words}
      {detail ? <span className="faint"> {detail}</span> : null}
    </p>
  );
}

function LeaveButton({ label }: { label: string }): ReactNode {
  const canSend = useAppStore(selectCanSend);
  const leaveConversation = useAppStore(selectLeaveConversation);
  return (
    <Button
      variant="secondary"
      aria-label={label}
      disabled={!canSend}
      icon={<LeaveIcon />}
      onClick={() => void leaveConversation()}
      className="leave-button"
    >
      {label}
    </Button>
  );
}
