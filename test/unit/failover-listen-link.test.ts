import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runListenLinkCommand } from '../../electron/cli/listen-link-command';
import { EngineConfigSchema, parseEngineConfig } from '../../electron/engine/config';
import { fallbackLayout, fallbackMountFor } from '../../electron/engine/failover/icecast-fallback';
import { listenLinkOf, listenPage, m3uPlaylist, plsPlaylist, publicListenUrl } from '../../electron/engine/failover/listen-link';

const space = EngineConfigSchema.parse({
  space: {
    name: 'Launch night',
    primary: { janus: { url: 'ws://janus-a:8188' }, icecast: { mountUrl: 'http://source:S3CRET@icecast-a.example.org:8000/launch.opus' } },
    backup: { janus: { url: 'ws://janus-b:8188' }, icecast: { mountUrl: 'http://source:S3CRET@icecast-b.example.org:8000/launch.opus', listenUrl: 'https://listen-b.example.org/launch.opus' } },
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
    for (const text of [link.m3u, link.pls, link.html]) {
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

describe('listen link: the page', () => {
  it('is one self-contained HTML file with both streams, primary first, and no framework', () => {
    const html = listenPage('Launch <night>', [
      { label: 'Primary', url: 'http://a/x.opus' },
      { label: 'Backup', url: 'http://b/x.opus' },
    ]);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>Launch &lt;night&gt; · listen</title>');
    const config = /<script type="application\/json" id="listen-config">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    expect(JSON.parse(config)).toMatchObject({ name: 'Launch <night>', sources: [{ label: 'Primary' }, { label: 'Backup' }], stallMs: 2000 });
    // The name is escaped inside the script too: no way to close the script element early.
    expect(config).not.toContain('<');
    expect(html).not.toMatch(/<script[^>]+src=/);
  });
});

describe('the shipped Icecast fallback configuration', () => {
  const parser = new XMLParser({ ignoreAttributes: false, isArray: (_name, jpath) => jpath === 'icecast.mount' || jpath === 'icecast.relay' });
  const example = parseEngineConfig(JSON.parse(readFileSync('deploy/space.example.json', 'utf8')), 'deploy/space.example.json').space;

  it('matches the layout the engine and the test environment use', () => {
    const layout = fallbackLayout(example);
    expect(layout).toHaveLength(2);
    for (const [file, expected] of [
      ['deploy/icecast/icecast-a.xml', layout[0]],
      ['deploy/icecast/icecast-b.xml', layout[1]],
    ] as const) {
      const xml = parser.parse(readFileSync(file, 'utf8')) as { icecast: { mount: Record<string, unknown>[]; relay: Record<string, unknown>[]; 'http-headers': { header: Record<string, string> } } };
      const mount = xml.icecast.mount[0];
      const relay = xml.icecast.relay[0];
      expect(mount).toMatchObject({ 'mount-name': expected?.mount, 'fallback-mount': expected?.fallbackMount, 'fallback-override': 1 });
      expect(relay).toMatchObject({ server: expected?.relay.server, port: expected?.relay.port, mount: expected?.relay.mount, 'local-mount': expected?.relay.localMount, 'on-demand': 0 });
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
  it('writes listen.m3u, listen.pls and listen.html from the space config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steadycast-listen-'));
    try {
      const written = await runListenLinkCommand(['--config', 'space.json', '--out', dir], () => Promise.resolve(EngineConfigSchema.parse({ space })));
      expect(written.map((path) => path.slice(dir.length + 1))).toEqual(['listen.m3u', 'listen.pls', 'listen.html']);
      expect(readFileSync(join(dir, 'listen.m3u'), 'utf8')).toBe(listenLinkOf(space).m3u);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what is missing', async () => {
    await expect(runListenLinkCommand([], () => Promise.reject(new Error('unused')))).rejects.toThrow(/--config FILE is required/);
    await expect(runListenLinkCommand(['--config', 'x.json'], () => Promise.resolve(EngineConfigSchema.parse({ space: { name: 'Empty' } })))).rejects.toThrow(/has no Icecast mount/);
  });
});
