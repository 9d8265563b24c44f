import type { JoinStep, Role } from '../../shared/conversation';
import type { EndpointName } from '../../shared/state';
import type { EndpointConfig, EngineConfig } from '../config';
import { EngineCommandError } from '../engine-errors';
import type { InvitePayload } from '../invites/invite-code';
import { HOST_TOKEN_MS, signJanusToken } from '../janus/janus-token';

/** Where and how to join one endpoint's room (a plain value the conversation's parts share). */
export interface RoomTarget {
  readonly endpoint: EndpointName;
  readonly janusUrl: string;
  readonly apiSecret?: string | undefined;
  /** Janus core's signed token for each new connection (the host mints a fresh one; an invite carries one). */
  readonly janusToken?: (() => string | undefined) | undefined;
  readonly room: number;
  readonly pin?: string | undefined;
  readonly token?: string | undefined;
  /** Room secret: the host's and a producer's moderation. */
  readonly secret?: string | undefined;
  /** The AudioBridge admin key for creating rooms (the host's own config only). */
  readonly adminKey?: string | undefined;
}

/** The host's target on `endpoint`, from the space's own configuration; `now` dates the host's Janus tokens. */
export function hostTarget(config: EngineConfig, endpoint: EndpointName, token: string, now: () => number): RoomTarget {
  const space: EndpointConfig | undefined = config.space[endpoint];
  const room = space?.janus.room;
  if (space === undefined || room === undefined) {
    throw new EngineCommandError(
      `The ${endpoint} endpoint has no conversation room: add janus.room { id, secret } to it in the space settings.`,
    );
  }
  const tokenSecret = space.janus.tokenSecret;
  const janusToken = tokenSecret === undefined ? undefined : () => signJanusToken(tokenSecret, now() + HOST_TOKEN_MS);
  return {
    endpoint,
    janusUrl: space.janus.url,
    apiSecret: space.janus.apiSecret,
    janusToken,
    adminKey: space.janus.adminKey,
    room: room.id,
    pin: room.pin,
    token,
    secret: room.secret,
  };
}

/** An invitee's target on `name`, from its invite. */
export function inviteTarget(invite: InvitePayload, name: EndpointName = 'primary'): RoomTarget {
  const endpoint = invite.endpoints[name];
  if (endpoint === undefined) throw new EngineCommandError(`The invite has no ${name} room: ask the host for a new invite.`);
  const janusToken = endpoint.janusToken;
  return {
    endpoint: name,
    janusUrl: endpoint.janusUrl,
    janusToken: janusToken === undefined ? undefined : () => janusToken,
    room: endpoint.room,
    pin: endpoint.pin,
    token: invite.token,
  };
}

/** The endpoints of the space that have a conversation room. */
export function roomEndpoints(config: EngineConfig): EndpointName[] {
  return (['primary', 'backup'] as const).filter((name) => config.space[name]?.janus.room !== undefined);
}

/** True when joining `target` opens the room first: the host, with the room secret. */
export function opensRoom(role: Role | null, target: RoomTarget): boolean {
  return role === 'host' && target.secret !== undefined;
}

/** The steps of joining `target`, starting at the first. */
export function joinSteps(role: Role | null, target: RoomTarget): { steps: JoinStep[]; step: JoinStep } {
  return { steps: opensRoom(role, target) ? ['server', 'room', 'seat'] : ['server', 'seat'], step: 'server' };
}
