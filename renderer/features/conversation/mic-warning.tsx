import type { ReactNode } from 'react';
import { MIC_LEVEL_WORDS, selectMicWarning, type MicWarning, type MicWarningKind } from '../../stores/mic-check-slice';
import { useAppStore } from '../../stores/store-context';

/** The short heading of each warning (the message says what to do). */
const HEADINGS: Record<MicWarningKind, string> = {
  echo: 'Echo',
  clipping: MIC_LEVEL_WORDS['too-loud'].heading,
  noise: 'Noise',
  music: 'Music',
  typing: 'Typing',
};

/** A warning about the speaker's own microphone, in plain words; nothing without one. */
export function MicWarningNotice({ warning }: { warning: MicWarning | null }): ReactNode {
  if (warning === null) return null;
  return (
    // A status, not an alert: it appears while they talk and must not interrupt a screen reader mid-sentence.
    <div className="conversation-notice" data-tone="warn" role="status" data-testid="mic-warning" data-kind={warning.kind}>
      <span className="conversation-notice__main">
        <strong>{HEADINGS[warning.kind]}:</strong> {warning.message}
      </span>
    </div>
  );
}

/** This window's own microphone warning, from its microphone analysis. */
export function SelfMicWarning(): ReactNode {
  const warning = useAppStore(selectMicWarning);
  return <MicWarningNotice warning={warning} />;
}
