import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../electron/engine/log/logger';
import { LiveMarkerFile, RESUME_BUTTONS, type FoundMarker } from '../../../electron/main/live-marker';
import { RESUME_REQUEST, settlePreviousShow, type ResumeDeps } from '../../../electron/main/resume-show';
import { createFakeElectron, type FakeElectron } from '../../fakes/electron';
import { desktopEngine } from '../../support/electron-app-support';

/*
 * Resuming after a crash, on its own: the marker an earlier run left is read from a real folder,
 * the question is asked through the fake dialog, and the answer reaches the engine's door.
 */

let dir: string;
let electron: FakeElectron;
let marker: LiveMarkerFile;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steadycast-resume-'));
  electron = createFakeElectron({ userData: dir });
  marker = new LiveMarkerFile(dir, { appVersion: '9.9.9', pid: 1 });
});
afterEach(async () => {
  await marker.settled();
  await rm(dir, { recursive: true, force: true });
});

const deps = (overrides: Partial<ResumeDeps> = {}): ResumeDeps => ({
  dialog: electron.dialog,
  shell: electron.shell,
  liveMarker: marker,
  engine: desktopEngine(),
  formatTime: (at) => new Date(at).toISOString().slice(11, 16),
  logger: createLogger('test-resume'),
  ...overrides,
});

async function leave(recordingPath: string | null): Promise<FoundMarker> {
  await writeFile(
    marker.path,
    JSON.stringify({
      version: 1,
      space: 'Launch night',
      startedAt: Date.UTC(2025, 0, 1, 20, 15),
      recordingPath,
      appVersion: '9.9.8',
      pid: 4242,
    }),
  );
  return marker.find();
}

describe('resume after a crash', () => {
  it('asks nothing when no show was interrupted', async () => {
    await settlePreviousShow(await marker.find(), deps());
    expect(electron.dialog.messageBoxes).toEqual([]);
  });

  it('removes a marker it cannot read without asking', async () => {
    await writeFile(marker.path, '{ broken');
    const found = await marker.find();
    expect(found.status).toBe('unreadable');
    await settlePreviousShow(found, deps());
    expect(electron.dialog.messageBoxes).toEqual([]);
    expect(existsSync(marker.path)).toBe(false);
  });

  it('reveals the intact recording on "Show the Recording" and forgets the marker', async () => {
    const recording = join(dir, 'launch-night.opus');
    await writeFile(recording, 'OggS');
    const found = await leave(recording);
    electron.dialog.answers.push(RESUME_BUTTONS.indexOf('Show the Recording'));
    await settlePreviousShow(found, deps());
    expect(electron.dialog.messageBoxes[0]).toMatchObject({
      message: 'Steadycast stopped while “Launch night” was on air',
      buttons: [...RESUME_BUTTONS],
      cancelId: 2,
    });
    expect(electron.dialog.messageBoxes[0]?.detail).toContain('went live at 20:15');
    expect(electron.shell.revealed).toEqual([recording]);
    expect(existsSync(marker.path)).toBe(false);
  });

  it('sends the resume request on "Resume the Show", and says why the engine refused it', async () => {
    const found = await leave(null);
    const engine = desktopEngine();
    const execute = vi.spyOn(engine, 'execute');
    electron.dialog.answers.push(0);
    await settlePreviousShow(found, deps({ engine }));
    expect(execute.mock.calls.map(([command]) => command)).toEqual([{ channel: 'broadcast:start', payload: RESUME_REQUEST }]);
    expect(electron.dialog.errorBoxes).toEqual([
      {
        title: 'Steadycast could not resume the show',
        content: expect.stringMatching(
          /No Icecast mount is configured[\s\S]*The recording of the interrupted show is not affected\.$/,
        ) as unknown,
      },
    ]);
    expect(existsSync(marker.path)).toBe(false);
  });

  it('goes on without the show on "Not Now"', async () => {
    const found = await leave(join(dir, 'gone.opus'));
    electron.dialog.answers.push(1);
    await settlePreviousShow(found, deps());
    expect(electron.dialog.messageBoxes[0]?.buttons).toEqual([RESUME_BUTTONS[0], RESUME_BUTTONS[2]]);
    expect(electron.dialog.messageBoxes[0]?.detail).toContain('was not found where it was being written');
    expect(electron.shell.revealed).toEqual([]);
    expect(electron.dialog.errorBoxes).toEqual([]);
    expect(existsSync(marker.path)).toBe(false);
  });
});
