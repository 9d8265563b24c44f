import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../stores/store-context';
import { selectToggleSelfMute } from './conversation-actions';
import { MicIcon, MicOffIcon } from './conversation-icons';
import { selectMutedByModerator, selectSelfMuted } from '../../stores/conversation-selectors';
import { isMuteShortcut, isTalkKey, selectCanToggleMute } from './conversation-view';
import { TALK_KEY } from '../../stores/push-to-talk-slice';
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
      if (
        !isMuteShortcut({
          key: event.key,
          repeat: event.repeat,
          ctrlKey: event.ctrlKey,
          metaKey: event.metaKey,
          altKey: event.altKey,
          target: event.target instanceof HTMLElement ? event.target : null,
        })
      )
        return;
      event.preventDefault();
      toggleRef.current();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}

/** While `enabled`, holding the talk key (T) calls `press`, letting go (or leaving the window) calls `release`. */
export function usePushToTalkKey(enabled: boolean, press: () => void, release: () => void): void {
  const handlers = useRef({ press, release });
  useEffect(() => {
    handlers.current = { press, release };
  }, [press, release]);
  useEffect(() => {
    if (!enabled) return undefined;
    const asShortcut = (event: KeyboardEvent) => ({
      key: event.key,
      repeat: event.repeat,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      altKey: event.altKey,
      target: event.target instanceof HTMLElement ? event.target : null,
    });
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || !isTalkKey(asShortcut(event))) return;
      event.preventDefault();
      if (!event.repeat) handlers.current.press();
    };
    const onKeyUp = (event: KeyboardEvent): void => {
      if (event.key === 't' || event.key === 'T') handlers.current.release();
    };
    const onBlur = (): void => handlers.current.release();
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
    };
  }, [enabled]);
}

/** The push-to-talk option under the mute button. */
function PushToTalkOption({ disabled }: { disabled: boolean }): ReactNode {
  const { enabled, holding } = useAppStore(useShallow((state) => state.pushToTalk));
  const setPushToTalk = useAppStore((state) => state.setPushToTalk);
  const talkPressed = useAppStore((state) => state.talkPressed);
  const talkReleased = useAppStore((state) => state.talkReleased);
  const id = useId();
  usePushToTalkKey(enabled && !disabled, talkPressed, talkReleased);
  return (
    <label className="checkbox push-to-talk" htmlFor={id} data-holding={holding}>
      <input
        id={id}
        type="checkbox"
        checked={enabled}
        disabled={disabled}
        onChange={(event) => setPushToTalk(event.target.checked)}
        data-testid="push-to-talk"
        aria-keyshortcuts={TALK_KEY}
      />
      <span>
        Push to talk: hold <kbd>{TALK_KEY}</kbd> to speak
      </span>
    </label>
  );
}

/** The big self-mute toggle (aria-pressed while muted) with its M shortcut. */
export function SelfMuteButton(): ReactNode {
  const muted = useAppStore(selectSelfMuted);
  const byModerator = useAppStore(selectMutedByModerator);
  const sending = useAppStore((state) => state.selfMute.request.status === 'sending');
  const error = useAppStore((state) => (state.selfMute.request.status === 'failed' ? state.selfMute.request.error : null));
  const canToggle = useAppStore(selectCanToggleMute);
  const pushToTalk = useAppStore((state) => state.pushToTalk.enabled);
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
            {muted
              ? byModerator
                ? 'A moderator muted you: use "Request to speak" to ask them to unmute you'
                : pushToTalk
                  ? `Hold ${TALK_KEY} to talk`
                  : 'Press to unmute'
              : 'Press to mute'}
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
      <PushToTalkOption disabled={!canToggle} />
      <RequestToSpeak />
    </div>
  );
}
