import { describe, expect, it } from 'vitest';
import {
  createDeepLinkInbox,
  deepLinkFromArgv,
  MAX_PENDING_LINKS,
  NOT_AN_INVITE_LINK,
  parseDeepLink,
  type OpenedLink,
} from '../../../electron/main/deep-link';
import { createLogger, type LogRecord } from '../../../electron/engine/log/logger';
import { eventSchemas } from '../../../electron/shared/contract';
import { MAX_INVITE_CODE_LENGTH } from '../../../electron/shared/conversation';

/** Shaped like a real code (the engine checks it; main only recognises the link). */
const CODE = 'sc1.eyJ0b2tlbiI6InRvcC1zZWNyZXQifQ.Xy9_ab-CdE0';
const LINK = `steadycast://join/${CODE}`;
const invite = (link = LINK): OpenedLink => ({ kind: 'invite', link });

describe('deep links: one URL', () => {
  it('recognises a join link and keeps the code exactly (its case too)', () => {
    expect(parseDeepLink(LINK)).toEqual(invite());
  });

  it('accepts what launchers and shells add: a trailing slash, quotes, spaces, an upper-case scheme, other slash counts', () => {
    for (const shape of [
      `${LINK}/`,
      `${LINK}//`,
      `"${LINK}"`,
      `'${LINK}/'`,
      `  ${LINK}\n`,
      `STEADYCAST://JOIN/${CODE}`,
      `steadycast:join/${CODE}`,
      `steadycast:///join/${CODE}`,
    ]) {
      expect(parseDeepLink(shape), shape).toEqual(invite());
    }
  });

  it('is not concerned with anything that is not a steadycast: link', () => {
    for (const other of [
      'https://example.org/join/abc',
      '/opt/Steadycast/steadycast',
      '.',
      'C:\\Program Files\\Steadycast\\Steadycast.exe',
      '',
      'steadycastjoin/abc',
    ]) {
      expect(parseDeepLink(other), other).toBeNull();
    }
  });

  it('calls every other steadycast: link not an invite, without repeating the link', () => {
    for (const other of [
      'steadycast://',
      'steadycast:',
      'steadycast://listen/abc',
      'steadycast://joinx/abc',
      'steadycast://join/abc/def',
      'steadycast://settings',
    ]) {
      const opened = parseDeepLink(other);
      expect(opened, other).toEqual({ kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK });
    }
    expect(NOT_AN_INVITE_LINK).toMatch(/^This link is not a Steadycast invite/);
  });

  it('says a join link without a code, or a link longer than any invite, cannot be used', () => {
    expect(parseDeepLink('steadycast://join/')).toMatchObject({
      kind: 'not-an-invite',
      problem: expect.stringMatching(/no invite code/) as unknown,
    });
    expect(parseDeepLink('steadycast://join')).toMatchObject({
      kind: 'not-an-invite',
      problem: expect.stringMatching(/no invite code/) as unknown,
    });
    expect(parseDeepLink(`steadycast://join/${'a'.repeat(MAX_INVITE_CODE_LENGTH)}`)).toMatchObject({
      kind: 'not-an-invite',
      problem: expect.stringMatching(/longer than any/) as unknown,
    });
  });

  it('gives only payloads the contract accepts for invites:opened', () => {
    for (const shape of [LINK, 'steadycast://listen/x', 'steadycast://join/', `steadycast://join/${'a'.repeat(5000)}`]) {
      expect(eventSchemas['invites:opened'].safeParse(parseDeepLink(shape)).success, shape).toBe(true);
    }
  });
});

describe('deep links: command lines', () => {
  it('finds the link of a Windows first launch among the switches Chromium adds', () => {
    expect(deepLinkFromArgv(['C:\\Program Files\\Steadycast\\Steadycast.exe', LINK])).toEqual(invite());
    expect(
      deepLinkFromArgv([
        'C:\\Program Files\\Steadycast\\Steadycast.exe',
        '--allow-file-access-from-files',
        '--original-process-start-time=13371337',
        `"${LINK}/"`,
      ]),
    ).toEqual(invite());
  });

  it('finds the link in a Windows development launch (electron.exe, the app path, then the link)', () => {
    expect(deepLinkFromArgv(['C:\\dev\\node_modules\\electron\\dist\\electron.exe', 'C:\\dev\\steadycast', LINK])).toEqual(invite());
  });

  it('finds the link of a Linux launch (the .desktop file passes %U)', () => {
    expect(deepLinkFromArgv(['/opt/Steadycast/steadycast', '--no-sandbox', LINK])).toEqual(invite());
    expect(deepLinkFromArgv(['/tmp/.mount_Steady/steadycast', LINK, '--enable-features=UseOzonePlatform'])).toEqual(invite());
  });

  it('finds the link of a second launch (second-instance argv), switches inserted before it', () => {
    const argv = [
      'C:\\Program Files\\Steadycast\\Steadycast.exe',
      '--allow-file-access-from-files',
      '--secure-schemes=steadycast',
      '--',
      LINK,
    ];
    expect(deepLinkFromArgv(argv)).toEqual(invite());
  });

  it('has nothing for a launch without a link, and reports a steadycast: argument that is not an invite', () => {
    expect(deepLinkFromArgv(['/opt/Steadycast/steadycast'])).toBeNull();
    expect(deepLinkFromArgv(['/opt/Steadycast/steadycast', '--inspect', '.'])).toBeNull();
    expect(deepLinkFromArgv([])).toBeNull();
    expect(deepLinkFromArgv(['/opt/Steadycast/steadycast', 'steadycast://host/now'])).toEqual({
      kind: 'not-an-invite',
      problem: NOT_AN_INVITE_LINK,
    });
  });

  it('ignores a link hidden inside a switch', () => {
    expect(deepLinkFromArgv(['/opt/Steadycast/steadycast', `--user-data-dir=${LINK}`])).toBeNull();
  });
});

describe('deep links: waiting for the window', () => {
  function inbox(): {
    inbox: ReturnType<typeof createDeepLinkInbox>;
    delivered: OpenedLink[];
    ready: (value: boolean) => void;
    logs: LogRecord[];
  } {
    const delivered: OpenedLink[] = [];
    const logs: LogRecord[] = [];
    let isReady = false;
    const logger = createLogger('deep-link');
    const capture = { ...logger, info: (message: string) => logs.push({ at: 0, level: 'info', scope: 'deep-link', message }) };
    return {
      inbox: createDeepLinkInbox(() => (isReady ? (opened) => delivered.push(opened) : null), capture),
      delivered,
      ready: (value) => {
        isReady = value;
      },
      logs,
    };
  }

  it('keeps a link that arrives before the window is ready (macOS open-url before ready), and delivers it on flush', () => {
    const { inbox: links, delivered, ready } = inbox();
    links.receive(invite(), 'open-url');
    links.flush();
    expect(delivered).toEqual([]);
    expect(links.pending()).toBe(1);
    ready(true);
    links.flush();
    expect(delivered).toEqual([invite()]);
    expect(links.pending()).toBe(0);
  });

  it('delivers at once while the window is ready (open-url after ready, second launch while running)', () => {
    const { inbox: links, delivered, ready } = inbox();
    ready(true);
    links.receive(invite(), 'open-url');
    links.receive({ kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK }, 'second-launch');
    expect(delivered).toEqual([invite(), { kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK }]);
  });

  it(`keeps the latest ${MAX_PENDING_LINKS} links of a burst, oldest first`, () => {
    const { inbox: links, delivered, ready } = inbox();
    for (let index = 0; index < MAX_PENDING_LINKS + 3; index += 1) links.receive(invite(`${LINK}${index}`), 'launch');
    ready(true);
    links.flush();
    expect(delivered.map((opened) => (opened.kind === 'invite' ? opened.link.slice(-1) : ''))).toEqual(['3', '4', '5', '6', '7']);
  });

  it('logs that a link arrived and where from, never the link or its code', () => {
    const { inbox: links, logs } = inbox();
    links.receive(invite(), 'second-launch');
    links.receive({ kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK }, 'open-url');
    expect(logs.map((record) => record.message)).toEqual([
      'an invite link arrived (second-launch)',
      'a steadycast: link that is not an invite arrived (open-url)',
    ]);
    expect(JSON.stringify(logs)).not.toContain(CODE.slice(4, 20));
  });
});
