import type { ReactNode } from 'react';
import { BITRATES_KBPS } from '../../../electron/shared/settings';
import { Button } from '../../components/button';
import { selectHasGlobalShortcuts } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';
import { GENERAL_PATHS } from '../../stores/settings-slice';
import { CheckField, SelectField, TextField } from './settings-fields';

const BITRATE_OPTIONS = BITRATES_KBPS.map((kbps) => ({ value: String(kbps), label: `${kbps} kb/s` }));
const CHANNEL_OPTIONS = [
  { value: '2', label: 'Stereo (2 channels)' },
  { value: '1', label: 'Mono (1 channel)' },
];

/** Audio, recording and shortcuts: one form, saved together. */
export function GeneralSettingsForm(): ReactNode {
  const general = useAppStore((state) => state.settings.general);
  const devices = useAppStore((state) => state.microphone.devices);
  const setField = useAppStore((state) => state.setGeneralField);
  const save = useAppStore((state) => state.saveGeneral);
  // Headless and browser windows have no global shortcuts: their fields would promise keys that do nothing.
  const globalShortcuts = useAppStore(selectHasGlobalShortcuts);
  if (!general) return null;
  const { draft, errors } = general;
  const error = (field: keyof typeof GENERAL_PATHS): string | undefined => errors[GENERAL_PATHS[field]];
  const deviceOptions = [
    { value: '', label: 'System default' },
    ...devices.map((device) => ({ value: device.id, label: device.label || 'Unnamed microphone' })),
  ];
  if (draft.inputDeviceId !== '' && !devices.some((device) => device.id === draft.inputDeviceId))
    deviceOptions.push({ value: draft.inputDeviceId, label: 'Saved microphone (not connected)' });
  return (
    <form
      className="settings-general"
      aria-label="Audio, recording and shortcuts"
      data-testid="general-settings"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <fieldset className="settings-endpoint">
        <legend className="settings-endpoint__legend">Audio</legend>
        <div className="settings-grid">
          <SelectField
            label="Program bitrate"
            value={draft.bitrateKbps}
            options={BITRATE_OPTIONS}
            onChange={(value) => setField('bitrateKbps', value)}
            error={error('bitrateKbps')}
          />
          <SelectField
            label="Channels"
            value={draft.channels}
            options={CHANNEL_OPTIONS}
            onChange={(value) => setField('channels', value)}
            error={error('channels')}
          />
          <SelectField
            label="Microphone"
            value={draft.inputDeviceId}
            options={deviceOptions}
            onChange={(value) => setField('inputDeviceId', value)}
            error={error('inputDeviceId')}
          />
        </div>
        <div className="settings-checks" role="group" aria-label="Microphone processing">
          <CheckField
            label="Echo cancellation"
            checked={draft.echoCancellation}
            onChange={(checked) => setField('echoCancellation', checked)}
          />
          <CheckField
            label="Noise suppression"
            checked={draft.noiseSuppression}
            onChange={(checked) => setField('noiseSuppression', checked)}
          />
          <CheckField
            label="Automatic gain control"
            checked={draft.autoGainControl}
            onChange={(checked) => setField('autoGainControl', checked)}
          />
        </div>
      </fieldset>
      <fieldset className="settings-endpoint">
        <legend className="settings-endpoint__legend">Safety recording</legend>
        <CheckField
          label="Record every show to a file"
          checked={draft.recordingEnabled}
          onChange={(checked) => setField('recordingEnabled', checked)}
        />
        <TextField
          label="Recording folder"
          value={draft.recordingFolder}
          onChange={(value) => setField('recordingFolder', value)}
          error={error('recordingFolder')}
          placeholder="/home/you/Recordings"
          mono
          testId="recording-folder"
        />
      </fieldset>
      {globalShortcuts ? (
        <fieldset className="settings-endpoint">
          <legend className="settings-endpoint__legend">Global shortcuts</legend>
          <div className="settings-grid">
            <TextField
              label="Mute shortcut"
              value={draft.muteToggle}
              onChange={(value) => setField('muteToggle', value)}
              error={error('muteToggle')}
              hint="Such as CommandOrControl+Shift+M; empty turns it off."
              mono
              testId="shortcut-mute"
            />
            <TextField
              label="Push-to-talk shortcut"
              value={draft.pushToTalk}
              onChange={(value) => setField('pushToTalk', value)}
              error={error('pushToTalk')}
              hint="Hold to talk while muted; empty turns it off."
              mono
              testId="shortcut-ptt"
            />
          </div>
        </fieldset>
      ) : null}
      {general.save.status === 'failed' ? (
        <p className="inline-error" role="alert">
          {general.save.error}
        </p>
      ) : null}
      <div className="settings-actions">
        <Button
          aria-label="Save audio, recording and shortcuts"
          variant="primary"
          busy={general.save.status === 'sending'}
          disabled={general.save.status === 'sending'}
          onClick={() => void save()}
        >
          Save
        </Button>
        <span className="settings-actions__status" role="status">
          {general.save.status === 'done' ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}
