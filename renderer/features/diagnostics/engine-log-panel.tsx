import { useMemo, type ReactNode } from 'react';
import { formatClockTime, formatCount } from '../../components/format';
import { Panel } from '../../components/panel';
import { LOG_LIMIT } from '../../stores/log-slice';
import { selectLog } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';
import './diagnostics.css';

/** The latest engine log lines, newest first, coloured by level. */
export function EngineLogPanel(): ReactNode {
  const log = useAppStore(selectLog);
  const newestFirst = useMemo(() => log.toReversed(), [log]);
  return (
    <Panel
      title="Engine log"
      description={`Latest ${LOG_LIMIT} lines, newest first`}
      className="log-panel"
      actions={<span className="log-panel__count num">{log.length === 1 ? '1 line' : `${formatCount(log.length)} lines`}</span>}
    >
      {newestFirst.length === 0 ? (
        <p className="placeholder">No log lines yet. Engine messages appear here as they happen.</p>
      ) : (
        // Focusable so keyboard users can scroll it. Not a live region: every engine line read out would drown the rest.
        <ol className="log" aria-label="Engine log lines" tabIndex={0}>
          {newestFirst.map((line) => (
            <li key={line.id} className="log__line" data-level={line.level}>
              <time className="log__time" dateTime={new Date(line.at).toISOString()}>
                {formatClockTime(line.at)}
              </time>
              <span className="log__level">{line.level}</span>
              <span className="log__message">
                <span className="log__scope">{line.scope}</span> {line.message}
              </span>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}
