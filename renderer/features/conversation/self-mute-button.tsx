import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useAppStore } from '../../stores/store-context';
import { selectToggleSelfMute } from './conversation-actions';
import { MicIcon, MicOffIcon } from './conversation-icons';
import { selectMutedByModerator, selectSelfMuted } from '../../stores/conversation-selectors';
import { isMuteShortcut, selectCanToggleMute } from './conversation-view';
import { RequestToSpeak } from './producer-console';

/** Presses `toggle` on the M key anywhere in the window, except while typing or choosing. */
export function useMuteShortcut(enabled: boolean, toggle: () => void): void {
  // The latest toggle without re-subscribing on every render.
  const toggleRef = useRef(toggle);
  useEffect(() => {
    toggleRef.current = toggle;
  }, [toggle]);
  useEffect(() => {
    if (!enabled) return undefined;
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented) return;
      if (!isMuteShortcut({ key: event.key, repeat: event.repeat, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, target: event.target instanceof HTMLElement ? event.target : null })) return;
      event.preventDefault();
      toggleRef.current();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}

/** The big self-mute toggle (aria-pressed while muted) with its M shortcut. */
export function SelfMuteButton(): ReactNode {
  const muted = useAppStore(selectSelfMuted);
  const byModerator = useAppStore(selectMutedByModerator);
  const sending = useAppStore((state) => state.selfMute.sending);
  const error = useAppStore((state) => state.selfMute.error);
  const canToggle = useAppStore(selectCanToggleMute);
  const toggleSelfMute = useAppStore(selectToggleSelfMute);
  const hintId = useId();
  useMuteShortcut(canToggle, () => void toggleSelfMute());

  return (
    <div className="self-mute-wrap">
      <button
        type="button"
        className="self-mute"
        data-muted={muted}
        data-locked={byModerator || undefined}
        data-testid="self-mute"
        aria-label="Mute my microphone"
        aria-pressed={muted}
        aria-describedby={hintId}
        aria-keyshortcuts="M"
        aria-busy={sending || undefined}
        disabled={!canToggle}
        onClick={() => void toggleSelfMute()}
      >
        <span className="self-mute__icon" aria-hidden="true">
          {muted ? <MicOffIcon size={22} /> : <MicIcon size={22} />}
        </span>
        <span className="self-mute__text">
          <span className="self-mute__title">{muted ? 'You are muted' : 'Your mic is live'}</span>
          <span className="self-mute__hint" id={hintId}>
            {muted ? (byModerator ? 'A moderator muted you: use "Request to speak" to ask them to unmute you' : 'Press to unmute') : 'Press to mute'}
          </span>
        </span>
        <kbd className="self-mute__key" aria-hidden="true" title="Keyboard shortcut: M">
          M
        </kbd>
      </button>
      {error ? (
        <p className="self-mute__error" role="alert">
          {error}
        </p>
      ) : null}
      <RequestToSpeak />
    </div>
  );
}
