import type { EventPayload } from '../../electron/shared/contract';
import type { InvitePreview, InviteSummary } from '../../electron/shared/conversation';
import { IDLE_REQUEST, runRequest, type Request } from './request';
import { isInRoom } from './room-slice';
import type { AppSlice, StoreDeps } from './store-types';
import { assertNever } from '../../electron/shared/assert-never';

/*
 * Invites: the host's list (create, revoke), the check of an invite before joining with it, and
 * an invite link opened outside the app (`steadycast://join/…`, handed over by the desktop app).
 */

/** An invite link opened outside the app and what became of it. */
export type OpenedInvite =
  /** In the join-by-invite form, and checked with `invites:preview`. */
  | { status: 'prefilled'; link: string }
  /** Not used: this window is in a room (or joining one). */
  | { status: 'not-used'; message: string }
  /** The link opened is not an invite. */
  | { status: 'invalid'; message: string };

/** An invite just created, with the code and link shown once. */
export interface CreatedInvite {
  invite: InviteSummary;
  code: string;
  link: string;
}

/** The invites part of the store. */
export interface InvitesSlice {
  /** The invite being checked before joining (done: what the engine says it is). */
  invitePreview: Request<InvitePreview>;
  /** The host's invites, newest created first, and the last one created. */
  invites: { items: InviteSummary[]; lastCreated: CreatedInvite | null };
  /** The last request about the host's invites (create, list, revoke). */
  inviteRequest: Request;
  /** The invite link last opened outside the app; null when none, or once another invite is checked. */
  openedInvite: OpenedInvite | null;
  previewInvite(input: string): Promise<void>;
  /** `invites:opened`: outside a room, prefills the invite form and checks the link; in a room, says it was not used. */
  receiveOpenedInvite(opened: EventPayload<'invites:opened'>): void;
  createInvite(role: 'cohost' | 'producer', label: string, expiresInMinutes: number): Promise<void>;
  loadInvites(): Promise<void>;
  revokeInvite(id: string, removeParticipants: boolean): Promise<void>;
}

const IN_ROOM = 'The invite link you opened was not used: you are in a room. Leave the room, then open the invite link again.';

/** Creates the invites slice. */
export function createInvitesSlice(deps: Pick<StoreDeps, 'bridge'>): AppSlice<InvitesSlice> {
  return (set, get) => {
    const bridge = deps.bridge.api;
    /** Only the latest check may answer: an older one that ends later is dropped. */
    let previewRequest = 0;

    /** One request about the host's invites; its failure reads "Could not <what>: …". Several may run at once. */
    const inviteRequest = (what: string, send: () => Promise<void>): Promise<unknown> =>
      runRequest(
        {
          read: () => get().inviteRequest,
          write: (request) => set({ inviteRequest: request }),
          failure: (reason) => `Could not ${what}: ${reason}`,
          repeatable: true,
        },
        send,
      );

    return {
      invitePreview: IDLE_REQUEST,
      invites: { items: [], lastCreated: null },
      inviteRequest: IDLE_REQUEST,
      openedInvite: null,

      async previewInvite(input) {
        const request = ++previewRequest;
        const invite = input.trim();
        const opened = get().openedInvite;
        // Checking another invite ends what the last opened link said.
        if (opened && !(opened.status === 'prefilled' && opened.link === invite)) set({ openedInvite: null });
        if (invite === '') {
          set({ invitePreview: IDLE_REQUEST });
          return;
        }
        await runRequest(
          {
            read: () => get().invitePreview,
            write: (invitePreview) => {
              if (request === previewRequest) set({ invitePreview });
            },
            // A newer input is checked at once, whatever the older check is doing.
            repeatable: true,
          },
          () => bridge.invoke('invites:preview', { invite }),
        );
      },

      receiveOpenedInvite(opened) {
        switch (opened.kind) {
          case 'not-an-invite':
            set({ openedInvite: { status: 'invalid', message: opened.problem } });
            return;
          case 'invite':
            if (isInRoom(get().conversation) || get().joinStatus.status === 'joining') {
              set({ openedInvite: { status: 'not-used', message: IN_ROOM } });
              return;
            }
            set({ openedInvite: { status: 'prefilled', link: opened.link } });
            void get().previewInvite(opened.link);
            return;
          default:
            assertNever(opened);
        }
      },

      async createInvite(role, label, expiresInMinutes) {
        await inviteRequest('create the invite', async () => {
          const created = await bridge.invoke('invites:create', { role, label, expiresInMinutes });
          set((current) => ({
            invites: {
              items: [created.invite, ...current.invites.items.filter((item) => item.id !== created.invite.id)],
              lastCreated: created,
            },
          }));
        });
      },

      async loadInvites() {
        await inviteRequest('load the invites', async () => {
          const { invites } = await bridge.invoke('invites:list', {});
          set((current) => ({ invites: { ...current.invites, items: invites } }));
        });
      },

      async revokeInvite(id, removeParticipants) {
        await inviteRequest('revoke the invite', async () => {
          const { invite } = await bridge.invoke('invites:revoke', { id, removeParticipants });
          set((current) => ({
            invites: {
              items: current.invites.items.map((item) => (item.id === invite.id ? invite : item)),
              lastCreated: current.invites.lastCreated?.invite.id === invite.id ? null : current.invites.lastCreated,
            },
          }));
        });
      },
    };
  };
}
