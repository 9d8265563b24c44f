import { parseArgs } from 'node:util';
import { describeServersReporting, describeWhoIsCounted } from '../shared/listener-words';
import type { ListenerReading, OutletReading } from '../shared/listeners';
import { systemClock, type Clock } from '../engine/clock';
import { createFetchHttp, OutletUrlError, parseOutletUrl, type HttpFetch } from '../engine/listeners/http';
import { ListenerCounts } from '../engine/listeners/listener-counts';
import type { OutletConfig } from '../engine/listeners/outlet-poller';
import { addLogSink, createLogger, formatLogRecord } from '../engine/log/logger';
import { describeError } from '../shared/describe-error';
import { argvPasswordWarning, hasPasswordInUrl, readSecretEnv, readSecretFile, SecretSourceError, withPassword } from './secrets';

/** The environment variable an outlet's statistics password may come from. */
export const OUTLET_PASSWORD_ENV = 'STEADYCAST_OUTLET_PASSWORD';

/** Help text of `steadycast listeners`. */
export const LISTENERS_USAGE = `  listeners  Count the listeners of Icecast mounts, live, until Ctrl+C (or --duration).
             --outlet URL      mount URL, repeatable; may carry credentials
                               (http://user:pass@host:port/mount): with them relays are excluded
                               and listeners told apart; admin ones add push updates
             --outlet-password-file FILE   the password of outlets whose URL names none (user
                               "admin" unless the URL names one), alone in FILE (mode 0600); one
                               file for all, or one per --outlet in order. Or $STEADYCAST_OUTLET_PASSWORD
             --fallback PATH   fallback mount of the outlets (counted while their source is away), repeatable
             --interval MS     poll interval (default 1000)
             --duration S      stop after S seconds
             --json            one JSON line per reading instead of the live line
`;

/** Where the command writes and what it runs on; the CLI passes the real ones, tests their fakes. */
export interface ListenersCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stdout is a terminal: the live line is redrawn in place. */
  readonly isTty: boolean;
  readonly http: HttpFetch;
  readonly clock: Clock;
  /** Stops the command (Ctrl+C); the command resolves with 0. */
  readonly stop: AbortSignal;
  /** Where passwords may come from (process.env by default). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The real terminal: stdout/stderr, fetch, the wall clock, SIGINT/SIGTERM. */
export function processIo(): ListenersCommandIo {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTty: process.stdout.isTTY === true,
    http: createFetchHttp(),
    clock: systemClock,
    stop: controller.signal,
  };
}

/** A bad option; printed as one line, exit code 2. */
class ListenersUsageError extends Error {}

/** `steadycast listeners …`: resolves with the exit code (0 done, 2 bad usage). */
export async function runListenersCommand(args: readonly string[], io: ListenersCommandIo = processIo()): Promise<number> {
  let counts: ListenerCounts;
  let durationMs: number | null;
  let json: boolean;
  let warnings: string[];
  try {
    ({ counts, durationMs, json, warnings } = parseListenersArgs(args, io));
  } catch (error) {
    if (error instanceof ListenersUsageError || error instanceof OutletUrlError || error instanceof SecretSourceError) {
      io.stderr(`steadycast listeners: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  for (const warning of warnings) io.stderr(`steadycast listeners: ${warning}\n`);

  const removeSink = addLogSink((record) => {
    if (record.level === 'debug' || record.level === 'info' || (io.isTty && !json)) return;
    io.stderr(`${formatLogRecord(record)}\n`);
  });
  let liveLine = false;
  const unsubscribe = counts.subscribe((reading) => {
    if (json) {
      io.stdout(`${JSON.stringify({ event: 'listeners', ...reading })}\n`);
    } else if (io.isTty) {
      io.stdout(`\r\x1b[2K${formatLiveLine(reading)}`);
      liveLine = true;
    } else {
      io.stdout(`${formatLiveLine(reading)}\n`);
    }
  });

  await new Promise<void>((resolve) => {
    let timer: unknown = null;
    const finish = (): void => {
      if (timer !== null) io.clock.clearTimeout(timer);
      io.stop.removeEventListener('abort', finish);
      resolve();
    };
    if (io.stop.aborted) {
      finish();
      return;
    }
    io.stop.addEventListener('abort', finish, { once: true });
    if (durationMs !== null) timer = io.clock.setTimeout(finish, durationMs);
    counts.start();
  });

  counts.stop();
  unsubscribe();
  removeSink();
  if (liveLine) io.stdout('\n');
  return 0;
}

function parseListenersArgs(
  args: readonly string[],
  io: ListenersCommandIo,
): { counts: ListenerCounts; durationMs: number | null; json: boolean; warnings: string[] } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        outlet: { type: 'string', multiple: true },
        'outlet-password-file': { type: 'string', multiple: true, default: [] },
        fallback: { type: 'string', multiple: true },
        interval: { type: 'string', default: '1000' },
        duration: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // parseArgs quotes the offending argument: never echo a URL with its password.
    throw new ListenersUsageError(`${redactText(describeError(error))}. Run "steadycast help" for the options.`);
  }
  if (values.help) throw new ListenersUsageError(`usage:\n${LISTENERS_USAGE}`);
  const urls = values.outlet ?? [];
  if (urls.length === 0) throw new ListenersUsageError('give at least one --outlet http://[user:pass@]host:port/mount');
  const intervalMs = Number(values.interval);
  if (!Number.isInteger(intervalMs) || intervalMs < 100 || intervalMs > 60_000) {
    throw new ListenersUsageError(`--interval must be a whole number of milliseconds from 100 to 60000, not "${values.interval}".`);
  }
  let durationMs: number | null = null;
  if (values.duration !== undefined) {
    const seconds = Number(values.duration);
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new ListenersUsageError(`--duration must be a positive number of seconds, not "${values.duration}".`);
    durationMs = Math.round(seconds * 1000);
  }
  const fallbacks = values.fallback ?? [];
  for (const path of fallbacks) {
    if (!/^\/\S+$/.test(path)) throw new ListenersUsageError(`--fallback must be a mount path such as /fallback.opus, not "${path}".`);
  }
  const files = values['outlet-password-file'];
  if (files.length > 1 && files.length !== urls.length) {
    throw new ListenersUsageError(
      `${files.length} --outlet-password-file options for ${urls.length} --outlet URLs: give one file for all of them, or one per URL in the same order.`,
    );
  }
  const fromFiles = files.map((file) => readSecretFile(file, '--outlet-password-file'));
  const fromEnv = readSecretEnv(OUTLET_PASSWORD_ENV, io.env ?? process.env);
  const outlets: OutletConfig[] = urls.map((url, index) => {
    const target = parseOutletUrl(url);
    const password = fromFiles[fromFiles.length === 1 ? 0 : index] ?? fromEnv;
    const mountUrl = password !== null && !hasPasswordInUrl(url) ? withPassword(url, password, 'admin') : url;
    return { id: `outlet-${index + 1}`, label: `${new URL(target.origin).host}${target.mount}`, mountUrl, fallbackMounts: fallbacks };
  });
  const counts = new ListenerCounts({
    outlets,
    http: io.http,
    clock: io.clock,
    logger: createLogger('listeners', () => io.clock.now()),
    intervalMs,
  });
  const warnings = urls.some(hasPasswordInUrl) ? [argvPasswordWarning('--outlet', '--outlet-password-file', OUTLET_PASSWORD_ENV)] : [];
  return { counts, durationMs, json: values.json, warnings };
}

/** One compact line: time, the count in plain words with the servers reporting, peak, then each outlet. */
export function formatLiveLine(reading: ListenerReading): string {
  const time = new Date(reading.at).toTimeString().slice(0, 8);
  const count = reading.coveredOutlets === 0 ? 'not counted' : `${reading.total.toLocaleString('en-US')} ${describeWhoIsCounted(reading)}`;
  const outlets = reading.outlets.map(formatOutlet).join(' · ');
  return `${time}  ${count} (${describeServersReporting(reading)})  peak ${reading.peak.toLocaleString('en-US')}  │ ${outlets}`;
}

function formatOutlet(outlet: OutletReading): string {
  if (outlet.stale) return `${outlet.label} STALE (${outlet.staleReason ?? 'no reading'})`;
  const relays = outlet.relaysExcluded ? ` −${outlet.relaysExcluded} relay${outlet.relaysExcluded === 1 ? '' : 's'}` : '';
  const source = outlet.sourceLive === false ? ' (no source: fallback)' : '';
  return `${outlet.label} ${(outlet.listeners ?? 0).toLocaleString('en-US')}${relays}${source}`;
}

/** Removes `user:password@` from any URL-looking text. */
function redactText(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s"']*@/gi, '$1');
}
