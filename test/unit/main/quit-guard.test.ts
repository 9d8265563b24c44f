import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../electron/engine/log/logger';
import { LiveMarkerFile } from '../../../electron/main/live-marker';
import { onAirShow } from '../../../electron/main/on-air';
import { QuitGuard } from '../../../electron/main/quit-guard';
import type { Engine } from '../../../electron/engine/engine';
import { createFakeElectron, type FakeElectron } from '../../fakes/electron';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeShow, liveStatus } from '../../fakes/fake-show';
import { desktopEngine } from '../../support/electron-app-support';
import { settle } from '../../support/renderer-test-support';

/*
 * Quitting, on its own: off air it goes ahead; on air it asks once, "Keep Broadcasting" cancels,
 * "End Show and Quit" ends the show, brings the live marker up to date and quits.
 */

let dir: string;
let electron: FakeElectron;
let engine: Engine;
let marker: LiveMarkerFile;
let guard: QuitGuard;
let quits: number;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steadycast-quit-'));
  electron = createFakeElectron({ userData: dir });
  const clock = new FakeClock();
  engine = desktopEngine(clock);
  marker = new LiveMarkerFile(dir, { appVersion: '9.9.9', pid: 1 });
  quits = 0;
  guard = new QuitGuard({
    app: electron.app,
    dialog: electron.dialog,
    engine,
    liveMarker: marker,
    onQuit: () => (quits += 1),
    logger: createLogger('test-quit'),
  });
});
afterEach(async () => {
  await marker.settled();
  await rm(dir, { recursive: true, force: true });
});

async function goLive(): Promise<void> {
  engine.attachBroadcast(new FakeShow(liveStatus(Date.UTC(2025, 0, 1, 20), join(dir, 'show.opus'))));
  await marker.update(onAirShow(engine.getState()));
}

/** Lets pending callbacks (promises, file operations) run until `done()`; bounded, and asserts nothing about time. */
async function untilSettled(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 200 && !done(); turn += 1) await new Promise<void>((resolve) => setTimeout(resolve, 5));
  expect(done()).toBe(true);
}

describe('quit guard', () => {
  it('lets a quit off the air go ahead at once', () => {
    electron.app.quit();
    expect(electron.app.quitted).toBe(true);
    expect(guard.isQuitting()).toBe(true);
    expect(quits).toBe(1);
    expect(electron.dialog.messageBoxes).toEqual([]);
  });

  it('asks once on air, and keeps broadcasting when told to', async () => {
    await goLive();
    electron.app.quit();
    electron.app.quit();
    expect(electron.app.quitted).toBe(false);
    expect(guard.isQuitting()).toBe(false);
    await untilSettled(() => electron.dialog.messageBoxes.length === 1);
    await settle();
    expect(electron.dialog.messageBoxes).toHaveLength(1);
    expect(electron.dialog.messageBoxes[0]).toMatchObject({
      message: 'End the show and quit Steadycast?',
      buttons: ['Keep Broadcasting', 'End Show and Quit'],
      cancelId: 0,
    });
    expect(electron.dialog.messageBoxes[0]?.detail).toContain(`the safety recording is finished in ${join(dir, 'show.opus')}`);
    expect(quits).toBe(0);
    expect(existsSync(marker.path)).toBe(true);

    // Asked again after the answer.
    electron.app.quit();
    await untilSettled(() => electron.dialog.messageBoxes.length === 2);
  });

  it('ends the show, updates the live marker and quits on "End Show and Quit"', async () => {
    await goLive();
    electron.dialog.answers.push(1);
    electron.app.quit();
    await untilSettled(() => electron.app.quitted);
    expect(guard.isQuitting()).toBe(true);
    expect(quits).toBe(1);
    // This show was attached, not started by the engine, so it is still on air: the marker says so for the next start.
    expect(JSON.parse(await readFile(marker.path, 'utf8'))).toMatchObject({
      space: 'Untitled space',
      recordingPath: join(dir, 'show.opus'),
    });
  });
});
