import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { EngineLogPanel } from '../../../../renderer/features/diagnostics/engine-log-panel';
import { createAppStore } from '../../../../renderer/stores/app-store';
import { filterLog } from '../../../../renderer/stores/log-slice';
import { render } from '../../../support/renderer-test-support';
import { FakeBridge } from '../../../fakes/fake-bridge';

function storeWithLines(): ReturnType<typeof createAppStore> {
  const store = createAppStore({
    now: () => 0,
    randomNonce: () => 'nonce',
    setTimer: () => () => undefined,
    bridge: new FakeBridge().binding(),
  });
  store.getState().appendLog({ at: 1, level: 'info', scope: 'icecast', message: 'primary: live after 1 attempt' });
  store.getState().appendLog({ at: 2, level: 'warn', scope: 'failover', message: 'primary janus down: moving in 3 s' });
  store.getState().appendLog({ at: 3, level: 'info', scope: 'janus', message: 'backup room ready' });
  return store;
}

describe('engine log search', () => {
  it('keeps the lines with every word of the query in level, scope or message, case-insensitive', () => {
    const { log } = storeWithLines().getState();
    expect(filterLog(log, '')).toBe(log);
    expect(filterLog(log, 'PRIMARY').map((line) => line.at)).toEqual([1, 2]);
    expect(filterLog(log, 'warn primary').map((line) => line.at)).toEqual([2]);
    expect(filterLog(log, 'janus').map((line) => line.at)).toEqual([2, 3]);
    expect(filterLog(log, 'nothing-like-this')).toEqual([]);
  });

  it('the panel shows the matches with their count, and says how to get every line back when none match', () => {
    const store = storeWithLines();
    store.getState().setLogQuery('backup');
    let html = render(store, createElement(EngineLogPanel));
    expect(html).toContain('1 of 3 lines');
    expect(html).toContain('backup room ready');
    expect(html).not.toContain('moving in 3 s');
    expect(html).toContain('Search the engine log');

    store.getState().setLogQuery('zzz');
    html = render(store, createElement(EngineLogPanel));
    expect(html).toContain('No line matches “zzz”. Press Escape');
  });
});
