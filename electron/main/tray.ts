import type { EngineEvent } from '../shared/contract';
import type { ListenerReading } from '../shared/listeners';
import type { EngineState } from '../shared/state';
import type { MainElectron, TrayLike } from './electron-api';
import { trayMenuTemplate, trayView, type ShortcutReport, type TrayAction, type TrayView } from './tray-menu';

/** What the tray is built from. */
export interface TrayControllerOptions {
  electron: Pick<MainElectron, 'Tray' | 'Menu' | 'Notification'>;
  engine: { subscribe(listener: (event: EngineEvent) => void): () => void; getState(): EngineState };
  /** The icon for off air and on air. */
  iconPath: (onAir: boolean) => string;
  shortcuts: () => ShortcutReport[];
  formatTime: (at: number) => string;
  run: (action: TrayAction) => void;
}

/**
 * The tray icon: redrawn from {@link trayView} whenever the state or the listener total changes
 * (only when what it shows changed), and the place for notices while the window is closed.
 */
export class TrayController {
  private readonly tray: TrayLike;
  private listeners: ListenerReading | null = null;
  private shown = '';
  private current: TrayView;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: TrayControllerOptions) {
    this.current = this.build();
    this.tray = new options.electron.Tray(options.iconPath(this.current.onAir));
    this.tray.on('click', () => options.run('show-window'));
    this.draw(this.current);
    this.unsubscribe = options.engine.subscribe((event) => {
      if (event.channel === 'listeners:update') this.listeners = event.payload;
      if (event.channel === 'listeners:update' || event.channel === 'engine:state') this.refresh();
    });
  }

  /** What the tray shows now. */
  view(): TrayView {
    return this.current;
  }

  /** Redraws from the engine's state (after a change the engine does not announce, e.g. shortcuts). */
  refresh(): void {
    this.current = this.build();
    this.draw(this.current);
  }

  /** A desktop notification (a tray balloon where notifications are not supported). */
  notify(title: string, body: string): void {
    const { Notification } = this.options.electron;
    if (Notification.isSupported()) new Notification({ title, body }).show();
    else this.tray.displayBalloon?.({ title, content: body });
  }

  dispose(): void {
    this.unsubscribe();
    this.tray.destroy();
  }

  private build(): TrayView {
    return trayView({
      state: this.options.engine.getState(),
      listeners: this.listeners,
      shortcuts: this.options.shortcuts(),
      formatTime: this.options.formatTime,
    });
  }

  private draw(view: TrayView): void {
    const key = JSON.stringify(view);
    if (key === this.shown) return;
    const previous = this.shown === '' ? null : (JSON.parse(this.shown) as TrayView);
    this.shown = key;
    if (previous !== null && previous.onAir !== view.onAir) this.tray.setImage(this.options.iconPath(view.onAir));
    this.tray.setToolTip(view.toolTip);
    this.tray.setTitle(view.title);
    this.tray.setContextMenu(this.options.electron.Menu.buildFromTemplate(trayMenuTemplate(view, (action) => this.options.run(action))));
  }
}
