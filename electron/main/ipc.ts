import { dispatchUntrusted } from '../engine/dispatch';
import type { Engine } from '../engine/engine';
import { createLogger } from '../engine/log/logger';
import { IPC_PCM_CHANNEL, IPC_PROGRAM_PORT_CHANNEL } from '../shared/bridge';
import { commandChannels, type CommandChannel, type CommandReply } from '../shared/contract';
import type { IpcMainLike, IpcSenderEvent, MessagePortMainLike, WebContentsLike } from './electron-api';
import { isAppUrl, type RendererLocation } from './renderer-location';

const log = createLogger('ipc');

/** Where engine events are sent: the main window's web contents. */
export type EventSink = Pick<WebContentsLike, 'send' | 'isDestroyed'>;

/** What the IPC wiring needs besides `ipcMain` and the engine. */
export interface IpcOptions {
  /** Decides whether a message comes from the app's own page in the main window. */
  isTrustedSender(event: IpcSenderEvent): boolean;
  /** The main window's web contents, or `null` while there is no window. */
  eventTarget(): EventSink | null;
}

/**
 * The sender check of every IPC message: it must come from the main window's web contents, from
 * its top frame (never an iframe), and that frame must show the app's own page.
 */
export function createSenderCheck(trustedContents: () => unknown, renderer: RendererLocation): (event: IpcSenderEvent) => boolean {
  return (event) => {
    const contents = trustedContents();
    const frame = event.senderFrame;
    return (
      contents !== null &&
      contents !== undefined &&
      event.sender === contents &&
      frame !== null &&
      frame.parent === null &&
      isAppUrl(frame.url, renderer)
    );
  };
}

/**
 * Wires the contract to Electron IPC: one `ipcMain.handle` per command channel (there is no
 * generic handler, so any other channel finds nothing), the binary PCM channel, the program port
 * channel, and every engine event to the main window. Every message is sender-checked, then goes
 * through {@link dispatchUntrusted} or {@link Engine.acceptPcm}, which validate it. A program port
 * (sent by the page's worker through the preload) carries PCM frames like the PCM channel: each
 * message goes through the same intake, and only while the window that sent the port is still the
 * main window. Returns the function that removes all of it, open program ports included.
 */
export function registerIpc(ipcMain: IpcMainLike, engine: Engine, options: IpcOptions): () => void {
  const refused = occasionalWarning();
  const malformedPcm = occasionalWarning();

  for (const channel of commandChannels) {
    ipcMain.handle(channel, (event, ...args): CommandReply | Promise<CommandReply> => {
      if (!options.isTrustedSender(event)) {
        refused(`refused ${channel} from a sender that is not the app page in the main window`);
        return forbiddenSender(channel);
      }
      if (args.length > 1) return extraArguments(channel, args.length);
      return dispatchUntrusted(engine, channel, args[0]);
    });
  }

  /** The one intake of program frames, from the PCM channel and program ports alike. */
  const acceptFrame = (args: readonly unknown[]): void => {
    const [frame] = args;
    if (args.length !== 1 || !(frame instanceof ArrayBuffer || frame instanceof Uint8Array)) {
      malformedPcm(`dropped a PCM message that is not one ArrayBuffer or Uint8Array`);
      return;
    }
    engine.acceptPcm(frame);
  };

  const onPcm = (event: IpcSenderEvent, ...args: unknown[]): void => {
    if (!options.isTrustedSender(event)) {
      refused(`refused a PCM frame from a sender that is not the app page in the main window`);
      return;
    }
    acceptFrame(args);
  };
  ipcMain.on(IPC_PCM_CHANNEL, onPcm);

  const programPorts = new Set<MessagePortMainLike>();
  const closePort = (port: MessagePortMainLike): void => {
    programPorts.delete(port);
    port.close();
  };
  const onProgramPort = (event: IpcSenderEvent): void => {
    const ports = event.ports ?? [];
    if (!options.isTrustedSender(event)) {
      for (const port of ports) port.close();
      refused(`refused a program port from a sender that is not the app page in the main window`);
      return;
    }
    const [port] = ports;
    if (ports.length !== 1 || !port) {
      for (const extra of ports) extra.close();
      malformedPcm(`dropped a program-port message that does not carry exactly one port`);
      return;
    }
    const sender = event.sender;
    programPorts.add(port);
    port.on('message', ({ data }) => {
      // The window that sent the port was closed or replaced: its frames are no longer the program.
      const target = options.eventTarget();
      if (target === null || target !== sender || target.isDestroyed()) {
        closePort(port);
        return;
      }
      acceptFrame([data]);
    });
    // Electron closes main's end when the page closes its end or the renderer goes away.
    port.on('close', () => programPorts.delete(port));
    port.start();
  };
  ipcMain.on(IPC_PROGRAM_PORT_CHANNEL, onProgramPort);

  const unsubscribe = engine.subscribe((event) => {
    const target = options.eventTarget();
    if (target && !target.isDestroyed()) target.send(event.channel, event.payload);
  });

  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    for (const channel of commandChannels) ipcMain.removeHandler(channel);
    ipcMain.removeListener(IPC_PCM_CHANNEL, onPcm);
    ipcMain.removeListener(IPC_PROGRAM_PORT_CHANNEL, onProgramPort);
    for (const port of [...programPorts]) closePort(port);
    unsubscribe();
  };
}

function forbiddenSender(channel: CommandChannel): CommandReply {
  return {
    ok: false,
    error: {
      code: 'forbidden-sender',
      message: `${channel} was refused: only the Steadycast page in the main window may send commands.`,
    },
  };
}

function extraArguments(channel: CommandChannel, count: number): CommandReply {
  return {
    ok: false,
    error: { code: 'invalid-payload', message: `${channel} takes one payload argument, not ${count}.` },
  };
}

/** A warning logged the first time and every 500th time after, so a noisy sender cannot flood the log. */
function occasionalWarning(): (message: string) => void {
  let count = 0;
  return (message) => {
    count += 1;
    if (count === 1 || count % 500 === 0) log.warn(`${message} (${count} so far)`);
  };
}
