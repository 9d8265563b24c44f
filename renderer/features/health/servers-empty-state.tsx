import type { ReactNode } from 'react';
import { ServerIcon } from '../../components/icons';

/** What to do when the engine runs without any configured endpoint. */
export function ServersEmptyState(): ReactNode {
  return (
    <div className="servers-empty">
      <div className="servers-empty__icon" aria-hidden="true">
        <ServerIcon />
      </div>
      <div className="servers-empty__text">
        <h3 className="servers-empty__title">No servers configured</h3>
        <p>
          A space needs a <strong>primary</strong> and a <strong>backup</strong> endpoint, each a Janus AudioBridge room for the conversation and an
          Icecast mount for the audience, on different machines.
        </p>
        <ol className="servers-empty__steps">
          <li>
            Print a config to start from: <code>npm run servers</code>
          </li>
          <li>Save it to a file and fill in your Janus and Icecast addresses.</li>
          <li>
            Start the engine with it: <code>steadycast headless --config &lt;file&gt;</code>
          </li>
        </ol>
      </div>
    </div>
  );
}
