import { LISTEN_PAGE_CONFIG_FILE, type ListenPageConfig } from '../../electron/shared/listen-page';
import type { DecoderKind } from './decoders';
import { parseListenConfig } from './listen-config';
import { ListenPlayer, type PlayerState } from './listen-player';
import { readMountStatus, type MountStatus } from './space-status';
import { assertNever } from '../../electron/shared/assert-never';

/*
 * The audience's listen page: the space's name and state, one Play button, volume, and which
 * stream plays. Its configuration (name, streams, timing) is listen-config.json beside the page,
 * written by `steadycast listen-link`; the built page itself is the same for every space.
 * window.steadycastListen.state() reports what the player measured (tests and benchmarks read it).
 */

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`listen.html has no #${id}`);
  return found as T;
};

const nameEl = element<HTMLHeadingElement>('name');
const spaceStateEl = element<HTMLParagraphElement>('space-state');
const button = element<HTMLButtonElement>('play');
const volume = element<HTMLInputElement>('volume');
const nowEl = element<HTMLParagraphElement>('now');
const rows = element<HTMLUListElement>('sources');
const logEl = element<HTMLUListElement>('log');

const history: { at: number; message: string }[] = [];

function log(message: string): void {
  const at = new Date();
  history.push({ at: at.getTime(), message });
  const item = document.createElement('li');
  item.textContent = `${at.toLocaleTimeString()} ${message}`;
  logEl.prepend(item);
  while (logEl.childElementCount > 20) logEl.lastElementChild?.remove();
}

function sourceText(status: MountStatus): string {
  switch (status.state) {
    case 'checking':
      return 'checking…';
    case 'live':
      return status.listeners === null ? 'on air' : `on air · ${status.listeners} listening`;
    case 'off':
      return 'off air';
    case 'unreachable':
      return 'unreachable';
    default:
      return assertNever(status);
  }
}

function nowText(state: PlayerState, config: ListenPageConfig): string {
  const label = (index: number): string => config.sources[index]?.label.toLowerCase() ?? 'stream';
  switch (state.kind) {
    case 'idle':
      return 'Press Play to listen.';
    case 'connecting':
      return `Connecting to the ${label(state.source)} stream…`;
    case 'playing':
      return `Playing the ${label(state.source)} stream.`;
    case 'waiting':
      return `No stream plays right now; trying the ${label(state.source)} stream again shortly.`;
    default:
      return assertNever(state);
  }
}

async function start(): Promise<void> {
  const response = await fetch(`./${LISTEN_PAGE_CONFIG_FILE}`, { cache: 'no-store' });
  if (!response.ok)
    throw new Error(
      `${LISTEN_PAGE_CONFIG_FILE} is missing beside the page (HTTP ${response.status}): write it with "steadycast listen-link".`,
    );
  const config = parseListenConfig(await response.json());
  document.title = `${config.name} · listen`;
  nameEl.textContent = config.name;

  const status: MountStatus[] = config.sources.map(() => ({ state: 'checking' }));
  const prefer: DecoderKind = new URLSearchParams(location.search).get('decoder') === 'wasm' ? 'wasm' : 'webcodecs';
  const render = (): void => {
    const state = player.current();
    nowEl.textContent = nowText(state, config);
    button.textContent = state.kind === 'idle' ? 'Play' : 'Stop';
    button.setAttribute('aria-label', state.kind === 'idle' ? `Play ${config.name}` : `Stop ${config.name}`);
    const here = state.kind === 'idle' ? -1 : state.source;
    rows.replaceChildren(
      ...config.sources.map((source, index) => {
        const row = document.createElement('li');
        const entry = status[index] ?? { state: 'checking' };
        row.textContent = `${source.label}: ${sourceText(entry)}${index === here ? ' · you are here' : ''}`;
        row.className = `source source--${entry.state}`;
        return row;
      }),
    );
    const live = status.filter((entry): entry is Extract<MountStatus, { state: 'live' }> => entry.state === 'live');
    const counted = live.map((entry) => entry.listeners).filter((count): count is number => count !== null);
    // Each server counts its own listeners: the space's audience is their sum.
    spaceStateEl.textContent =
      live.length > 0
        ? `On air${counted.length > 0 ? ` · ${counted.reduce((sum, count) => sum + count, 0)} listening` : ''}`
        : status.every((entry) => entry.state === 'checking')
          ? 'Checking whether the space is on air…'
          : 'Off air';
    spaceStateEl.className = `space-state${live.length > 0 ? ' space-state--live' : ''}`;
  };
  const player = new ListenPlayer(config.sources, config.stallMs, { state: render, log }, prefer);

  button.addEventListener('click', () => {
    if (player.current().kind === 'idle') {
      log('Started listening.');
      player.play().catch((error: unknown) => {
        log(`Could not start the audio: ${error instanceof Error ? error.message : String(error)}`);
        player.stop();
      });
    } else {
      player.stop();
      log('Stopped.');
    }
  });
  const applyVolume = (): void => {
    player.setVolume(Number(volume.value) / 100);
    volume.setAttribute('aria-valuetext', `${volume.value} %`);
  };
  volume.addEventListener('input', applyVolume);
  applyVolume();

  const readAll = (): void => {
    config.sources.forEach((source, index) => {
      void readMountStatus(source).then((entry) => {
        status[index] = entry;
        render();
      });
    });
  };
  readAll();
  setInterval(readAll, config.statusEveryMs);

  window.steadycastListen = {
    state: () => {
      const state = player.current();
      const record = player.record;
      const source = state.kind === 'idle' ? 0 : state.source;
      return {
        state: state.kind,
        playing: state.kind !== 'idle',
        current: source,
        label: config.sources[source]?.label ?? '',
        currentTime: (record.stats?.playedMs ?? 0) / 1000,
        levelDb: record.stats?.levelDb ?? -Infinity,
        bufferedMs: record.stats?.bufferedMs ?? 0,
        targetMs: record.stats?.targetMs ?? 0,
        underruns: record.stats?.underruns ?? 0,
        droppedMs: record.stats?.droppedMs ?? 0,
        decoder: record.decoder,
        streams: record.streams,
        connections: record.connections,
        switches: record.switches,
        moves: record.moves.map((move) => ({ ...move })),
        playStartedAt: record.playStartedAt,
        firstSoundAt: record.firstSoundAt,
        history: history.slice(),
        status: status.slice(),
      };
    },
  };
  button.disabled = false;
  render();
}

declare global {
  interface Window {
    /** What the page measured, for tests and benchmarks. */
    steadycastListen: { state(): Record<string, unknown> };
  }
}

start().catch((error: unknown) => {
  nowEl.textContent = error instanceof Error ? error.message : String(error);
});
