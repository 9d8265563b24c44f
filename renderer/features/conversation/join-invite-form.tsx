import { useId, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { InvitePreview } from '../../../electron/shared/conversation';
import { Button } from '../../components/button';
import { useWallClock } from '../../components/use-wall-clock';
import { describeExpiry, formatMoment } from '../invites/invite-format';
import { selectCanJoin } from '../../stores/conversation-selectors';
import { useAppStore } from '../../stores/store-context';
import type { AppState } from '../../stores/store-types';
import { selectJoinConversation, selectPreviewInvite } from './conversation-actions';
import { EnterIcon, LinkIcon } from './conversation-icons';
import { ROLE_WORDS } from './conversation-view';
import { SubmitButton } from './submit-button';

const selectInviteFlow = (state: AppState): { preview: AppState['invitePreview']; join: AppState['joinStatus'] } => ({
  preview: state.invitePreview,
  join: state.joinStatus,
});

/** The invite link last opened outside the app (steadycast://join/…). */
const selectOpenedInvite = (state: AppState): AppState['openedInvite'] => state.openedInvite;

/**
 * Joining someone else's space: paste the invite (code or steadycast:// link), see what it is for,
 * give a name, join. A preview belongs to the text it checked: editing the text hides it again.
 * An invite link opened outside the app fills the field (the store checks it); a link that is not
 * an invite, or one that arrived while in a room, says so here.
 */
export function JoinInviteForm(): ReactNode {
  const { preview, join } = useAppStore(useShallow(selectInviteFlow));
  const opened = useAppStore(selectOpenedInvite);
  const previewInvite = useAppStore(selectPreviewInvite);
  const joinConversation = useAppStore(selectJoinConversation);
  const canJoin = useAppStore(selectCanJoin);
  const prefilled = opened?.status === 'prefilled' ? opened.link : null;
  const [input, setInput] = useState(prefilled ?? '');
  const [checked, setChecked] = useState<string | null>(prefilled);
  // Each opened link replaces what the field holds (the store is already checking it).
  const [seenOpened, setSeenOpened] = useState(opened);
  if (opened !== seenOpened) {
    setSeenOpened(opened);
    if (prefilled !== null) {
      setInput(prefilled);
      setChecked(prefilled);
    }
  }
  const [display, setDisplay] = useState('');
  const inviteId = useId();
  const inviteHintId = useId();
  const nameId = useId();

  const code = input.trim();
  const current = checked !== null && checked === code;
  const checking = current && preview.status === 'sending';
  const ready = current && preview.status === 'done' ? preview.value : null;
  const previewError = current && preview.status === 'failed' ? preview.error : null;
  const joining = join.status === 'joining';

  const check = (text: string): void => {
    const trimmed = text.trim();
    if (!trimmed) return;
    setChecked(trimmed);
    void previewInvite(trimmed);
  };

  return (
    <div className="join-invite">
      <form
        className="join-form"
        aria-label="Check an invite"
        onSubmit={(event) => {
          event.preventDefault();
          check(input);
        }}
      >
        <div className="field">
          <label className="field__label" htmlFor={inviteId}>
            Invite link or code
          </label>
          <div className="field__row">
            <input
              id={inviteId}
              className="field-input mono"
              type="text"
              spellCheck={false}
              autoComplete="off"
              placeholder="steadycast://join/…"
              aria-describedby={inviteHintId}
              aria-invalid={previewError !== null || undefined}
              value={input}
              onChange={(event) => setInput(event.target.value)}
              onPaste={(event) => {
                const pasted = event.clipboardData.getData('text');
                // Pasting into an empty field is the whole invite: check it right away.
                if (pasted.trim() && !input.trim()) {
                  event.preventDefault();
                  setInput(pasted.trim());
                  check(pasted);
                }
              }}
            />
            <Button
              variant="secondary"
              aria-label="Check invite"
              busy={checking}
              disabled={!code || checking || (current && preview.status === 'done')}
              icon={<LinkIcon />}
              onClick={() => check(input)}
            >
              Check
            </Button>
          </div>
          <p className="field__hint faint" id={inviteHintId}>
            Paste the link or code the host sent you.
          </p>
        </div>
        {previewError ? (
          <p className="inline-error" role="alert">
            {previewError}
          </p>
        ) : null}
        {opened && opened.status !== 'prefilled' ? (
          <p className="inline-error" role="alert" data-testid="opened-invite-notice">
            {opened.message}
          </p>
        ) : null}
      </form>

      {ready ? (
        <form
          className="join-form"
          aria-label="Join with this invite"
          onSubmit={(event) => {
            event.preventDefault();
            if (display.trim()) void joinConversation(display.trim(), code);
          }}
        >
          <InvitePreviewCard preview={ready} />
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
              <SubmitButton
                label={`Join as ${ROLE_WORDS[ready.role].label}`}
                busy={joining}
                disabled={joining || !canJoin || !display.trim()}
                icon={<EnterIcon />}
              >
                Join
              </SubmitButton>
            </div>
          </div>
        </form>
      ) : null}

      {join.status === 'failed' ? (
        <p className="inline-error" role="alert">
          {join.error}
        </p>
      ) : null}
    </div>
  );
}

/** What an invite is for: which space, as what, until when, over which servers. */
function InvitePreviewCard({ preview }: { preview: InvitePreview }): ReactNode {
  const now = useWallClock(preview.expiresAt, 60_000);
  const role = ROLE_WORDS[preview.role];
  return (
    <dl className="invite-preview" data-testid="invite-preview" role="group" aria-label="Invite">
      <div className="invite-preview__item invite-preview__item--space">
        <dt>Space</dt>
        <dd className="truncate" title={preview.space}>
          {preview.space}
        </dd>
      </div>
      <div className="invite-preview__item">
        <dt>Join as</dt>
        <dd>
          <span className="role-badge" data-role={preview.role}>
            {role.label}
          </span>{' '}
          <span className="invite-preview__sub">{role.description}</span>
        </dd>
      </div>
      <div className="invite-preview__item">
        <dt>Valid</dt>
        <dd className="num">
          {describeExpiry(preview.expiresAt, now)}
          <span className="invite-preview__sub"> · until {formatMoment(preview.expiresAt, now)}</span>
        </dd>
      </div>
      <div className="invite-preview__item">
        <dt>Servers</dt>
        <dd>
          {preview.endpoints.length > 1 ? 'Primary, with a backup if it fails' : 'Primary only'}
          {preview.servers?.map((server) => (
            <span
              key={server.endpoint}
              className="invite-preview__sub invite-preview__server"
              data-testid={`invite-server-${server.endpoint}`}
            >
              <br />
              {server.endpoint === 'primary' ? 'Primary' : 'Backup'}: <span className="num">{server.janus}</span>
              {server.secure ? '' : ' (not encrypted)'}
            </span>
          ))}
        </dd>
      </div>
    </dl>
  );
}
