import type { ReactNode } from 'react';
import { selectShowIsOnAir } from './stores/broadcast-selectors';
import { useAppStore } from './stores/store-context';
import { ConversationPanel } from './features/conversation/conversation-panel';
import { BridgePanel } from './features/diagnostics/bridge-panel';
import { FailoverBanner } from './features/failover/failover-banner';
import { EngineLogPanel } from './features/diagnostics/engine-log-panel';
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

/** The control room: top bar, connection notice; the show in the main column, the room at the right. */
export function App(): ReactNode {
  const settingsOpen = useAppStore(selectSettingsOpen);
  // On air, the whole window is framed in red: unmistakable from across the room (a co-host's too, while the host's show is on air).
  const onAir = useAppStore(selectShowIsOnAir);
  return (
    <div className="app" data-on-air={onAir}>
      <TopBar />
      <ConnectionBanner />
      <FailoverBanner />
      {/* Hidden, not unmounted, while the settings are open: the show's panels keep their state. */}
      <main className="control-room" aria-label="Control room" hidden={settingsOpen}>
        <div className="control-room__main">
          <div className="control-room__listeners">
            <ListenersPanel />
          </div>
          <ProgramPanel />
          <div className="control-room__servers">
            <ServersPanel />
          </div>
          <div className="control-room__diagnostics">
            <div className="control-room__bridge">
              <BridgePanel />
            </div>
            <div className="control-room__log">
              <EngineLogPanel />
            </div>
          </div>
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
