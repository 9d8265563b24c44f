/*
 * Types for the part of janode (Meetecho's Janus adapter, plain JavaScript) that Steadycast uses.
 * Checked against janode 1.8.0's sources; extend as more of it is used.
 */
declare module 'janode' {
  import type { EventEmitter } from 'node:events';

  export interface JanodeServerAddress {
    url: string;
    apisecret?: string;
    /** Janus core token, sent on every request of the connection (janode connection.js `_decorateRequest`). */
    token?: string;
  }

  export interface JanodeConfig {
    address: JanodeServerAddress | JanodeServerAddress[];
    retry_time_secs?: number;
    max_retries?: number;
    is_admin?: boolean;
    ws_options?: Record<string, unknown>;
  }

  export interface JanusServerInfo {
    janus: 'server_info';
    name: string;
    version: number;
    version_string: string;
    plugins: Record<string, { name: string; version_string: string }>;
    transports: Record<string, { name: string; version_string: string }>;
    [key: string]: unknown;
  }

  export interface JanodeHandle extends EventEmitter {
    id: number;
    detach(): Promise<void>;
    [key: string]: unknown;
  }

  export interface JanodeSession extends EventEmitter {
    id: number;
    attach<H extends JanodeHandle = JanodeHandle>(descriptor: unknown): Promise<H>;
    destroy(): Promise<void>;
  }

  export interface JanodeConnection extends EventEmitter {
    create(keepaliveIntervalSeconds?: number): Promise<JanodeSession>;
    getInfo(): Promise<JanusServerInfo>;
    close(): Promise<void>;
    sendRequest(request: Record<string, unknown>): Promise<Record<string, unknown>>;
  }

  export interface JanodeLogger {
    setLevel(level: 'none' | 'error' | 'warning' | 'info' | 'verbose' | 'debug'): string;
  }

  const Janode: {
    connect(config: JanodeConfig): Promise<JanodeConnection>;
    Logger: JanodeLogger;
    EVENT: Record<string, string>;
  };
  export default Janode;
}
