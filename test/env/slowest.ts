/*
 * The slowest tests of a run, read from the reports vitest and Playwright write (JSON reporters), so a
 * suite that creeps towards CI's time budget says where the time went.
 */
import { relative } from 'node:path';

/** One timed entry: a test file (vitest) or a test (Playwright). */
export interface Timed {
  readonly name: string;
  readonly seconds: number;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Test files of a vitest JSON report with their wall time (end − start), paths relative to `root`. */
export function vitestFileTimes(report: unknown, root: string): Timed[] {
  if (!isObject(report)) return [];
  return list(report.testResults).map((file) => ({
    name: relative(root, typeof file.name === 'string' ? file.name : '?'),
    seconds: Math.max(0, num(file.endTime) - num(file.startTime)) / 1000,
  }));
}

/** Tests of a Playwright JSON report with the time of all their attempts, named `file › title`. */
export function playwrightTestTimes(report: unknown): Timed[] {
  if (!isObject(report)) return [];
  const out: Timed[] = [];
  const walk = (suite: Json, file: string): void => {
    const here = typeof suite.file === 'string' ? suite.file : file;
    for (const spec of list(suite.specs)) {
      const title = typeof spec.title === 'string' ? spec.title : '?';
      const ms = list(spec.tests).reduce((sum, test) => sum + list(test.results).reduce((s, result) => s + num(result.duration), 0), 0);
      out.push({ name: `${here} › ${title}`, seconds: ms / 1000 });
    }
    for (const child of list(suite.suites)) walk(child, here);
  };
  for (const suite of list(report.suites)) walk(suite, '');
  return out;
}

/** The `count` slowest entries, slowest first, as aligned lines (`  123.4 s  name`). */
export function slowestLines(entries: readonly Timed[], count: number): string[] {
  return [...entries]
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, count)
    .map(({ name, seconds }) => `${seconds.toFixed(1).padStart(7)} s  ${name}`);
}
