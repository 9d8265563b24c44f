import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { JoinInviteForm } from '../../../../renderer/features/conversation/join-invite-form';
import { createAppStore } from '../../../../renderer/stores/app-store';
import { FakeBridge } from '../../../fakes/fake-bridge';
import { render, settle } from '../../../support/renderer-test-support';

/*
 * Issue 19: the invite preview names the server(s) the invite leads to, so a forged invite to
 * someone else's Janus shows a name the host never gave (engine side: invites.test.ts previewOf).
 */

const LINK = 'steadycast://join/sc1.eyJ0b2tlbiI6InRvcC1zZWNyZXQifQ.Xy9_ab-CdE0';

describe('invite preview', () => {
  it('names the Janus server of the primary and the backup, and says when one is not encrypted', async () => {
    const bridge = new FakeBridge();
    bridge.handle('invites:preview', () => ({
      id: 'inv-1',
      space: 'Launch night',
      role: 'cohost',
      expiresAt: Date.now() + 3_600_000,
      endpoints: ['primary', 'backup'],
      servers: [
        { endpoint: 'primary', janus: 'janus-a.example.org:8989', secure: true },
        { endpoint: 'backup', janus: '198.51.100.7:8188', secure: false },
      ],
    }));
    const store = createAppStore({ now: () => 0, randomNonce: () => 'nonce', setTimer: () => () => undefined, bridge: bridge.binding() });
    await settle();
    bridge.emit('invites:opened', { kind: 'invite', link: LINK });
    await settle();
    const html = render(store, createElement(JoinInviteForm));
    expect(html).toMatch(
      /data-testid="invite-server-primary"[^>]*>.*Primary: <span class="num">janus-a\.example\.org:8989<\/span><\/span>/s,
    );
    expect(html).toMatch(
      /data-testid="invite-server-backup"[^>]*>.*Backup: <span class="num">198\.51\.100\.7:8188<\/span> \(not encrypted\)/s,
    );
  });
});
