import { describe, expect, it } from 'vitest';
import { playwrightTestTimes, slowestLines, vitestFileTimes } from '../../env/slowest';

describe('the slowest tests of a run', () => {
  it('reads vitest files with their wall time, relative to the project', () => {
    const report = {
      testResults: [
        { name: '/repo/test/unit/a.test.ts', startTime: 1000, endTime: 1500 },
        { name: '/repo/test/integration/b.test.ts', startTime: 2000, endTime: 62_000 },
        { name: '/repo/test/unit/broken.test.ts' },
      ],
    };
    expect(vitestFileTimes(report, '/repo')).toEqual([
      { name: 'test/unit/a.test.ts', seconds: 0.5 },
      { name: 'test/integration/b.test.ts', seconds: 60 },
      { name: 'test/unit/broken.test.ts', seconds: 0 },
    ]);
  });

  it('adds up every attempt of a Playwright test, through nested describe blocks', () => {
    const report = {
      suites: [
        {
          file: 'full-show.spec.ts',
          specs: [{ title: 'the whole show', tests: [{ results: [{ duration: 90_000 }, { duration: 30_000 }] }] }],
          suites: [{ title: 'inner', specs: [{ title: 'a step', tests: [{ results: [{ duration: 1500 }] }] }] }],
        },
      ],
    };
    expect(playwrightTestTimes(report)).toEqual([
      { name: 'full-show.spec.ts › the whole show', seconds: 120 },
      { name: 'full-show.spec.ts › a step', seconds: 1.5 },
    ]);
  });

  it('lists the slowest first, no more than asked, and survives a missing report', () => {
    const lines = slowestLines(
      [
        { name: 'quick', seconds: 0.2 },
        { name: 'slow', seconds: 125.04 },
        { name: 'middle', seconds: 12 },
      ],
      2,
    );
    expect(lines).toEqual(['  125.0 s  slow', '   12.0 s  middle']);
    expect(vitestFileTimes(undefined, '/repo')).toEqual([]);
    expect(playwrightTestTimes('not json')).toEqual([]);
  });
});
