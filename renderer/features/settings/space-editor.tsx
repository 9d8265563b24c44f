import type { ReactNode } from 'react';
import { Button } from '../../components/button';
import { useAppStore } from '../../stores/store-context';
import type { EndpointDraft, FieldErrors } from '../../stores/settings-form';
import { CheckField, TextField } from './settings-fields';

/** The fields of one endpoint (Janus room and Icecast mount). */
function EndpointFields({ which, draft, errors }: { which: 'primary' | 'backup'; draft: EndpointDraft; errors: FieldErrors }): ReactNode {
  const setField = useAppStore((state) => state.setSpaceField);
  const label = which === 'primary' ? 'Primary' : 'Backup';
  const error = (field: string): string | undefined => errors[`${which}.${field}`];
  return (
    <fieldset className="settings-endpoint" data-testid={`settings-endpoint-${which}`}>
      <legend className="settings-endpoint__legend">{label} endpoint</legend>
      <div className="settings-grid">
        <TextField
          label={`${label} Janus URL`}
          value={draft.janusUrl}
          onChange={(value) => setField(which, 'janusUrl', value)}
          error={error('janusUrl')}
          placeholder="wss://janus.example.org:8989"
          mono
          type="url"
        />
        <TextField
          label={`${label} room number`}
          value={draft.roomId}
          onChange={(value) => setField(which, 'roomId', value)}
          error={error('roomId')}
          placeholder="1234"
          inputMode="numeric"
          mono
          hint="Empty: no conversation room (audience only)."
        />
        <TextField
          label={`${label} room secret`}
          type="password"
          value={draft.roomSecret}
          onChange={(value) => setField(which, 'roomSecret', value)}
          error={error('roomSecret')}
          hint={draft.roomSecretSet ? 'Saved. Leave empty to keep it.' : 'At least 8 characters; moderators use it.'}
          autoComplete="new-password"
        />
        <TextField
          label={`${label} room PIN (optional)`}
          value={draft.roomPin}
          onChange={(value) => setField(which, 'roomPin', value)}
          error={error('roomPin')}
        />
        <TextField
          label={`${label} Icecast mount URL`}
          value={draft.mountUrl}
          onChange={(value) => setField(which, 'mountUrl', value)}
          error={error('mountUrl')}
          placeholder="https://icecast.example.org:8000/live.opus"
          mono
          type="url"
        />
        <TextField
          label={`${label} source user`}
          value={draft.sourceUser}
          onChange={(value) => setField(which, 'sourceUser', value)}
          error={error('sourceUser')}
        />
        <TextField
          label={`${label} source password`}
          type="password"
          value={draft.sourcePassword}
          onChange={(value) => setField(which, 'sourcePassword', value)}
          error={error('sourcePassword')}
          hint={draft.sourcePasswordSet ? 'Saved. Leave empty to keep it.' : undefined}
          autoComplete="new-password"
        />
      </div>
    </fieldset>
  );
}

/** The editor of one space: its name, the primary endpoint and an optional backup; Save checks every field first. */
export function SpaceEditorForm(): ReactNode {
  const editor = useAppStore((state) => state.settings.editor);
  const setField = useAppStore((state) => state.setSpaceField);
  const setHasBackup = useAppStore((state) => state.setHasBackup);
  const saveSpace = useAppStore((state) => state.saveSpace);
  const cancel = useAppStore((state) => state.cancelSpaceEdit);
  if (!editor) return null;
  const title = editor.id === null ? 'New space' : `Edit ${editor.draft.name || 'space'}`;
  const problems = Object.keys(editor.errors).length;
  return (
    <form
      className="settings-editor"
      aria-label={editor.id === null ? 'New space' : 'Edit space'}
      data-testid="space-editor"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void saveSpace();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') cancel();
      }}
    >
      <h3 className="settings-editor__title">{editor.id === null ? 'New space' : title}</h3>
      <TextField
        label="Space name"
        value={editor.draft.name}
        onChange={(value) => setField(null, 'name', value)}
        error={editor.errors['name']}
        placeholder="Launch night"
      />
      <EndpointFields which="primary" draft={editor.draft.primary} errors={editor.errors} />
      <CheckField
        label="This space has a backup endpoint (another Janus and Icecast)"
        checked={editor.draft.hasBackup}
        onChange={setHasBackup}
      />
      {editor.draft.hasBackup ? <EndpointFields which="backup" draft={editor.draft.backup} errors={editor.errors} /> : null}
      {problems > 0 ? (
        <p className="inline-error" role="alert">
          {problems === 1 ? 'One field needs a fix' : `${problems} fields need a fix`} before the space can be saved.
        </p>
      ) : null}
      {editor.save.status === 'failed' ? (
        <p className="inline-error" role="alert">
          {editor.save.error}
        </p>
      ) : null}
      <div className="settings-actions">
        <Button
          aria-label="Save space"
          variant="primary"
          busy={editor.save.status === 'sending'}
          disabled={editor.save.status === 'sending'}
          onClick={() => void saveSpace()}
        >
          Save space
        </Button>
        <Button aria-label="Cancel" variant="ghost" onClick={cancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
