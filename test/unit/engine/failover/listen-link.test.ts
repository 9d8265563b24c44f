import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runListenLinkCommand } from '../../../../electron/cli/listen-link-command';
import { EngineConfigSchema, parseEngineConfig } from '../../../../electron/engine/config';
import { fallbackLayout, fallbackMountFor } from '../../../../electron/engine/failover/icecast-fallback';
import {
  listenLinkOf,
  listenPageConfig,
  m3uPlaylist,
  plsPlaylist,
  publicListenUrl,
  statusUrlOf,
} from '../../../../electron/engine/failover/listen-link';
import { parseListenConfig } from '../../../../renderer/listen/listen-config';

const space = EngineConfigSchema.parse({
  space: {
    name: 'Launch night',
    primary: { janus: { url: 'ws://janus-a:8188' }, icecast: { mountUrl: 'http://source:S3CRET@icecast-a.example.org:8000/launch.opus' } },
    backup: {
      janus: { url: 'ws://janus-b:8188' },
      icecast: {
        mountUrl: 'http://source:S3CRET@icecast-b.example.org:8000/launch.opus',
        listenUrl: 'https://listen-b.example.org/launch.opus',
      },
    },
  },
}).space;

describe('listen link: playlists', () => {
  it('the .m3u lists the primary, then the backup, with public URLs only', () => {
    const { m3u } = listenLinkOf(space);
    expect(m3u).toBe(
      [
        '#EXTM3U',
        '#PLAYLIST:Launch night',
        '#EXTINF:-1,Launch night (primary)',
        'http://icecast-a.example.org:8000/launch.opus',
        '#EXTINF:-1,Launch night (backup)',
        'https://listen-b.example.org/launch.opus',
        '',
      ].join('\n'),
    );
  });

  it('the .pls lists the primary, then the backup (PLS version 2)', () => {
    const { pls } = listenLinkOf(space);
    expect(pls).toBe(
      [
        '[playlist]',
        'File1=http://icecast-a.example.org:8000/launch.opus',
        'Title1=Launch night (primary)',
        'Length1=-1',
        'File2=https://listen-b.example.org/launch.opus',
        'Title2=Launch night (backup)',
        'Length2=-1',
        'NumberOfEntries=2',
        'Version=2',
        '',
      ].join('\n'),
    );
  });

  it('never carries a credential, and a name cannot break a playlist line', () => {
    const link = listenLinkOf(space);
    for (const text of [link.m3u, link.pls, link.config]) {
      expect(text).not.toContain('S3CRET');
      expect(text).not.toContain('source:');
    }
    expect(publicListenUrl({ mountUrl: 'http://u:p@h:8000/m.opus?x=1#y' })).toBe('http://h:8000/m.opus');
    const sources = [{ label: 'Primary', url: 'http://a/x.opus' }];
    expect(m3uPlaylist('Evil\nhttp://attacker/x', sources)).not.toMatch(/^http:\/\/attacker/m);
    expect(plsPlaylist('Evil\r\nFile9=http://attacker/x', sources)).not.toMatch(/^File9=/m);
  });

  it('a space with only a primary lists one entry', () => {
    const only = EngineConfigSchema.parse({ space: { name: 'Solo', primary: space.primary } }).space;
    expect(listenLinkOf(only).pls).toContain('NumberOfEntries=1');
  });
});

describe('listen link: the page’s configuration', () => {
  it('lists both streams, primary first, with each server’s public status URL, as JSON the page accepts', () => {
    const config: unknown = JSON.parse(listenLinkOf(space).config);
    expect(config).toEqual({
      name: 'Launch night',
      sources: [
        {
          label: 'Primary',
          url: 'http://icecast-a.example.org:8000/launch.opus',
          statusUrl: 'http://icecast-a.example.org:8000/status-json.xsl',
        },
        { label: 'Backup', url: 'https://listen-b.example.org/launch.opus', statusUrl: 'https://listen-b.example.org/status-json.xsl' },
      ],
      stallMs: 1500,
      statusEveryMs: 5000,
    });
    expect(parseListenConfig(config)).toEqual(config);
    expect(statusUrlOf('https://cdn.example.org/a/b.opus?x=1')).toBe('https://cdn.example.org/status-json.xsl');
  });

  it('a name is data, never markup: it goes into JSON, not into the page', () => {
    const config = listenPageConfig('Launch </script><b>', [{ label: 'Primary', url: 'http://a/x.opus' }]);
    expect(parseListenConfig(JSON.parse(JSON.stringify(config)))).toMatchObject({ name: 'Launch </script><b>' });
  });

  it('the page refuses a configuration it cannot play, saying how to fix it', () => {
    expect(() => parseListenConfig({ name: 'x', sources: [] })).toThrow(/lists no stream.*steadycast listen-link/);
    expect(() =>
      parseListenConfig({ name: 'x', sources: [{ label: 'P', url: 'javascript:alert(1)', statusUrl: 'http://a/status-json.xsl' }] }),
    ).toThrow(/not http\(s\)/);
    expect(() => parseListenConfig(null)).toThrow(/not a JSON object/);
  });
});

describe('the shipped Icecast fallback configuration', () => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (_name, jpath) => jpath === 'icecast.mount' || jpath === 'icecast.relay',
  });
  const example = parseEngineConfig(JSON.parse(readFileSync('deploy/space.example.json', 'utf8')), 'deploy/space.example.json').space;

  it('matches the layout the engine and the test environment use', () => {
    const layout = fallbackLayout(example);
    expect(layout).toHaveLength(2);
    for (const [file, expected] of [
      ['deploy/icecast/icecast-a.xml', layout[0]],
      ['deploy/icecast/icecast-b.xml', layout[1]],
    ] as const) {
      const xml = parser.parse(readFileSync(file, 'utf8')) as {
        icecast: { mount: Record<string, unknown>[]; relay: Record<string, unknown>[]; 'http-headers': { header: Record<string, string> } };
      };
      const mount = xml.icecast.mount[0];
      const relay = xml.icecast.relay[0];
      expect(mount).toMatchObject({ 'mount-name': expected?.mount, 'fallback-mount': expected?.fallbackMount, 'fallback-override': 1 });
      expect(relay).toMatchObject({
        server: expected?.relay.server,
        port: expected?.relay.port,
        mount: expected?.relay.mount,
        'local-mount': expected?.relay.localMount,
        'on-demand': 0,
      });
      // The listen page reads both servers' status from another origin.
      expect(xml.icecast['http-headers'].header).toMatchObject({ '@_name': 'Access-Control-Allow-Origin', '@_value': '*' });
    }
    // The example config counts the fallback mount's listeners for each outlet.
    expect(example.primary?.icecast.fallbackMounts).toEqual([layout[0]?.fallbackMount]);
  });

  it('names fallback mounts after the program mount', () => {
    expect(fallbackMountFor('/launch.opus')).toBe('/launch-other.opus');
    expect(fallbackMountFor('/live')).toBe('/live-other');
    expect(fallbackLayout(EngineConfigSchema.parse({ space: { name: 'Solo', primary: space.primary } }).space)).toEqual([]);
  });
});

describe('steadycast listen-link', () => {
  it('writes listen.m3u, listen.pls, listen-config.json and copies the built page (listen.html + assets/)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steadycast-listen-'));
    // A built page as `npm run build` leaves it in out/listen (its content does not matter here).
    const app = mkdtempSync(join(tmpdir(), 'steadycast-listen-app-'));
    mkdirSync(join(app, 'assets'));
    writeFileSync(join(app, 'listen.html'), '<!doctype html><script type="module" src="./assets/listen.js"></script>');
    writeFileSync(join(app, 'assets', 'listen.js'), 'export {};');
    try {
      const written = await runListenLinkCommand(
        ['--config', 'space.json', '--out', dir],
        () => Promise.resolve(EngineConfigSchema.parse({ space })),
        app,
      );
      expect(written.map((path) => path.slice(dir.length + 1))).toEqual([
        'listen.m3u',
        'listen.pls',
        'listen-config.json',
        'listen.html',
        'assets',
      ]);
      expect(readFileSync(join(dir, 'listen.m3u'), 'utf8')).toBe(listenLinkOf(space).m3u);
      expect(readFileSync(join(dir, 'listen-config.json'), 'utf8')).toBe(listenLinkOf(space).config);
      expect(existsSync(join(dir, 'assets', 'listen.js'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(app, { recursive: true, force: true });
    }
  });

  it('says what is missing', async () => {
    await expect(runListenLinkCommand([], () => Promise.reject(new Error('unused')))).rejects.toThrow(/--config FILE is required/);
    await expect(
      runListenLinkCommand(['--config', 'x.json'], () => Promise.resolve(EngineConfigSchema.parse({ space: { name: 'Empty' } }))),
    ).rejects.toThrow(/has no Icecast mount/);
    await expect(
      runListenLinkCommand(
        ['--config', 'x.json'],
        () => Promise.resolve(EngineConfigSchema.parse({ space })),
        join(tmpdir(), 'no-such-listen-app'),
      ),
    ).rejects.toThrow(/not built.*npm run build/);
  });
});
