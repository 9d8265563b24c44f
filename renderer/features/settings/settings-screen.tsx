import { useEffect, useRef, type ReactNode } from 'react';
import { Button } from '../../components/button';
import { Panel } from '../../components/panel';
import { selectPractice } from '../../stores/practice-slice';
import { selectSettingsError } from '../../stores/settings-slice';
import { useAppStore } from '../../stores/store-context';
import { GeneralSettingsForm } from './general-settings-form';
import { SpaceEditorForm } from './space-editor';
import './settings.css';

/** One saved space in the list: its endpoints at a glance, and Edit, Duplicate, Delete (with a confirm). */
function SpaceRow({ id }: { id: string }): ReactNode {
  const space = useAppStore((state) => state.settings.view?.spaces.find((candidate) => candidate.id === id));
  // While the practice space runs, no saved space is the one in use.
  const active = useAppStore((state) => state.settings.view?.activeSpaceId === id && selectPractice(state)?.status !== 'running');
  const confirming = useAppStore((state) => state.settings.confirmingDelete === id);
  const busy = useAppStore((state) => state.settings.spaceRequest.status === 'sending' && state.settings.spaceRequest.id === id);
  const editSpace = useAppStore((state) => state.editSpace);
  const duplicateSpace = useAppStore((state) => state.duplicateSpace);
  const runSpace = useAppStore((state) => state.runSpace);
  const pending = useAppStore((state) => active && state.settings.view?.pendingSpace === true);
  const askDelete = useAppStore((state) => state.askDeleteSpace);
  const cancelDelete = useAppStore((state) => state.cancelDeleteSpace);
  const confirmDelete = useAppStore((state) => state.confirmDeleteSpace);
  if (!space) return null;
  const summary = [
    space.primary ? `Primary ${space.primary.mountUrl}` : 'No primary endpoint',
    space.backup ? 'backup set' : 'no backup',
  ].join(' · ');
  return (
    <li className="settings-space" aria-label={space.name} data-testid={`space-${space.id}`}>
      <div className="settings-space__text">
        <span className="settings-space__name">
          {space.name}
          {active ? <span className="settings-space__badge">In use</span> : null}
        </span>
        <span className="settings-space__summary">{summary}</span>
        {pending ? (
          <span className="settings-space__summary" data-testid="space-pending">
            Your changes apply when you next go live or join the room (now on air or in the room).
          </span>
        ) : null}
      </div>
      {confirming ? (
        <div className="settings-space__confirm" role="group" aria-label={`Delete ${space.name}?`}>
          <span>Delete {space.name}?</span>
          <Button aria-label={`Delete ${space.name} for good`} variant="primary" onClick={() => void confirmDelete()}>
            Delete
          </Button>
          <Button aria-label="Keep it" variant="ghost" onClick={cancelDelete}>
            Keep it
          </Button>
        </div>
      ) : (
        <div className="settings-space__actions">
          <Button aria-label={`Edit ${space.name}`} onClick={() => editSpace(space.id)} disabled={busy}>
            Edit
          </Button>
          {active ? null : (
            <Button
              aria-label={`Use ${space.name}`}
              onClick={() => void runSpace(space.id)}
              disabled={busy}
              title="Runs this space from now on (off air and out of the room)"
            >
              Use
            </Button>
          )}
          <Button aria-label={`Duplicate ${space.name}`} onClick={() => void duplicateSpace(space.id)} disabled={busy} busy={busy}>
            Duplicate
          </Button>
          <Button
            aria-label={`Delete ${space.name}`}
            variant="ghost"
            onClick={() => askDelete(space.id)}
            disabled={busy || active}
            title={active ? 'The space in use cannot be deleted' : undefined}
          >
            Delete
          </Button>
        </div>
      )}
    </li>
  );
}

/** The settings screen: saved spaces with their editor, and audio, recording and shortcuts. */
export function SettingsScreen(): ReactNode {
  const ids = useAppStore((state) => state.settings.view?.spaces.map((space) => space.id).join('\n') ?? '');
  const loading = useAppStore((state) => state.settings.load.status === 'sending');
  const practiceRunning = useAppStore((state) => selectPractice(state)?.status === 'running');
  const error = useAppStore(selectSettingsError);
  const close = useAppStore((state) => state.closeSettings);
  const newSpace = useAppStore((state) => state.newSpace);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <main className="settings-screen" aria-labelledby="settings-heading" data-testid="settings-screen">
      <header className="settings-screen__header">
        <h1 id="settings-heading" className="settings-screen__title" tabIndex={-1} ref={headingRef}>
          Settings
        </h1>
        <Button aria-label="Back to the control room" onClick={close}>
          Back to the control room
        </Button>
      </header>
      {error ? (
        <p className="inline-error" role="alert" data-testid="settings-error">
          {error}
        </p>
      ) : null}
      <div className="settings-screen__columns">
        <Panel
          title="Spaces"
          description="Each space is a Janus room and an Icecast mount, with an optional backup."
          testId="settings-spaces"
          actions={
            <Button aria-label="New space" variant="primary" onClick={newSpace}>
              New space
            </Button>
          }
        >
          {loading ? <p className="settings-screen__loading">Reading the settings…</p> : null}
          {practiceRunning ? (
            <p className="settings-space__summary" data-testid="settings-practice-in-use">
              The practice space is in use. Press Use on a saved space to run it instead (off air and out of the room).
            </p>
          ) : null}
          <ul className="settings-spaces" aria-label="Saved spaces">
            {ids === '' ? null : ids.split('\n').map((id) => <SpaceRow key={id} id={id} />)}
          </ul>
          <SpaceEditorForm />
        </Panel>
        <Panel
          title="Audio, recording and shortcuts"
          description="How the program is encoded and recorded, and the keys that work in any app."
          testId="settings-general"
        >
          <GeneralSettingsForm />
        </Panel>
      </div>
    </main>
  );
}

/** The top bar's way into the settings. */
export function SettingsButton(): ReactNode {
  const open = useAppStore((state) => state.settings.open);
  const openSettings = useAppStore((state) => state.openSettings);
  const closeSettings = useAppStore((state) => state.closeSettings);
  return (
    <Button
      aria-label="Settings"
      aria-pressed={open}
      variant="ghost"
      data-testid="open-settings"
      onClick={() => (open ? closeSettings() : void openSettings())}
    >
      Settings
    </Button>
  );
}
