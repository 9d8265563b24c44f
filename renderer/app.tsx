import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { describeOnAirLamp } from '../electron/shared/on-air-lamp';
import { selectOnAirLamp, selectShowIsOnAir } from './stores/broadcast-selectors';
import { useAppStore } from './stores/store-context';
import { ConversationPanel } from './features/conversation/conversation-panel';
import { FailoverBanner } from './features/failover/failover-banner';
import { ServersPanel } from './features/health/servers-panel';
import { InvitesPanel } from './features/invites/invites-panel';
import { ListenersPanel } from './features/listeners/listeners-panel';
import { PreflightDialog } from './features/preflight/preflight-dialog';
import { ProgramPanel } from './features/program/program-panel';
import { SettingsScreen } from './features/settings/settings-screen';
import { selectSettingsOpen } from './stores/settings-slice';
import { ToastStack } from './features/toasts/toast-stack';
import { ConnectionBanner } from './features/top-bar/connection-banner';
import { TopBar } from './features/top-bar/top-bar';

/** The control room: top bar, connection notice; the show in the main column, the room at the right (diagnostics in a dialog). */
export function App(): ReactNode {
  const settingsOpen = useAppStore(selectSettingsOpen);
  // On air, the whole window is framed in red: unmistakable from across the room (a co-host's too, while the host's show is on air).
  const onAir = useAppStore(selectShowIsOnAir);
  // Amber instead of red while the show runs without reaching every listener, as the lamp says.
  const frameTone = describeOnAirLamp(useAppStore(useShallow(selectOnAirLamp))).tone;
  return (
    <div className="app" data-on-air={onAir} data-frame-tone={frameTone}>
      <TopBar />
      <ConnectionBanner />
      <FailoverBanner />
      {/* Hidden, not unmounted, while the settings are open: the show's panels keep their state. */}
      <main className="control-room" aria-label="Control room" hidden={settingsOpen}>
        {/* Focusable: it scrolls on its own and may hold no control (a co-host's window), so the keyboard can scroll it. */}
        <div className="control-room__main" role="region" aria-label="The show" tabIndex={0}>
          <div className="control-room__listeners">
            <ListenersPanel />
          </div>
          <ProgramPanel />
          <div className="control-room__servers">
            <ServersPanel />
          </div>
          {/* The bridge and the engine log are behind the top bar's Diagnostics button: this screen is the host's. */}
        </div>
        <div className="control-room__room">
          <ConversationPanel />
          <InvitesPanel />
        </div>
      </main>
      {settingsOpen ? <SettingsScreen /> : null}
      <PreflightDialog />
      <ToastStack />
    </div>
  );
}
