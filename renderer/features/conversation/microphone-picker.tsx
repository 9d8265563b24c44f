import { useEffect, useId, type CSSProperties, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatDbfs } from '../program/program-format';
import { selectMicLevelDb } from '../../stores/conversation-selectors';
import { useAppStore } from '../../stores/store-context';
import type { AppState } from '../../stores/store-types';
import { selectRefreshMicrophones, selectSelectMicrophone } from './conversation-actions';
import { MIC_FLOOR_DB, micLevelFraction } from './conversation-view';

const selectDevices = (
  state: AppState,
): { devices: AppState['microphone']['devices']; selectedId: string | null; activeLabel: string | null; problem: string | null } => ({
  devices: state.microphone.devices,
  selectedId: state.microphone.selectedId,
  activeLabel: state.microphone.activeLabel,
  problem: state.microphone.problem,
});

/** Which microphone feeds the room, its level, and what is wrong with it, if anything. */
export function MicrophonePicker(): ReactNode {
  const { devices, selectedId, activeLabel, problem } = useAppStore(useShallow(selectDevices));
  const selectMicrophone = useAppStore(selectSelectMicrophone);
  const refreshMicrophones = useAppStore(selectRefreshMicrophones);
  // The list may have changed since the last look (a headset plugged in before joining).
  useEffect(() => {
    void refreshMicrophones();
  }, [refreshMicrophones]);
  const selectId = useId();
  const problemId = useId();
  // A device the browser no longer lists (unplugged) stays visible as the current choice.
  const known = selectedId === null || devices.some((device) => device.id === selectedId);

  return (
    <div className="microphone" data-problem={problem !== null}>
      <label className="eyebrow" htmlFor={selectId}>
        Microphone
      </label>
      <select
        id={selectId}
        className="field-select microphone__select"
        value={selectedId ?? ''}
        aria-describedby={problem ? problemId : undefined}
        aria-invalid={problem !== null || undefined}
        disabled={devices.length === 0}
        onChange={(event) => void selectMicrophone(event.target.value)}
      >
        {selectedId === null ? (
          <option value="">
            {devices.length === 0 ? 'No microphone found' : activeLabel === null ? 'System default' : `System default: ${activeLabel}`}
          </option>
        ) : null}
        {known ? null : <option value={selectedId ?? ''}>{activeLabel ?? 'Unplugged microphone'}</option>}
        {devices.map((device, index) => (
          <option key={device.id} value={device.id}>
            {device.label || `Microphone ${index + 1}`}
          </option>
        ))}
      </select>
      <MicLevel />
      {problem ? (
        <p className="microphone__problem" id={problemId} role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}

/** The microphone's level; alone in selecting it, so frequent updates redraw only the bar. */
export function MicLevel(): ReactNode {
  const levelDb = useAppStore(selectMicLevelDb);
  const fraction = micLevelFraction(levelDb);
  const cover: CSSProperties = { transform: `scaleX(${(1 - fraction).toFixed(4)})` };
  return (
    <div className="mic-level">
      <div
        className="mic-level__bar"
        role="meter"
        aria-label="Microphone level"
        aria-valuemin={MIC_FLOOR_DB}
        aria-valuemax={0}
        aria-valuenow={levelDb === null ? MIC_FLOOR_DB : Math.max(MIC_FLOOR_DB, Math.min(0, Math.round(levelDb)))}
        aria-valuetext={levelDb === null ? 'No level' : `${formatDbfs(levelDb)} dBFS`}
        data-testid="mic-level"
      >
        <span className="mic-level__zones" />
        <span className="mic-level__cover" style={cover} />
        <span className="mic-level__segments" />
      </div>
      <span className="mic-level__value num" aria-hidden="true">
        {levelDb === null ? '—' : formatDbfs(levelDb)}
      </span>
    </div>
  );
}
