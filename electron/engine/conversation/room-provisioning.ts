import type { BackupRoomStatus } from '../../shared/conversation';
import type { EndpointName } from '../../shared/state';
import type { Clock } from '../clock';
import type { EngineConfig } from '../config';
import { EngineCommandError } from '../engine-errors';
import type { CreateRoomRequest } from '../janus/audiobridge-room';
import type { Logger } from '../log/logger';
import { hostTarget, roomEndpoints, type RoomTarget } from './room-target';
import { describeError } from '../../shared/describe-error';

/** One endpoint's server as provisioning uses it: its AudioBridge room and the space channel's TextRoom beside it. */
export interface RoomServer {
  /** Creates the AudioBridge room, or sets the allowed list of the one there; true when created. */
  createRoom(request: CreateRoomRequest): Promise<boolean>;
  /** Creates the TextRoom with the same id, secret, PIN and allowed tokens (or adds the tokens to it). */
  createChannelRoom(request: CreateRoomRequest): Promise<void>;
  allowTokens(room: number, secret: string, action: 'add' | 'remove', tokens: readonly string[]): Promise<void>;
  allowChannelTokens(room: number, secret: string, action: 'add' | 'remove', tokens: readonly string[]): Promise<void>;
}

/** Opens a moderator's session on a target's server for `run` and closes it after (or reuses the one the conversation is in). */
export type RoomServerOpener = <T>(target: RoomTarget, run: (server: RoomServer) => Promise<T>) => Promise<T>;

/**
 * The host's rooms on both endpoints: created (or checked) with the allowed tokens, the backup
 * room prepared beside the join so a move finds it ready, and invite tokens added and removed.
 */
export class RoomProvisioning {
  private backup: BackupRoomStatus = { status: 'none' };

  constructor(
    private readonly options: {
      readonly config: EngineConfig;
      readonly clock: Clock;
      readonly logger: Logger;
      /** The host's own token (allowed in every room). */
      readonly hostToken: string;
      /** Every token the rooms allow: the host's and the invites'. */
      readonly allowedTokens: () => string[];
      readonly openServer: RoomServerOpener;
      /** Called after every change of the backup room's status. */
      readonly onChange: () => void;
    },
  ) {}

  /** The backup room as this engine prepares it. */
  get backupRoom(): BackupRoomStatus {
    return this.backup;
  }

  /** What creating `target`'s rooms asks the server (the allowed list is the whole current one). */
  createRequest(target: RoomTarget): CreateRoomRequest {
    return {
      room: target.room,
      secret: target.secret ?? '',
      pin: target.pin,
      description: this.options.config.space.name,
      allowed: this.options.allowedTokens(),
      adminKey: target.adminKey,
    };
  }

  /** Creates (or checks) the space's rooms on both endpoints with the allowed tokens. */
  async provision(): Promise<{ endpoint: EndpointName; room: string; created: boolean }[]> {
    const results: { endpoint: EndpointName; room: string; created: boolean }[] = [];
    const endpoints = roomEndpoints(this.options.config);
    if (endpoints.length === 0) {
      throw new EngineCommandError(
        'No conversation room is configured: add janus.room { id, secret } to the primary (and backup) endpoint in the space settings.',
      );
    }
    for (const endpoint of endpoints) {
      const target = hostTarget(this.options.config, endpoint, this.options.hostToken, () => this.options.clock.now());
      if (endpoint === 'backup') this.setBackup({ status: 'preparing', since: this.options.clock.now() });
      try {
        const created = await this.provisionOne(endpoint);
        results.push({ endpoint, room: String(target.room), created });
      } catch (error) {
        if (endpoint === 'backup')
          this.setBackup({
            status: 'failed',
            at: this.options.clock.now(),
            reason: `The backup room could not be prepared: ${describeError(error)}`.slice(0, 500),
          });
        throw error;
      }
      if (endpoint === 'backup') this.setBackup({ status: 'ready', at: this.options.clock.now() });
    }
    return results;
  }

  /** Creates (or checks) the backup room, showing how it went; never throws. */
  async prepareBackup(): Promise<void> {
    if (this.options.config.space.backup?.janus.room === undefined) return;
    if (this.backup.status === 'preparing') return;
    this.setBackup({ status: 'preparing', since: this.options.clock.now() });
    try {
      await this.provisionOne('backup');
      this.setBackup({ status: 'ready', at: this.options.clock.now() });
    } catch (error) {
      const reason = `The backup room could not be prepared: ${describeError(error)} A move to the backup would have to create it then; check the backup Janus, then prepare it again.`;
      this.options.logger.warn(reason);
      this.setBackup({ status: 'failed', at: this.options.clock.now(), reason: reason.slice(0, 500) });
    }
  }

  /** Adds (or removes) invite tokens in the allowed lists of every configured room (audio room and space channel). */
  async updateAllowed(action: 'add' | 'remove', tokens: readonly string[]): Promise<void> {
    if (tokens.length === 0) return;
    const failures: string[] = [];
    for (const endpoint of roomEndpoints(this.options.config)) {
      const target = hostTarget(this.options.config, endpoint, this.options.hostToken, () => this.options.clock.now());
      try {
        await this.options.openServer(target, async (server) => {
          await server.allowTokens(target.room, target.secret ?? '', action, tokens);
          if (action === 'add') await server.createChannelRoom({ ...this.createRequest(target), allowed: tokens });
          else await server.allowChannelTokens(target.room, target.secret ?? '', 'remove', tokens);
        });
      } catch (error) {
        failures.push(`${endpoint}: ${describeError(error)}`);
      }
    }
    if (failures.length > 0) {
      throw new EngineCommandError(
        `Could not ${action === 'add' ? 'allow' : 'remove'} the invite in every room (${failures.join('; ')}). Check that the Janus servers are reachable, then try again.`,
      );
    }
  }

  /** Creates one endpoint's rooms (or updates their allowed lists); true when created. */
  private async provisionOne(endpoint: EndpointName): Promise<boolean> {
    const target = hostTarget(this.options.config, endpoint, this.options.hostToken, () => this.options.clock.now());
    const created = await this.options.openServer(target, async (server) => {
      const request = this.createRequest(target);
      const made = await server.createRoom(request);
      await server.createChannelRoom(request);
      return made;
    });
    this.options.logger.info(
      `${endpoint} room ${target.room} ${created ? 'created' : 'already existed'}; allowed list set (audio room and space channel)`,
    );
    return created;
  }

  private setBackup(status: BackupRoomStatus): void {
    this.backup = status;
    this.options.onChange();
  }
}
