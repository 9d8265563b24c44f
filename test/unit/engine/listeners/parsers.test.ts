import { describe, expect, it } from 'vitest';
import { OutletUrlError, parseOutletUrl } from '../../../../electron/engine/listeners/http';
import {
  isRelayUserAgent,
  parseAdminStats,
  parseListClients,
  parseStatsEvent,
  parseStatusJson,
  repairStatusJson,
  StatsParseError,
} from '../../../../electron/engine/listeners/icecast-stats';
import { listClientsXml, liveEntry, statusJson } from '../../../fakes/listeners-fake-http';

describe('status-json.xsl parser', () => {
  it('reads no source key as no mounts', () => {
    expect(parseStatusJson(statusJson([])).mounts).toEqual([]);
  });

  it('reads one source as an object', () => {
    const stats = parseStatusJson(statusJson([liveEntry('/live.opus', 7)]));
    expect(stats.serverId).toBe('Icecast 2.4.4');
    expect(stats.mounts).toEqual([{ mount: '/live.opus', listeners: 7, sourceLive: true }]);
  });

  it('reads many sources as an array', () => {
    const stats = parseStatusJson(statusJson([liveEntry('/a.opus', 1), liveEntry('/b.opus', 2)]));
    expect(stats.mounts.map((mount) => [mount.mount, mount.listeners])).toEqual([
      ['/a.opus', 1],
      ['/b.opus', 2],
    ]);
  });

  it('marks the stub a departed source leaves behind and never counts its listeners', () => {
    // Exactly what Icecast 2.4.4 printed after a source with a fallback left (listeners kept for the stub).
    const text = statusJson([liveEntry('/fallback.opus', 3), { listeners: 5, listenurl: 'http://198.18.0.1:8000/live.opus', dummy: null }]);
    const stats = parseStatusJson(text);
    expect(stats.mounts).toContainEqual({ mount: '/live.opus', listeners: 0, sourceLive: false });
    expect(stats.mounts).toContainEqual({ mount: '/fallback.opus', listeners: 3, sourceLive: true });
  });

  it('repairs a bare "-" value (Icecast writes `"title": -` for a dash title)', () => {
    const broken = statusJson([liveEntry('/live.opus', 4)]).replace('"dummy":null', '"title": - ,"dummy":null');
    expect(() => JSON.parse(broken) as unknown).toThrow();
    const stats = parseStatusJson(broken);
    expect(stats.repaired).toBe(true);
    expect(stats.mounts).toEqual([{ mount: '/live.opus', listeners: 4, sourceLive: true }]);
  });

  it('repairs an empty value and raw control characters inside strings', () => {
    const broken = statusJson([liveEntry('/live.opus', 2)]).replace('"dummy":null', '"title":,"artist":"a\tb\nc","dummy":null');
    expect(parseStatusJson(broken).mounts[0]?.listeners).toBe(2);
  });

  it('repairs the missing brace Icecast can write right after it starts', () => {
    const broken = '{"icestats":"server_start":"Sat, 03 Oct 2020 15:45:30 +0200","server_id":"Icecast 2.4.4","dummy":null}}';
    expect(parseStatusJson(broken)).toEqual({ serverId: 'Icecast 2.4.4', mounts: [], repaired: true });
  });

  it('leaves valid strings that contain colons and dashes alone', () => {
    const text = statusJson([{ ...liveEntry('/live.opus', 1), title: 'Live: - at 10:00 - "quoted"' }]);
    expect(repairStatusJson(text)).toBe(text);
  });

  it('counts numeric strings and never a negative, NaN or dash count', () => {
    const text = statusJson([
      { ...liveEntry('/a.opus', 0), listeners: '12' },
      { ...liveEntry('/b.opus', 0), listeners: -3 },
      { ...liveEntry('/c.opus', 0), listeners: '-' },
    ]);
    expect(parseStatusJson(text).mounts.map((mount) => mount.listeners)).toEqual([12, 0, 0]);
  });

  it('skips entries without a usable listenurl', () => {
    const text = statusJson([{ listeners: 3, stream_start: 'x' }, ['nonsense'], liveEntry('/ok.opus', 1)]);
    expect(parseStatusJson(text).mounts).toEqual([{ mount: '/ok.opus', listeners: 1, sourceLive: true }]);
  });

  it('throws a typed error for what is not Icecast JSON at all', () => {
    expect(() => parseStatusJson('<html>502 Bad Gateway</html>')).toThrow(StatsParseError);
    expect(() => parseStatusJson('{"hello":1}')).toThrow(/icestats/);
  });
});

describe('admin XML parsers', () => {
  it('reads /admin/stats mounts and marks stubs', () => {
    const xml =
      '<?xml version="1.0"?>\n<icestats><listeners>4</listeners><server_id>Icecast 2.4.4</server_id>' +
      '<source mount="/fallback.opus"><listeners>3</listeners><stream_start>x</stream_start></source>' +
      '<source mount="/live.opus"><listeners>0</listeners><listenurl>http://h/live.opus</listenurl><max_listeners>unlimited</max_listeners></source></icestats>';
    expect(parseAdminStats(xml)).toEqual({
      serverId: 'Icecast 2.4.4',
      repaired: false,
      mounts: [
        { mount: '/fallback.opus', listeners: 3, sourceLive: true },
        { mount: '/live.opus', listeners: 0, sourceLive: false },
      ],
    });
  });

  it('reads an /admin/stats without sources', () => {
    expect(parseAdminStats('<?xml version="1.0"?>\n<icestats><server_id>Icecast 2.4.4</server_id></icestats>').mounts).toEqual([]);
  });

  it('reads /admin/listclients with one, many and no listeners, relays marked, entities decoded', () => {
    const many = parseListClients(
      listClientsXml('/live.opus', [
        { ip: '10.0.0.1', userAgent: 'VLC/3.0 & friends' },
        { ip: '10.0.0.2', userAgent: 'Icecast 2.4.4' },
        { ip: '10.0.0.3', userAgent: '' },
      ]),
      '/live.opus',
    );
    expect(many.clients).toEqual([
      { id: '10', ip: '10.0.0.1', userAgent: 'VLC/3.0 & friends', relay: false },
      { id: '11', ip: '10.0.0.2', userAgent: 'Icecast 2.4.4', relay: true },
      { id: '12', ip: '10.0.0.3', userAgent: '', relay: false },
    ]);
    expect(parseListClients(listClientsXml('/live.opus', [{ ip: '1.2.3.4', userAgent: '1.0' }]), '/live.opus').clients[0]?.userAgent).toBe(
      '1.0',
    );
    expect(parseListClients(listClientsXml('/live.opus', []), '/live.opus').clients).toEqual([]);
  });

  it('parses a client list of 5000 listeners whose user agents all carry entities', () => {
    const clients = Array.from({ length: 5000 }, (_, index) => ({
      ip: `10.0.${index >> 8}.${index & 255}`,
      userAgent: `Player & Co <${index}>`,
    }));
    expect(parseListClients(listClientsXml('/live.opus', clients), '/live.opus').clients).toHaveLength(5000);
  });

  it('throws a typed error for HTML and for XML that is not Icecast', () => {
    expect(() => parseListClients('<html><b>400 - Source does not exist</b></html>', '/x')).toThrow(StatsParseError);
    expect(() => parseAdminStats('not xml at all <<<')).toThrow(StatsParseError);
  });

  it('recognises relays by their Icecast user agent only', () => {
    expect(isRelayUserAgent('Icecast 2.4.4')).toBe(true);
    expect(isRelayUserAgent('icecast 2.4.0-kh22')).toBe(true);
    expect(isRelayUserAgent('VLC/3.0.18 LibVLC/3.0.18')).toBe(false);
    expect(isRelayUserAgent('Mozilla/5.0 (Icecast player)')).toBe(false);
  });

  it('reads STATS event lines', () => {
    expect(parseStatsEvent('EVENT /live.opus listeners 3')).toEqual({ scope: '/live.opus', key: 'listeners', value: '3' });
    expect(parseStatsEvent('EVENT global server_id Icecast 2.4.4')).toEqual({ scope: 'global', key: 'server_id', value: 'Icecast 2.4.4' });
    expect(parseStatsEvent('EVENT /live.opus null null')).toEqual({ scope: '/live.opus', key: 'null', value: 'null' });
    expect(parseStatsEvent('INFO something')).toBeNull();
  });
});

describe('outlet URLs', () => {
  it('takes credentials out of the URL and never keeps them in the redacted form', () => {
    const target = parseOutletUrl('http://source:s3cr%40t@198.18.0.1:8000/live.opus');
    expect(target).toEqual({
      origin: 'http://198.18.0.1:8000',
      mount: '/live.opus',
      authorization: `Basic ${Buffer.from('source:s3cr@t').toString('base64')}`,
      redacted: 'http://198.18.0.1:8000/live.opus',
    });
    expect(parseOutletUrl('http://198.18.0.1:8000/live.opus').authorization).toBeNull();
  });

  it('refuses what cannot be polled, with a message that shows no password', () => {
    for (const bad of ['not a url with pw:hunter2@', 'ftp://u:hunter2@host/live.opus', 'http://u:hunter2@host:8000/']) {
      expect(() => parseOutletUrl(bad)).toThrow(OutletUrlError);
      try {
        parseOutletUrl(bad);
      } catch (error) {
        expect((error as Error).message).not.toContain('hunter2');
      }
    }
  });
});
