/*
 * Types for janode 1.8's TextRoom plugin as Steadycast uses it (checked against
 * node_modules/janode/src/plugins/textroom-plugin.js). Joining and messaging go over the data
 * channel itself (Janus 1.1 answers "Unknown request" to them on the Janus API); setup, ack,
 * announcements and room management go over the Janus API.
 */
declare module 'janode/plugins/textroom' {
  import type { JanodeHandle, JanodeSession } from 'janode';

  export interface TextRoomJsep {
    type: 'offer' | 'answer';
    sdp: string;
    trickle?: boolean;
  }

  export interface TextRoomHandle extends JanodeHandle {
    session: JanodeSession;
    /** Janus offers the data channel PeerConnection. */
    setup(): Promise<{ jsep?: TextRoomJsep }>;
    /** Completes the setup with our answer. */
    ack(jsep: TextRoomJsep): Promise<Record<string, unknown>>;
    exists(params: { room: number }): Promise<{ room: number; exists: boolean }>;
    allow(params: {
      room: number;
      action: 'enable' | 'disable' | 'add' | 'remove';
      list?: string[];
      secret?: string;
    }): Promise<Record<string, unknown>>;
    announcement(params: { room: number; text: string; secret?: string }): Promise<Record<string, unknown>>;
    kick(params: { room: number; username: string; secret?: string }): Promise<Record<string, unknown>>;
    /** janode's generic plugin message (used for `create` with an `allowed` list). */
    message(body: Record<string, unknown>, jsep?: TextRoomJsep | null): Promise<Record<string, unknown>>;
  }

  const TextRoomPlugin: {
    id: 'janus.plugin.textroom';
    Handle: new (session: JanodeSession, id: number) => TextRoomHandle;
    EVENT: Record<string, string>;
  };
  export default TextRoomPlugin;
}
