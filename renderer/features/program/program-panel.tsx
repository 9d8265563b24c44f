import { useId, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Panel } from '../../components/panel';
import { StatusPill } from '../../components/status-pill';
import { selectIsOnAir, selectOutputIds, selectOutputTally } from '../../stores/broadcast-selectors';
import { selectConnection, selectHasEngine } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';
import { OffAirState } from './off-air-state';
import { OutputRow } from './output-row';
import { LoudnessMeter } from './loudness-meter';
import { ProgramMeter } from './program-meter';
import { ProgramNotices } from './program-notices';
import { ProgramSummary } from './program-summary';
import { RecordingRow } from './recording-row';
import { EndShowButton, EndShowConfirm, ShowControlStatus } from './show-control';
import './program-panel.css';

/** Health of the program path: what is on air, its level, every Icecast output and the safety recording. */
export function ProgramPanel(): ReactNode {
  const hasEngine = useAppStore(selectHasEngine);
  const connection = useAppStore(selectConnection);
  const onAir = useAppStore(selectIsOnAir);
  const notices = useAppStore((state) => state.notices.length > 0);
  // Only which step of "End show" is showing lives here; ending it is the store's business.
  const [confirmingEnd, setConfirmingEnd] = useState(false);
  // A show that ended (here or elsewhere) takes its question with it; the next one starts without it.
  if (!onAir && confirmingEnd) setConfirmingEnd(false);
  const showConfirm = onAir && confirmingEnd;

  return (
    <Panel
      title="Program"
      description="What the audience hears and where it goes"
      className="program-panel"
      testId="program-panel"
      actions={
        onAir ? (
          <>
            <OutputTally />
            {showConfirm ? null : <EndShowButton onPress={() => setConfirmingEnd(true)} />}
          </>
        ) : null
      }
    >
      {!hasEngine ? (
        <p className="placeholder">
          {connection.status === 'connected' || connection.status === 'connecting'
            ? 'Waiting for the engine state…'
            : 'Not connected to the engine.'}
        </p>
      ) : onAir ? (
        <div className="program">
          {showConfirm ? <EndShowConfirm onDone={() => setConfirmingEnd(false)} /> : null}
          <ShowControlStatus />
          <ProgramSummary />
          <ProgramMeter />
          <LoudnessMeter />
          <OutputsTable />
          <RecordingRow />
          <ProgramNotices />
        </div>
      ) : (
        <div className="program">
          <OffAirState />
          {notices ? <ProgramNotices /> : null}
        </div>
      )}
    </Panel>
  );
}

function OutputTally(): ReactNode {
  const { live, total } = useAppStore(useShallow(selectOutputTally));
  const tone = total === 0 ? 'neutral' : live === total ? 'ok' : live === 0 ? 'bad' : 'warn';
  return (
    <span role="status" data-testid="output-tally">
      <StatusPill tone={tone} label={`${live} of ${total} outputs live`}>
        <span className="num">
          {live} of {total} outputs live
        </span>
      </StatusPill>
    </span>
  );
}

function OutputsTable(): ReactNode {
  const outputIds = useAppStore(useShallow(selectOutputIds));
  const headingId = useId();
  return (
    <section className="program-outputs" aria-labelledby={headingId}>
      <div className="section-head">
        <h3 id={headingId} className="eyebrow">
          Icecast outputs
        </h3>
      </div>
      {outputIds.length === 0 ? (
        <p className="program-outputs__empty muted">This program has no Icecast output: only the recording receives it.</p>
      ) : (
        <table className="outputs-table">
          <caption className="visually-hidden">Icecast outputs of the program and their state</caption>
          <colgroup>
            <col className="outputs-table__col-name" />
            <col className="outputs-table__col-status" />
            <col />
            <col className="outputs-table__col-action" />
          </colgroup>
          <tbody>
            {outputIds.map((id) => (
              <OutputRow key={id} outputId={id} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
