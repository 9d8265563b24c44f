import type { ServerProbe } from '../../electron/shared/state';
import type { EndpointConfig } from '../../electron/engine/config';
import type { ServerProber } from '../../electron/engine/servers/prober';

/** A prober that answers from a table and records every call; for engine tests without servers. */
export class FakeProber implements ServerProber {
  readonly calls: { kind: 'janus' | 'icecast'; url: string }[] = [];

  constructor(
    private readonly answers: { janus?: ServerProbe; icecast?: ServerProbe } = {},
    private readonly now: () => number = () => 0,
  ) {}

  probeJanus(janus: EndpointConfig['janus']): Promise<ServerProbe> {
    this.calls.push({ kind: 'janus', url: janus.url });
    return Promise.resolve(
      this.answers.janus ?? { status: 'reachable', checkedAt: this.now(), roundTripMs: 3, serverVersion: 'Janus (fake) 0.0.0' },
    );
  }

  probeIcecast(icecast: EndpointConfig['icecast']): Promise<ServerProbe> {
    this.calls.push({ kind: 'icecast', url: icecast.mountUrl });
    return Promise.resolve(
      this.answers.icecast ?? { status: 'reachable', checkedAt: this.now(), roundTripMs: 2, serverVersion: 'Icecast (fake) 0.0.0' },
    );
  }
}
