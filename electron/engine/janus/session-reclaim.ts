import Janode, { type JanodeConnection, type JanodeHandle, type JanodeSession } from 'janode';

/*
 * The one place that reaches into janode's internals. janode 1.8 drops every session when its
 * WebSocket closes unexpectedly and never sends Janus's `claim`, although Janus keeps the session
 * (and the participant's PeerConnection) for `reclaim_session_timeout` seconds. This adapter
 * rebuilds janode's own Session and Handle objects for the ids that survived on the server:
 *
 *   new Session(connection, id) ─ registered in connection._sessions ─► session.sendRequest({ janus: 'claim' })
 *   new Handle(session, handleId) ─ registered in session._handles ─► events route to it again
 *
 * janode routes an incoming message by session id, then by sender (handle id), so the objects must
 * be registered before `claim` goes out: Janus's answer carries the session id.
 */

/** The parts of janode's Connection this adapter relies on (checked against janode 1.8.0). */
interface ConnectionInternals {
  _sessions: Map<number, JanodeSession>;
  setMaxListeners(n: number): unknown;
  getMaxListeners(): number;
}

/** The parts of janode's Session this adapter relies on. */
interface SessionInternals {
  _handles: Map<number, JanodeHandle>;
  _signalDestroy(): void;
  sendRequest(request: Record<string, unknown>): Promise<Record<string, unknown>>;
  setMaxListeners(n: number): unknown;
  getMaxListeners(): number;
}

/** janode's Session class, as a constructor (janode does not export it; every session instance has it). */
export type SessionClass = new (connection: JanodeConnection, id: number, keepaliveSeconds?: number) => JanodeSession;

/** The Session class of a session janode created. */
export function sessionClassOf(session: JanodeSession): SessionClass {
  return session.constructor as SessionClass;
}

/**
 * Claims the Janus session `sessionId` over `connection` (a new transport); resolves with a janode
 * session that owns it and sends keepalives every `keepaliveSeconds`. Rejects with Janus's error
 * (e.g. `458 No such session`) when the server no longer has it.
 */
export async function claimSession(
  connection: JanodeConnection,
  SessionCtor: SessionClass,
  sessionId: number,
  keepaliveSeconds: number,
): Promise<JanodeSession> {
  const session = new SessionCtor(connection, sessionId, keepaliveSeconds);
  const connectionInternals = connection as unknown as ConnectionInternals;
  const sessionInternals = session as unknown as SessionInternals;
  register(
    connectionInternals,
    connectionInternals._sessions,
    sessionId,
    session,
    2,
    Janode.EVENT.SESSION_DESTROYED ?? 'session_destroyed',
  );
  try {
    await sessionInternals.sendRequest({ janus: 'claim' });
  } catch (error) {
    sessionInternals._signalDestroy();
    throw error;
  }
  return session;
}

/** Rebuilds a plugin handle (`Handle` is the plugin descriptor's class) for `handleId` on a claimed session. */
export function reattachHandle<H extends JanodeHandle>(
  session: JanodeSession,
  HandleCtor: new (session: JanodeSession, id: number) => H,
  handleId: number,
): H {
  const handle = new HandleCtor(session, handleId);
  const sessionInternals = session as unknown as SessionInternals;
  register(sessionInternals, sessionInternals._handles, handleId, handle, 1, Janode.EVENT.HANDLE_DETACHED ?? 'handle_detached');
  return handle;
}

/**
 * Puts `child` in its owner's table as janode itself does (and raises the owner's listener limit by
 * the listeners the child adds to it), and takes it out again when the child emits `goneEvent`.
 */
function register<T extends JanodeSession | JanodeHandle>(
  owner: { setMaxListeners(n: number): unknown; getMaxListeners(): number },
  table: Map<number, T>,
  id: number,
  child: T,
  listeners: number,
  goneEvent: string,
): void {
  table.set(id, child);
  owner.setMaxListeners(owner.getMaxListeners() + listeners);
  child.once(goneEvent, () => {
    table.delete(id);
    owner.setMaxListeners(Math.max(0, owner.getMaxListeners() - listeners));
  });
}
