import type { ListenSource } from '../../electron/engine/failover/listen-link';

/*
 * The listen page Steadycast shipped before issue 20 (a plain `<audio>` element, plain JavaScript
 * in one HTML file), kept only as the reference the listen benchmark measures the new page
 * against in the same run. Its window.steadycastListen.state() has the same shape for the fields
 * the benchmark reads.
 */

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Timing of the listen page's switch; the defaults suit a live stream. */
export interface AudioElementPageTiming {
  /** Playback that has not moved for this long while it should play counts as stopped (default 2000 ms). */
  readonly stallMs: number;
  /** A stream that has not started playing this long after it was asked for counts as stopped (default 8000 ms: players buffer first). */
  readonly startMs: number;
  /** How often the page reads both servers' status (default 5000 ms). */
  readonly statusEveryMs: number;
}

export const DEFAULT_AUDIO_ELEMENT_PAGE_TIMING: AudioElementPageTiming = { stallMs: 2000, startMs: 8000, statusEveryMs: 5000 };

/**
 * The listen page's script (plain JavaScript, run as is by any current browser). It plays
 * sources[0]; when playback stops (an error, the end of the stream, or no progress for `stallMs`)
 * it moves to the next source, round robin, and keeps trying. The space's state comes from each
 * server's public `status-json.xsl` (Icecast sends it with CORS headers in the shipped config).
 */
const LISTEN_SCRIPT = String.raw`
(function () {
  var config = JSON.parse(document.getElementById('listen-config').textContent);
  var audio = document.getElementById('player');
  var button = document.getElementById('play');
  var nowEl = document.getElementById('now');
  var rows = document.getElementById('sources');
  var logEl = document.getElementById('log');
  var current = 0, wanted = false, lastTime = -1, lastProgressAt = 0, switches = 0, startedAt = 0, started = false;
  var history = [];
  /** Each switch: when the old stream last played, when the page switched, when the new one played. */
  var moves = [];
  var status = config.sources.map(function () { return { state: 'unknown', listeners: null }; });

  function log(message) {
    var at = new Date();
    history.push({ at: at.getTime(), message: message });
    var item = document.createElement('li');
    item.textContent = at.toLocaleTimeString() + ' ' + message;
    logEl.insertBefore(item, logEl.firstChild);
    while (logEl.childNodes.length > 20) logEl.removeChild(logEl.lastChild);
  }

  function render() {
    var source = config.sources[current];
    nowEl.textContent = wanted ? 'Playing the ' + source.label.toLowerCase() + ' stream' : 'Press Play to listen';
    nowEl.setAttribute('data-source', String(current));
    button.textContent = wanted ? 'Stop' : 'Play';
    rows.innerHTML = '';
    config.sources.forEach(function (entry, index) {
      var row = document.createElement('li');
      var s = status[index];
      var text = entry.label + ': ' + (s.state === 'live' ? 'on air' : s.state === 'off' ? 'off air' : s.state === 'unreachable' ? 'unreachable' : 'checking…');
      if (s.listeners !== null) text += ' · ' + s.listeners + ' listening';
      if (wanted && index === current) text += ' · you are here';
      row.textContent = text;
      row.className = 'source source--' + s.state;
      rows.appendChild(row);
    });
  }

  function play(index, why) {
    current = index;
    lastTime = -1;
    lastProgressAt = Date.now();
    startedAt = Date.now();
    started = false;
    // A fresh URL each time: no cached response, a new connection to the server.
    var url = config.sources[index].url;
    audio.src = url + (url.indexOf('?') < 0 ? '?' : '&') + 't=' + Date.now();
    var attempt = audio.play();
    if (attempt && attempt.catch) attempt.catch(function (error) { if (wanted && error.name !== 'AbortError') log('Could not start the ' + config.sources[index].label.toLowerCase() + ' stream: ' + error.message); });
    if (why) log(why);
    render();
  }

  function next(reason) {
    if (!wanted) return;
    var from = config.sources[current].label.toLowerCase();
    var to = (current + 1) % config.sources.length;
    switches += 1;
    moves.push({ from: current, to: to, lastPlayedAt: lastProgressAt, switchedAt: Date.now(), playingAt: null });
    play(to, 'The ' + from + ' stream stopped (' + reason + '): switched to the ' + config.sources[to].label.toLowerCase() + '.');
  }

  audio.addEventListener('error', function () { if (wanted && Date.now() - startedAt > 300) next('error'); });
  audio.addEventListener('ended', function () { next('the stream ended'); });
  audio.addEventListener('timeupdate', function () {
    if (audio.currentTime !== lastTime) {
      if (lastTime >= 0 && audio.currentTime > lastTime) {
        started = true;
        var move = moves[moves.length - 1];
        if (move && move.playingAt === null && move.to === current) move.playingAt = Date.now();
      }
      lastTime = audio.currentTime;
      lastProgressAt = Date.now();
    }
  });
  setInterval(function () {
    if (!wanted) return;
    if (started && Date.now() - lastProgressAt > config.stallMs) next('no audio for ' + Math.round(config.stallMs / 1000) + ' s');
    else if (!started && Date.now() - startedAt > config.startMs) next('it did not start within ' + Math.round(config.startMs / 1000) + ' s');
  }, 250);

  button.addEventListener('click', function () {
    wanted = !wanted;
    if (wanted) play(0, 'Started listening.');
    else { audio.pause(); audio.removeAttribute('src'); audio.load(); log('Stopped.'); render(); }
  });

  function readStatus(index) {
    var url = config.sources[index].url;
    var mount = new URL(url);
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, 3000);
    fetch(mount.origin + '/status-json.xsl', { cache: 'no-store', signal: controller ? controller.signal : undefined })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        var list = body && body.icestats ? body.icestats.source : null;
        var entries = Array.isArray(list) ? list : list ? [list] : [];
        var found = entries.filter(function (entry) { return typeof entry.listenurl === 'string' && new URL(entry.listenurl).pathname === mount.pathname; })[0];
        status[index] = found && found.stream_start ? { state: 'live', listeners: typeof found.listeners === 'number' ? found.listeners : null } : { state: 'off', listeners: null };
      })
      .catch(function () { status[index] = { state: 'unreachable', listeners: null }; })
      .then(function () { clearTimeout(timer); render(); });
  }
  function readAll() { config.sources.forEach(function (_, index) { readStatus(index); }); }
  readAll();
  setInterval(readAll, config.statusEveryMs);

  window.steadycastListen = {
    state: function () {
      return { playing: wanted, current: current, label: config.sources[current].label, url: audio.currentSrc, currentTime: audio.currentTime, paused: audio.paused, switches: switches, moves: moves.slice(), history: history.slice(), status: status.slice() };
    },
  };
  render();
})();
`;

/** The old listen page: one self-contained HTML file around an `<audio>` element. */
export function audioElementListenPage(
  name: string,
  sources: readonly ListenSource[],
  timing: AudioElementPageTiming = DEFAULT_AUDIO_ELEMENT_PAGE_TIMING,
): string {
  const config = { name, sources, stallMs: timing.stallMs, startMs: timing.startMs, statusEveryMs: timing.statusEveryMs };
  const title = escapeHtml(name);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · listen</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #111418; color: #e8eaed; }
  main { max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin: 0 0 1rem; }
  button { font: inherit; font-weight: 600; padding: 0.6rem 1.6rem; border: 0; border-radius: 999px; background: #e8453c; color: #fff; cursor: pointer; }
  button:focus-visible { outline: 3px solid #8ab4f8; outline-offset: 2px; }
  #now { margin: 1rem 0; font-weight: 600; }
  ul { padding-left: 1.2rem; }
  .source--live { color: #81c995; } .source--off, .source--unreachable { color: #f28b82; }
  #log { font-size: 0.85rem; color: #9aa0a6; }
  a { color: #8ab4f8; }
</style>
</head>
<body>
<main>
  <h1>${title}</h1>
  <button id="play" type="button">Play</button>
  <p id="now" role="status" aria-live="polite">Press Play to listen</p>
  <audio id="player" preload="none"></audio>
  <h2>Streams</h2>
  <ul id="sources"></ul>
  <p>In a player: ${sources.map((source) => `<a href="${escapeHtml(source.url)}">${escapeHtml(source.label.toLowerCase())}</a>`).join(' · ')}</p>
  <h2>What happened</h2>
  <ul id="log"></ul>
</main>
<script type="application/json" id="listen-config">${scriptJson(config)}</script>
<script>${LISTEN_SCRIPT}</script>
</body>
</html>
`;
}
