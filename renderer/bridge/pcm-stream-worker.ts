import type { CapturedFrame } from '../shared/program-frames';
import { defaultSetTimer, openBrowserSocket } from './browser-socket';
import type { PcmStreamCommand, PcmStreamReport, PcmStreamStatus } from './pcm-stream-protocol';
import { PcmPortSender } from './pcm-port-sender';
import { PcmStreamSender } from './pcm-stream-sender';

/*
 * Dedicated worker of the program feed: owns the audio-only bridge connection (or, in the desktop
 * app, the port to the main process) and sends every frame the capture worklet posts on its port.
 * See pcm-stream-sender.ts for why it is a worker.
 */

/** The worker's global scope, as far as this file uses it (the DOM lib has no worker scope types). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<PcmStreamCommand>) => void) | null;
  postMessage(message: PcmStreamReport): void;
  close(): void;
}
const scope = globalThis as unknown as WorkerScope;

let sender: PcmStreamSender | PcmPortSender | null = null;
let frames: MessagePort | null = null;
let clock: number | null = null;

const report = (status: PcmStreamStatus): void => scope.postMessage({ type: 'status', status });

scope.onmessage = (event) => {
  const command = event.data;
  switch (command.type) {
    case 'open':
      sender?.close();
      sender = new PcmStreamSender({
        url: command.url,
        token: command.token,
        createSocket: openBrowserSocket,
        setTimer: defaultSetTimer,
        onStatus: report,
      });
      if (clock !== null) sender.setClock(clock);
      return;
    case 'open-port':
      sender?.close();
      sender = new PcmPortSender({ port: command.port, onStatus: report });
      if (clock !== null) sender.setClock(clock);
      return;
    case 'frames':
      if (frames) frames.onmessage = null;
      frames = command.port;
      frames.onmessage = (message: MessageEvent<CapturedFrame>) => {
        if (message.data.type === 'frame') sender?.sendFrame(message.data.samples, message.data.contextTime);
      };
      return;
    case 'clock':
      clock = command.epochMsAtContextZero;
      sender?.setClock(clock);
      return;
    case 'close':
      if (frames) frames.onmessage = null;
      frames?.close();
      sender?.close();
      sender = null;
      scope.close();
      return;
  }
};
