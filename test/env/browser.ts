import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findCommand } from './deps';

/** Chromium flags for a headless WebRTC participant whose microphone plays `audioFile` (a WAV). */
export function chromiumArgs(audioFile: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${audioFile}`,
    // Janus and Chromium share this host: let ICE pair candidates on the same machine.
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
  ];
}

/** Launches the system Chromium headless, with a fake microphone playing `audioFile`. */
export async function launchChromium(audioFile: string): Promise<Browser> {
  const executablePath = findCommand('chromium');
  if (executablePath === undefined) throw new Error('chromium not found: apt-get install chromium');
  return chromium.launch({ executablePath, headless: true, args: chromiumArgs(audioFile) });
}

/** Counters read from a page's RTCPeerConnection stats (audio only). */
export interface RtpCounters {
  readonly packetsSent: number;
  readonly packetsReceived: number;
  /** Sum of the microphone's `totalAudioEnergy` (media-source): grows while the fake microphone plays sound. */
  readonly sentAudioEnergy: number;
  /** Sum of inbound `totalAudioEnergy`: grows only when the received audio is not silence. */
  readonly receivedAudioEnergy: number;
  /** `address:port` pair of the selected ICE candidate pair, for diagnostics. */
  readonly selectedPair: string;
}

/** A WebRTC session description as it crosses between the page and Janus. */
export interface SessionDescription {
  readonly type: 'offer' | 'answer';
  readonly sdp: string;
}

/** The API the peer page script puts on `window`. */
interface PeerPageApi {
  createOffer(): Promise<SessionDescription>;
  restartOffer(): Promise<SessionDescription>;
  remoteUfrag(): string | null;
  acceptAnswer(answer: SessionDescription): Promise<void>;
  iceState(): string;
  rtp(): Promise<RtpCounters>;
  close(): void;
}

declare global {
  interface Window {
    steadycastPeer: PeerPageApi;
  }
}

// Plain JavaScript on purpose: functions compiled by tsx/vite may carry bundler helpers
// (`__name`) that do not exist in the page, so page.evaluate below only calls into this.
const PEER_PAGE_SCRIPT = `
window.steadycastPeer = (() => {
  let pc = null;
  let microphone = null;
  return {
    async createOffer() {
      // ?raw: the microphone without the browser's echo cancellation, noise suppression and gain
      // control (they learn a steady test tone as noise and fade it out within seconds).
      const raw = new URLSearchParams(location.search).has('raw');
      const audio = raw ? { echoCancellation: false, noiseSuppression: false, autoGainControl: false } : true;
      // The microphone stays open across connections, as in the control room (a move to another room reuses it).
      microphone = microphone || (await navigator.mediaDevices.getUserMedia({ audio, video: false }));
      const stream = microphone;
      pc = new RTCPeerConnection({ iceServers: [] });
      // Chromium only decodes (and measures) received audio that something plays out.
      pc.addEventListener('track', (event) => {
        const audio = new Audio();
        audio.srcObject = event.streams[0] || new MediaStream([event.track]);
        audio.play().catch(() => {});
      });
      for (const track of stream.getAudioTracks()) pc.addTransceiver(track, { direction: 'sendrecv', streams: [stream] });
      const gathered = new Promise((resolve) => {
        pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
      });
      await pc.setLocalDescription(await pc.createOffer());
      if (pc.iceGatheringState !== 'complete') await gathered;
      return { type: pc.localDescription.type, sdp: pc.localDescription.sdp };
    },
    async restartOffer() {
      const gathered = new Promise((resolve) => {
        const onChange = () => { if (pc.iceGatheringState === 'complete') { pc.removeEventListener('icegatheringstatechange', onChange); resolve(); } };
        pc.addEventListener('icegatheringstatechange', onChange);
      });
      await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
      if (pc.iceGatheringState !== 'complete') await gathered;
      return { type: pc.localDescription.type, sdp: pc.localDescription.sdp };
    },
    remoteUfrag() {
      const match = pc && pc.remoteDescription ? /a=ice-ufrag:(\\S+)/.exec(pc.remoteDescription.sdp) : null;
      return match ? match[1] : null;
    },
    async acceptAnswer(answer) {
      await pc.setRemoteDescription(answer);
    },
    iceState() {
      return pc ? pc.iceConnectionState : 'none';
    },
    async rtp() {
      const report = await pc.getStats();
      let packetsSent = 0, packetsReceived = 0, sentAudioEnergy = 0, receivedAudioEnergy = 0, selectedPair = 'none';
      report.forEach((stat) => {
        if (stat.type === 'outbound-rtp' && stat.kind === 'audio') packetsSent += stat.packetsSent || 0;
        if (stat.type === 'media-source' && stat.kind === 'audio') sentAudioEnergy += stat.totalAudioEnergy || 0;
        if (stat.type === 'inbound-rtp' && stat.kind === 'audio') {
          packetsReceived += stat.packetsReceived || 0;
          receivedAudioEnergy += stat.totalAudioEnergy || 0;
        }
        if (stat.type === 'transport' && stat.selectedCandidatePairId) {
          const pair = report.get(stat.selectedCandidatePairId);
          const local = pair && report.get(pair.localCandidateId);
          const remote = pair && report.get(pair.remoteCandidateId);
          if (local && remote) selectedPair = local.address + ':' + local.port + ' <-> ' + remote.address + ':' + remote.port;
        }
      });
      return { packetsSent, packetsReceived, sentAudioEnergy, receivedAudioEnergy, selectedPair };
    },
    close() {
      if (pc) pc.close();
      pc = null;
    },
  };
})();
`;

const PEER_PAGE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>steadycast peer</title></head><body><script>${PEER_PAGE_SCRIPT}</script></body></html>`;

/** A tiny HTTP server on 127.0.0.1 (a secure context, so getUserMedia works) serving the peer page. */
export interface PeerPageServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the peer page server on a free port. */
export async function startPeerPageServer(): Promise<PeerPageServer> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(PEER_PAGE_HTML);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One browser page holding one audio RTCPeerConnection (microphone out, room mix in). */
export class PeerPage {
  private constructor(readonly page: Page) {}

  /**
   * Opens a new page (its own browser context) on the peer page server. `processing: false`
   * captures the microphone without echo cancellation, noise suppression and gain control.
   */
  static async open(browser: Browser, server: PeerPageServer, options: { readonly processing?: boolean } = {}): Promise<PeerPage> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(options.processing === false ? `${server.url}?raw` : server.url);
    return new PeerPage(page);
  }

  /** Captures the microphone and returns a complete (non-trickle) offer, all candidates included. */
  createOffer(): Promise<SessionDescription> {
    return this.page.evaluate(() => window.steadycastPeer.createOffer());
  }

  /** A new offer with fresh ICE credentials on the existing connection (an ICE restart), all candidates included. */
  restartOffer(): Promise<SessionDescription> {
    return this.page.evaluate(() => window.steadycastPeer.restartOffer());
  }

  /** The `ice-ufrag` of the remote description (changes with every ICE restart Janus accepts). */
  remoteUfrag(): Promise<string | null> {
    return this.page.evaluate(() => window.steadycastPeer.remoteUfrag());
  }

  /** Applies the answer from Janus. */
  acceptAnswer(answer: SessionDescription): Promise<void> {
    return this.page.evaluate((remote) => window.steadycastPeer.acceptAnswer(remote), answer);
  }

  /** Current `iceConnectionState`. */
  iceState(): Promise<string> {
    return this.page.evaluate(() => window.steadycastPeer.iceState());
  }

  /** Waits until ICE is `connected` or `completed`; fails with the last state otherwise. */
  async waitForIceConnected(timeoutMs = 10_000): Promise<void> {
    await this.page
      .waitForFunction(() => ['connected', 'completed'].includes(window.steadycastPeer.iceState()), undefined, {
        timeout: timeoutMs,
        polling: 50,
      })
      .catch(async (error: unknown) => {
        throw new Error(`ICE not connected after ${timeoutMs} ms (state: ${await this.iceState()})`, { cause: error });
      });
  }

  /** Audio RTP counters from getStats(). */
  rtp(): Promise<RtpCounters> {
    return this.page.evaluate(() => window.steadycastPeer.rtp());
  }

  /** Closes the peer connection only; the next `createOffer` makes a new one in the same page (as the control room does on a move to another room). */
  async hangUp(): Promise<void> {
    await this.page.evaluate(() => window.steadycastPeer.close());
  }

  /** Closes the peer connection and the page's context. */
  async close(): Promise<void> {
    await this.page.evaluate(() => window.steadycastPeer.close()).catch(() => undefined);
    await this.page.context().close();
  }
}
