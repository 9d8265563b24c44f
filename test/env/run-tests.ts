/*
 * `npm test`: everything, against real servers, in the order a failure is cheapest to find.
 *   deps      install what is missing (apt-get as root on Debian) or say exactly what to run
 *   fixtures  generate the audio fixtures (sox, espeak-ng)
 *   build     npm run build (integration tests run the built steadycast command)
 *   vitest    all vitest projects (unit + integration), inside the isolated test namespace
 *   e2e       playwright test, if playwright.config.ts exists, inside the namespace
 * Output streams as it comes; the first failing stage stops the run with its exit code.
 * The last line is a plain "steadycast: N passed, N failed" count over vitest and Playwright.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './deps';
import { ensureFixtures } from './fixtures';
import { HOST_NETWORK_NOTE, namespaceMode, runInTestNamespace, type NamespaceMode } from './netns';
import { isMainModule } from './process';
import { playwrightTestTimes, slowestLines, vitestFileTimes } from './slowest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS_DIR = join(ROOT, '.cache', 'test-results');
const VITEST_JSON = join(RESULTS_DIR, 'vitest.json');
const PLAYWRIGHT_JSON = join(RESULTS_DIR, 'playwright.json');

/** Test counts a stage reported. */
interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** How one stage ended. */
interface StageResult {
  readonly name: string;
  readonly outcome: 'passed' | 'failed' | 'skipped' | 'not run';
  readonly seconds: number;
  readonly detail?: string;
  readonly counts?: Counts;
}

/** A stage: resolves with an exit code (0 = passed) or 'skip' with a reason. */
interface Stage {
  readonly name: string;
  run(): Promise<number | { skip: string }>;
  counts?(): Counts | undefined;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** A binary from node_modules/.bin (no npx: faster, and no registry lookups). */
function bin(name: string): string {
  const local = join(ROOT, 'node_modules', '.bin', name);
  if (!existsSync(local)) throw new Error(`${local} is missing: run npm ci`);
  return local;
}

function stages(mode: NamespaceMode): Stage[] {
  // runTests prints the network note once, so the stages run quietly.
  const quiet = (): void => undefined;
  const inNamespace = (command: string, args: string[]): Promise<number> => runInTestNamespace(command, args, { log: quiet, mode });
  return [
    {
      name: 'deps',
      run: async () => {
        await ensureDeps(log);
        return 0;
      },
    },
    {
      name: 'fixtures',
      run: async () => {
        await ensureFixtures();
        return 0;
      },
    },
    {
      name: 'build',
      run: () => inNamespace('npm', ['run', 'build']),
    },
    {
      name: 'vitest',
      run: () => inNamespace(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${VITEST_JSON}`]),
      counts: () => readVitestCounts(VITEST_JSON),
    },
    {
      name: 'e2e',
      run: async () => {
        if (!existsSync(join(ROOT, 'playwright.config.ts'))) return { skip: 'no playwright.config.ts' };
        return runInTestNamespace(bin('playwright'), ['test', '--reporter=list,json'], {
          log: quiet,
          mode,
          env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_FILE: PLAYWRIGHT_JSON },
        });
      },
      counts: () => readPlaywrightCounts(PLAYWRIGHT_JSON),
    },
  ];
}

/** Runs every stage in order, stopping at the first failure; returns the exit code for the process. */
export async function runTests(): Promise<number> {
  process.chdir(ROOT);
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  const mode = namespaceMode();
  if (mode === 'isolated') log('test network: isolated namespace (veth0 198.18.0.1 ↔ veth1 198.18.0.2)');
  if (mode === 'host') log(HOST_NETWORK_NOTE);

  const results: StageResult[] = [];
  let exitCode = 0;
  for (const stage of stages(mode)) {
    if (exitCode !== 0) {
      results.push({ name: stage.name, outcome: 'not run', seconds: 0 });
      continue;
    }
    log(`\n▶ ${stage.name}`);
    const started = performance.now();
    let outcome: number | { skip: string };
    let detail: string | undefined;
    try {
      outcome = await stage.run();
    } catch (error) {
      outcome = 1;
      detail = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${stage.name} failed: ${detail}\n`);
    }
    const seconds = (performance.now() - started) / 1000;
    const counts = stage.counts?.();
    if (typeof outcome === 'object') {
      results.push({ name: stage.name, outcome: 'skipped', seconds, detail: outcome.skip });
    } else {
      results.push({
        name: stage.name,
        outcome: outcome === 0 ? 'passed' : 'failed',
        seconds,
        detail: detail ?? (outcome === 0 ? undefined : `exit ${outcome}`),
        counts,
      });
      exitCode = outcome;
    }
  }

  reportSlowest();
  log('\nsummary');
  for (const result of results) log(`  ${formatResult(result)}`);
  const totals = results.reduce<Counts | undefined>((sum, { counts }) => (counts ? addCounts(sum, counts) : sum), undefined);
  if (totals) log(`steadycast: ${totals.passed} passed, ${totals.failed} failed${totals.skipped > 0 ? `, ${totals.skipped} skipped` : ''}`);
  return exitCode;
}

/** Prints where the time went: the slowest vitest files and Playwright tests of this run. */
function reportSlowest(): void {
  const vitest = slowestLines(vitestFileTimes(readJson(VITEST_JSON), ROOT), 8);
  const e2e = slowestLines(playwrightTestTimes(readJson(PLAYWRIGHT_JSON)), 8);
  if (vitest.length > 0) log(`\nslowest vitest files\n${vitest.join('\n')}`);
  if (e2e.length > 0) log(`\nslowest e2e tests\n${e2e.join('\n')}`);
}

function formatResult({ name, outcome, seconds, detail, counts }: StageResult): string {
  const mark = { passed: '✓', failed: '✗', skipped: '-', 'not run': '·' }[outcome];
  const parts = [`${mark} ${name.padEnd(8)} ${outcome}`];
  if (outcome === 'passed' || outcome === 'failed') parts.push(`${seconds.toFixed(1)} s`);
  if (counts) parts.push(`${counts.passed} passed, ${counts.failed} failed${counts.skipped > 0 ? `, ${counts.skipped} skipped` : ''}`);
  if (detail) parts.push(detail);
  return parts.join(' · ');
}

function addCounts(sum: Counts | undefined, counts: Counts): Counts {
  return {
    passed: (sum?.passed ?? 0) + counts.passed,
    failed: (sum?.failed ?? 0) + counts.failed,
    skipped: (sum?.skipped ?? 0) + counts.skipped,
  };
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const numberOr0 = (value: unknown): number => (typeof value === 'number' ? value : 0);

function readVitestCounts(path: string): Counts | undefined {
  const report = readJson(path);
  if (!report) return undefined;
  // A file that fails to load has no failed test but fails the run: count it, so the closing line never says "0 failed" for a red run.
  const files = Array.isArray(report.testResults) ? (report.testResults as Record<string, unknown>[]) : [];
  const brokenFiles = files.filter(
    (file) =>
      file.status === 'failed' &&
      !(
        Array.isArray(file.assertionResults) &&
        (file.assertionResults as Record<string, unknown>[]).some((test) => test.status === 'failed')
      ),
  ).length;
  return {
    passed: numberOr0(report.numPassedTests),
    failed: numberOr0(report.numFailedTests) + brokenFiles,
    skipped: numberOr0(report.numPendingTests) + numberOr0(report.numTodoTests),
  };
}

function readPlaywrightCounts(path: string): Counts | undefined {
  const stats = readJson(path)?.stats;
  if (typeof stats !== 'object' || stats === null) return undefined;
  const { expected, unexpected, flaky, skipped } = stats as Record<string, unknown>;
  return { passed: numberOr0(expected) + numberOr0(flaky), failed: numberOr0(unexpected), skipped: numberOr0(skipped) };
}

if (isMainModule(import.meta.url)) {
  // Ctrl-C reaches the running stage directly (same process group); wait for it to end and report.
  process.on('SIGINT', () => undefined);
  runTests().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
