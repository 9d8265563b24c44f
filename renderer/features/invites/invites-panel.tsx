import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { InviteSummary } from '../../../electron/shared/conversation';
import { Button } from '../../components/button';
import { Panel } from '../../components/panel';
import { StatusPill } from '../../components/status-pill';
import { useWallClock } from '../../components/use-wall-clock';
import { selectCanSend } from '../../stores/selectors';
import { selectInviteRequest, selectInvites } from '../../stores/conversation-selectors';
import { useAppStore } from '../../stores/store-context';
import type { AppState } from '../../stores/store-types';
import { selectCreateInvite, selectLoadInvites, selectRevokeInvite } from '../conversation/conversation-actions';
import { AddPersonIcon } from '../conversation/conversation-icons';
import { ROLE_WORDS, selectCanHost } from '../conversation/conversation-view';
import { SubmitButton } from '../conversation/submit-button';
import { CopyField } from './copy-field';
import {
  DEFAULT_EXPIRY_MINUTES,
  describeExpiry,
  effectiveStatus,
  EXPIRY_CHOICES,
  formatMoment,
  INVITE_STATUS_WORDS,
  sortInvites,
} from './invite-format';
import '../conversation/conversation-panel.css';
import './invites-panel.css';

type InvitableRole = 'cohost' | 'producer';

/** The host's invites: create one for a co-host or producer, copy its link or code, revoke it. */
export function InvitesPanel(): ReactNode {
  const canHost = useAppStore(selectCanHost);
  const invites = useAppStore(selectInvites);
  const request = useAppStore(selectInviteRequest);
  const canSend = useAppStore(selectCanSend);
  const loadInvites = useAppStore(selectLoadInvites);
  const active = invites.items.filter((invite) => invite.status === 'active').length;
  // The list on show, and again after every reconnect (changes made meanwhile were not seen).
  useEffect(() => {
    if (canHost && canSend) void loadInvites();
  }, [canHost, canSend, loadInvites]);
  if (!canHost) return null;

  return (
    <Panel
      title="Invites"
      description="Bring co-hosts and producers into the room"
      className="invites-panel"
      testId="invites-panel"
      actions={
        <StatusPill tone={active > 0 ? 'ok' : 'neutral'}>
          <span className="num">{active === 1 ? '1 active' : `${active} active`}</span>
        </StatusPill>
      }
    >
      <div className="invites">
        <CreateInviteForm busy={request.status === 'sending'} />
        {request.status === 'failed' ? (
          <p className="inline-error" role="alert">
            {request.error}
          </p>
        ) : null}
        {invites.lastCreated ? <NewInvite key={invites.lastCreated.invite.id} created={invites.lastCreated} /> : null}
        <InviteList items={invites.items} />
      </div>
    </Panel>
  );
}

function CreateInviteForm({ busy }: { busy: boolean }): ReactNode {
  const canSend = useAppStore(selectCanSend);
  const createInvite = useAppStore(selectCreateInvite);
  const [role, setRole] = useState<InvitableRole>('cohost');
  const [label, setLabel] = useState('');
  const [expires, setExpires] = useState(DEFAULT_EXPIRY_MINUTES);
  const roleId = useId();
  const expiresId = useId();
  const labelId = useId();

  return (
    <form
      className="invite-create"
      aria-label="Create an invite"
      onSubmit={(event) => {
        event.preventDefault();
        void createInvite(role, label.trim(), expires);
      }}
    >
      <div className="invite-create__row">
        <div className="field">
          <label className="field__label" htmlFor={roleId}>
            Role
          </label>
          <select
            id={roleId}
            className="field-select"
            value={role}
            onChange={(event) => setRole(event.target.value === 'producer' ? 'producer' : 'cohost')}
          >
            <option value="cohost">{ROLE_WORDS.cohost.label}</option>
            <option value="producer">{ROLE_WORDS.producer.label}</option>
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={expiresId}>
            Valid for
          </label>
          <select id={expiresId} className="field-select" value={expires} onChange={(event) => setExpires(Number(event.target.value))}>
            {EXPIRY_CHOICES.map((choice) => (
              <option key={choice.minutes} value={choice.minutes}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={labelId}>
          Who is it for? <span className="faint">(optional)</span>
        </label>
        <div className="field__row">
          <input
            id={labelId}
            className="field-input"
            type="text"
            maxLength={200}
            placeholder="e.g. Ana"
            value={label}
            onChange={(event) => setLabel(event.target.value)}
          />
          <SubmitButton label="Create invite" busy={busy} disabled={busy || !canSend} icon={<AddPersonIcon />}>
            Create invite
          </SubmitButton>
        </div>
      </div>
      <p className="field__hint faint">
        {ROLE_WORDS[role].label}: {ROLE_WORDS[role].description.toLowerCase()}
      </p>
    </form>
  );
}

/** The invite just created: its link and code, to send privately. */
function NewInvite({ created }: { created: NonNullable<AppState['invites']['lastCreated']> }): ReactNode {
  const { invite, link, code } = created;
  const now = useWallClock(invite.expiresAt, 60_000);
  const headingId = useId();
  return (
    <section className="new-invite" aria-labelledby={headingId} data-testid="new-invite">
      <h3 id={headingId} className="new-invite__title">
        New {ROLE_WORDS[invite.role].label.toLowerCase()} invite{invite.label ? ` for ${invite.label}` : ''}
      </h3>
      <CopyField label="Invite link" value={link} testId="new-invite-link" />
      <CopyField label="Invite code" value={code} testId="new-invite-code" />
      <p className="new-invite__note">
        Send it privately: anyone who has it can join as {ROLE_WORDS[invite.role].label.toLowerCase()} until{' '}
        <span className="num">{formatMoment(invite.expiresAt, now)}</span>, unless you revoke it.
      </p>
    </section>
  );
}

function InviteList({ items }: { items: readonly InviteSummary[] }): ReactNode {
  const headingId = useId();
  // Once a minute is enough: expiry is shown to the minute.
  const now = useWallClock(0, 60_000);
  const sorted = useMemo(() => sortInvites(items, now), [items, now]);
  return (
    <section className="invite-list" aria-labelledby={headingId}>
      <div className="section-head">
        <h3 id={headingId} className="eyebrow">
          All invites
        </h3>
        <span className="section-head__count faint num">{items.length === 1 ? '1 invite' : `${items.length} invites`}</span>
      </div>
      {sorted.length === 0 ? (
        <p className="invite-list__empty faint">No invites yet. Create one above and send it to whoever should join the room.</p>
      ) : (
        <ul className="invite-list__items" aria-label="Invites" data-testid="invite-list">
          {sorted.map((invite) => (
            <InviteRow key={invite.id} invite={invite} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}

function InviteRow({ invite, now }: { invite: InviteSummary; now: number }): ReactNode {
  const status = effectiveStatus(invite, now);
  const words = INVITE_STATUS_WORDS[status];
  const [confirming, setConfirming] = useState(false);
  const name = invite.label || `${ROLE_WORDS[invite.role].label} invite`;

  return (
    <li className="invite-row" data-status={status} data-testid={`invite-${invite.id}`}>
      <div className="invite-row__main">
        <span className="invite-row__label truncate" title={name}>
          {name}
        </span>
        <span className="invite-row__status">
          <StatusPill tone={words.tone}>{words.label}</StatusPill>
        </span>
        <span className="invite-row__meta">
          <span className="role-badge" data-role={invite.role}>
            {ROLE_WORDS[invite.role].label}
          </span>
          <span className="invite-row__expiry faint num">
            {status === 'revoked' ? `Created ${formatMoment(invite.createdAt, now)}` : describeExpiry(invite.expiresAt, now)}
          </span>
        </span>
        {status === 'active' && !confirming ? (
          <Button variant="ghost" aria-label={`Revoke ${name}`} className="invite-row__revoke" onClick={() => setConfirming(true)}>
            Revoke
          </Button>
        ) : null}
      </div>
      {status === 'active' && confirming ? <RevokeConfirm invite={invite} name={name} onDone={() => setConfirming(false)} /> : null}
    </li>
  );
}

/** Revoking is final: a second step says what it does and may also remove who joined with the invite. */
function RevokeConfirm({ invite, name, onDone }: { invite: InviteSummary; name: string; onDone: () => void }): ReactNode {
  const { canSend, busy } = useAppStore(
    useShallow((state: AppState) => ({ canSend: selectCanSend(state), busy: state.inviteRequest.status === 'sending' })),
  );
  const revokeInvite = useAppStore(selectRevokeInvite);
  const [remove, setRemove] = useState(false);
  const removeId = useId();
  const textId = useId();
  const confirmRef = useRef<HTMLDivElement>(null);
  // Keyboard users land in the confirmation, not back at the top of the page.
  useEffect(() => {
    confirmRef.current?.querySelector<HTMLButtonElement>('[data-confirm]')?.focus();
  }, []);

  return (
    <div
      className="revoke-confirm"
      ref={confirmRef}
      role="group"
      aria-labelledby={textId}
      onKeyDown={(event) => event.key === 'Escape' && onDone()}
    >
      <p className="revoke-confirm__text" id={textId}>
        Revoke <strong>{name}</strong>? Nobody can join with it any more.
      </p>
      <label className="checkbox" htmlFor={removeId}>
        <input id={removeId} type="checkbox" checked={remove} onChange={(event) => setRemove(event.target.checked)} />
        <span>Also remove who joined with it</span>
      </label>
      <div className="revoke-confirm__actions">
        <Button variant="ghost" aria-label="Keep invite" onClick={onDone}>
          Keep
        </Button>
        <Button
          variant="primary"
          aria-label={remove ? 'Revoke and remove' : 'Revoke invite'}
          className="revoke-confirm__go"
          data-confirm=""
          busy={busy}
          disabled={!canSend || busy}
          onClick={() => void revokeInvite(invite.id, remove).then(onDone)}
        >
          {remove ? 'Revoke and remove' : 'Revoke invite'}
        </Button>
      </div>
    </div>
  );
}
