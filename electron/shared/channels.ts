/*
 * The channel names of the contract, without their schemas. The sandboxed preload needs only these
 * (it must not bundle zod); contract.ts builds its schemas on the same lists and the compiler
 * checks that both name exactly the same channels.
 */

/** Every command channel of the contract, `domain:verb`. */
export const COMMAND_CHANNELS = [
  'engine:get-state',
  'engine:ping',
  'servers:check',
  'log:get-recent',
  'log:write',
  'broadcast:retry-output',
  'recording:reveal',
  'broadcast:start',
  'broadcast:stop',
  'listeners:get',
  'listeners:get-history',
  'space:provision',
  'conversation:join',
  'conversation:offer',
  'conversation:leave',
  'conversation:set-muted',
  'conversation:report-media',
  'invites:create',
  'invites:list',
  'invites:revoke',
  'invites:preview',
  'moderation:set-muted',
  'moderation:remove',
  'moderation:mute-all',
  'conversation:report-mic',
  'moderation:request-speak',
  'moderation:answer-request',
  'moderation:set-auto-mute',
  'failover:switch',
  'failover:set-auto-return',
  'failover:listen-link',
  'settings:get',
  'settings:save-space',
  'settings:duplicate-space',
  'settings:delete-space',
  'settings:save-general',
  'settings:use-space',
  'preflight:network',
  'preflight:uplink',
  'practice:start',
  'practice:simulate-failure',
] as const;
/** Every event channel of the contract, `domain:verb`. */
export const EVENT_CHANNELS = [
  'engine:state',
  'engine:pong',
  'servers:probed',
  'log:entry',
  'broadcast:meters',
  'broadcast:notice',
  'listeners:update',
  'invites:opened',
  'conversation:mic-levels',
  'failover:moving',
] as const;

/** The name of a command of the contract. */
export type CommandChannel = (typeof COMMAND_CHANNELS)[number];
/** The name of an event of the contract. */
export type EventChannel = (typeof EVENT_CHANNELS)[number];

const commandChannelSet: ReadonlySet<string> = new Set(COMMAND_CHANNELS);
const eventChannelSet: ReadonlySet<string> = new Set(EVENT_CHANNELS);

/** True when `channel` names a command of the contract. */
export function isCommandChannel(channel: unknown): channel is CommandChannel {
  return typeof channel === 'string' && commandChannelSet.has(channel);
}

/** True when `channel` names an event of the contract. */
export function isEventChannel(channel: unknown): channel is EventChannel {
  return typeof channel === 'string' && eventChannelSet.has(channel);
}
