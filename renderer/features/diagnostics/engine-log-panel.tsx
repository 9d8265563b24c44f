import { useId, useMemo, type ReactNode } from 'react';
import { formatClockTime, formatCount } from '../../components/format';
import { Panel } from '../../components/panel';
import { filterLog, LOG_LIMIT } from '../../stores/log-slice';
import { selectLog } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';
import './diagnostics.css';

const lines = (count: number): string => (count === 1 ? '1 line' : `${formatCount(count)} lines`);

/** The latest engine log lines, newest first, coloured by level, with a search. */
export function EngineLogPanel(): ReactNode {
  const log = useAppStore(selectLog);
  const query = useAppStore((state) => state.logQuery);
  const setLogQuery = useAppStore((state) => state.setLogQuery);
  const newestFirst = useMemo(() => filterLog(log, query).toReversed(), [log, query]);
  const searchId = useId();
  const searching = query.trim() !== '';
  return (
    <Panel
      title="Engine log"
      description={`Latest ${LOG_LIMIT} lines, newest first`}
      className="log-panel"
      actions={
        <span className="log-panel__count num" role="status" data-testid="log-count">
          {searching ? `${formatCount(newestFirst.length)} of ${lines(log.length)}` : lines(log.length)}
        </span>
      }
    >
      <div className="log-search">
        <label className="visually-hidden" htmlFor={searchId}>
          Search the engine log
        </label>
        <input
          id={searchId}
          className="field-input log-search__input"
          type="search"
          placeholder="Search: words, a scope or a level (warn, error)"
          value={query}
          onChange={(event) => setLogQuery(event.target.value)}
          onKeyDown={(event) => event.key === 'Escape' && setLogQuery('')}
          data-testid="log-search"
        />
      </div>
      {log.length === 0 ? (
        <p className="placeholder">No log lines yet. Engine messages appear here as they happen.</p>
      ) : newestFirst.length === 0 ? (
        <p className="placeholder">No line matches “{query.trim()}”. Press Escape in the search to see every line.</p>
      ) : (
        // Focusable so keyboard users can scroll it. Not a live region: every engine line read out would drown the rest.
        <ol
          className="log"
          aria-label={searching ? 'Engine log lines matching the search' : 'Engine log lines'}
          tabIndex={0}
          data-testid="log-lines"
        >
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
