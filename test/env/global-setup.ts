import type { TestProject } from 'vitest/node';
import { describeServers, startServers, type ServersInfo } from './servers';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Janus and Icecast started once for the integration project (see test/env/servers.ts). */
    servers: ServersInfo;
  }
}

/** Vitest globalSetup: starts one Janus and one Icecast for the run, provides them as `inject('servers')`, stops them after. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = await startServers();
  project.provide('servers', describeServers(servers));
  return async () => {
    await servers.stop();
  };
}
