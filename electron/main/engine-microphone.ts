import { dispatchUntrusted } from '../engine/dispatch';
import type { Engine } from '../engine/engine';
import type { MicrophoneActions } from './global-shortcuts';

/**
 * The host's microphone as the shortcuts and the tray work it: muted when the host muted
 * themselves or a moderator muted them; a change goes through the engine's door like a window's,
 * and a refusal becomes a notice (the window may be hidden).
 */
export function engineMicrophone(engine: Engine, notify: (title: string, body: string) => void): MicrophoneActions {
  return {
    isMuted: () => {
      const { conversation } = engine.getState();
      return conversation.selfMuted || conversation.participants.some((participant) => participant.self && participant.muted);
    },
    setMuted: (muted) => {
      void dispatchUntrusted(engine, 'conversation:set-muted', { muted }).then((reply) => {
        if (!reply.ok) notify(muted ? 'Could not mute' : 'Could not unmute', reply.error.message);
      });
    },
  };
}
