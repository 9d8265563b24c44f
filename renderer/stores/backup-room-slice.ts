import { IDLE_REQUEST, runRequest, type Request } from './request';
import type { AppSlice, StoreDeps } from './store-types';

/** The host's "prepare the backup room again" (how it went is the engine's `backupRoom`; this is the request itself). */
export interface BackupRoomSlice {
  backupRoomRequest: Request;
  /** space:provision: the host creates (or checks) the rooms again, the backup's included; ignored while one is in flight. */
  prepareBackupRoom: () => Promise<void>;
}

/** Creates the backup room slice. */
export function createBackupRoomSlice(deps: Pick<StoreDeps, 'bridge'>): AppSlice<BackupRoomSlice> {
  return (set, get) => ({
    backupRoomRequest: IDLE_REQUEST,

    async prepareBackupRoom() {
      await runRequest(
        {
          read: () => get().backupRoomRequest,
          write: (backupRoomRequest) => set({ backupRoomRequest }),
          // A refusal of the backup is in the engine's backupRoom; this says why the request itself failed.
          failure: (reason) => `Could not prepare the rooms: ${reason}`,
        },
        async () => {
          await deps.bridge.api.invoke('space:provision', {});
        },
      );
    },
  });
}
