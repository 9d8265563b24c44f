import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LogoMark } from '../../components/icons';
import { OnAirLamp } from '../../components/on-air-lamp';
import { selectOnAirLamp, selectShowOnAir } from '../../stores/broadcast-selectors';
import { selectEngineIdentity } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';
import { DiagnosticsButton } from '../diagnostics/diagnostics-dialog';
import { SettingsButton } from '../settings/settings-screen';
import { ConnectionIndicator } from './connection-indicator';
import { ThemeSwitch } from './theme-switch';
import './top-bar.css';

/** The control room's top bar: wordmark, space, on-air lamp, theme, bridge status, Diagnostics and Settings. */
export function TopBar(): ReactNode {
  const { spaceName } = useAppStore(useShallow(selectEngineIdentity));
  const show = useAppStore(useShallow(selectShowOnAir));
  const lamp = useAppStore(useShallow(selectOnAirLamp));
  return (
    <header className="top-bar">
      <div className="top-bar__start">
        <div className="top-bar__brand">
          <LogoMark />
          <span className="top-bar__wordmark">Steadycast</span>
        </div>
        <div className="top-bar__divider" aria-hidden="true" />
        <div className="top-bar__field top-bar__space">
          <span className="eyebrow">Space</span>
          <span className="top-bar__space-name" data-testid="space-name" title={spaceName ?? undefined}>
            {spaceName ?? '—'}
          </span>
        </div>
      </div>
      <div className="top-bar__center">
        {/* From what an engine reports — our outputs (engine.broadcast) or the host's show (conversation.show) — never guessed. */}
        <OnAirLamp lamp={lamp} since={show?.since ?? null} />
      </div>
      <div className="top-bar__end">
        <ThemeSwitch />
        {/* The engine's version and mode are in Diagnostics: this bar is the host's. */}
        <div className="top-bar__divider" aria-hidden="true" />
        <ConnectionIndicator />
        <DiagnosticsButton />
        <SettingsButton />
      </div>
    </header>
  );
}
