import { useId, useMemo, type ReactNode } from 'react';
import { formatClockTime, formatCount } from '../../components/format';
import { selectNotices } from '../../stores/broadcast-selectors';
import { useAppStore } from '../../stores/store-context';

/** The latest program notices, newest first, in a fixed-height list (bitrate steps, silence, output changes). */
export function ProgramNotices(): ReactNode {
  const notices = useAppStore(selectNotices);
  const newestFirst = useMemo(() => notices.toReversed(), [notices]);
  const headingId = useId();
  return (
    <section className="program-notices" aria-labelledby={headingId}>
      <div className="section-head">
        <h3 id={headingId} className="eyebrow">
          Notices
        </h3>
        <span className="section-head__count faint num">
          {notices.length === 1 ? '1 notice' : `${formatCount(notices.length)} notices`}
        </span>
      </div>
      {newestFirst.length === 0 ? (
        <p className="program-notices__empty faint">Nothing to report. Bitrate changes, silence and output changes appear here.</p>
      ) : (
        // Focusable so keyboard users can scroll it; the live region wraps the list (a list keeps its list role).
        <div className="program-notices__list" role="log" aria-label="Program notices" tabIndex={0} data-testid="program-notices">
          <ol className="plain-list">
            {newestFirst.map((notice) => (
              <li key={notice.id} className="notice" data-level={notice.level} data-kind={notice.kind}>
                <time className="notice__time num" dateTime={new Date(notice.at).toISOString()}>
                  {formatClockTime(notice.at)}
                </time>
                <span className="notice__level">{notice.level}</span>
                <span className="notice__message">{notice.message}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
