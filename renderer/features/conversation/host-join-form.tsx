import { useId, useState, type ReactNode } from 'react';
import { selectCanJoin } from '../../stores/conversation-selectors';
import { useAppStore } from '../../stores/store-context';
import { selectJoinConversation } from './conversation-actions';
import { EnterIcon } from './conversation-icons';
import { SubmitButton } from './submit-button';

/** The host joins the space's own room by name: no invite, the engine has the room's configuration. */
export function HostJoinForm({ spaceName }: { spaceName: string | null }): ReactNode {
  const [display, setDisplay] = useState('');
  const joining = useAppStore((state) => state.joinStatus.status === 'joining');
  const canJoin = useAppStore(selectCanJoin);
  const error = useAppStore((state) => (state.joinStatus.status === 'failed' ? state.joinStatus.error : null));
  const joinConversation = useAppStore(selectJoinConversation);
  const nameId = useId();
  const trimmed = display.trim();

  return (
    <form
      className="join-form"
      aria-label="Join the room as host"
      onSubmit={(event) => {
        event.preventDefault();
        if (trimmed && canJoin) void joinConversation(trimmed);
      }}
    >
      <p className="join-form__lead">
        Join {spaceName ? <strong>{spaceName}</strong> : 'the room'} as the host to talk with your co-hosts and producers.
      </p>
      <div className="field">
        <label className="field__label" htmlFor={nameId}>
          Your name
        </label>
        <div className="field__row">
          <input
            id={nameId}
            className="field-input"
            type="text"
            autoComplete="nickname"
            maxLength={60}
            placeholder="As others will see it"
            value={display}
            onChange={(event) => setDisplay(event.target.value)}
          />
          <SubmitButton label="Join the room" busy={joining} disabled={joining || !canJoin || !trimmed} icon={<EnterIcon />}>
            Join the room
          </SubmitButton>
        </div>
      </div>
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
