import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WavReader } from '../../electron/engine/audio/wav-reader';

const run = promisify(execFile);

/** What a listener heard, decoded to 48 kHz PCM. */
export interface HeardAudio {
  samples: Float32Array;
  channels: number;
}

/** Listens to an Icecast mount like a player for `ms` and returns the bytes it served. */
export async function captureMount(server: { host: string; port: number }, mount: string, ms: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const req = request(
      { host: server.host, port: server.port, path: mount, headers: { 'User-Agent': 'steadycast-test-listener' } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`listener got HTTP ${response.statusCode} for ${mount}`));
          return;
        }
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        setTimeout(() => {
          req.destroy();
          resolve();
        }, ms);
      },
    );
    req.on('error', (error) => (chunks.length > 0 ? resolve() : reject(error)));
    req.end();
  });
  return Buffer.concat(chunks);
}

/** Listens to an Icecast mount like a player for `ms`, then decodes what arrived with opusdec (files go to `dir`). */
export async function listenToMount(server: { host: string; port: number }, mount: string, ms: number, dir: string): Promise<HeardAudio> {
  const file = join(dir, `heard-${randomInt(1e9)}.opus`);
  await writeFile(file, await captureMount(server, mount, ms));
  const wav = `${file}.wav`;
  await run('opusdec', ['--quiet', '--rate', '48000', file, wav]);
  const reader = WavReader.open(wav);
  try {
    return { samples: reader.read(reader.info.frames), channels: reader.info.channels };
  } finally {
    reader.close();
  }
}
