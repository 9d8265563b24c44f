import type { ReactNode } from 'react';
import { BridgePanel } from './features/diagnostics/bridge-panel';
import { EngineLogPanel } from './features/diagnostics/engine-log-panel';
import { ServersPanel } from './features/health/servers-panel';
import { ListenersPanel } from './features/listeners/listeners-panel';
import { ProgramPanel } from './features/program/program-panel';
import { ConnectionBanner } from './features/top-bar/connection-banner';
import { TopBar } from './features/top-bar/top-bar';

/** The control room: top bar, connection notice, and the panels. */
export function App(): ReactNode {
  return (
    <div className="app">
      <TopBar />
      <ConnectionBanner />
      <main className="control-room" aria-label="Control room">
        <div className="control-room__listeners">
          <ListenersPanel />
        </div>
        <div className="control-room__servers">
          <ProgramPanel />
          <ServersPanel />
        </div>
        <div className="control-room__bridge">
          <BridgePanel />
        </div>
        <div className="control-room__log">
          <EngineLogPanel />
        </div>
      </main>
    </div>
  );
}
