import { describe, expect, it } from 'vitest';
import { describeCoverage, describeListenerCount, describeTotal } from '../../../../renderer/features/listeners/listener-wording';

const reading = (total: number, coveredOutlets: number, totalOutlets: number, uniqueEstimate: number | null = null) => ({
  total,
  coveredOutlets,
  totalOutlets,
  uniqueEstimate,
});

describe('listener counts in plain words', () => {
  it('says how many servers report, never "outlets" or "fresh"', () => {
    expect(describeCoverage(null)).toEqual({ tone: 'neutral', text: 'No reading yet' });
    expect(describeCoverage(reading(0, 1, 1))).toEqual({ tone: 'ok', text: '1 server reporting' });
    expect(describeCoverage(reading(0, 2, 2))).toEqual({ tone: 'ok', text: '2 servers reporting' });
    expect(describeCoverage(reading(0, 1, 2))).toEqual({ tone: 'warn', text: '1 of 2 servers reporting' });
    expect(describeCoverage(reading(0, 0, 2))).toEqual({ tone: 'bad', text: 'No server reporting' });
    expect(describeCoverage(reading(0, 0, 0))).toEqual({ tone: 'bad', text: 'No server to count' });
  });

  it('tells connections from listeners when the servers can tell them apart', () => {
    expect(describeListenerCount(reading(2, 1, 1, 1))).toBe('2 connections from 1 listener');
    expect(describeListenerCount(reading(1_234, 2, 2, 1_200))).toBe('1,234 connections from 1,200 listeners');
    expect(describeListenerCount(reading(2, 1, 1))).toBe('2 listeners now');
    expect(describeListenerCount(reading(1, 1, 1, 1))).toBe('1 listener now');
    expect(describeTotal(reading(24, 1, 2))).toBe('listeners now · 1 of 2 servers counted');
    expect(describeListenerCount(reading(0, 0, 2))).toBe('Not counted: no server reporting');
  });
});
