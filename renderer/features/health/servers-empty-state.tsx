import type { ReactNode } from 'react';
import { ServerIcon } from '../../components/icons';
import { PracticeOffer } from '../practice/practice-offer';

/** What to do when the engine runs without any configured endpoint. */
export function ServersEmptyState(): ReactNode {
  return (
    <div className="servers-empty">
      <div className="servers-empty__icon" aria-hidden="true">
        <ServerIcon />
      </div>
      <div className="servers-empty__text">
        <h3 className="servers-empty__title">No space configured</h3>
        <p>
          A space needs a <strong>primary</strong> and a <strong>backup</strong> endpoint, each a Janus AudioBridge room for the
          conversation and an Icecast mount for the audience, on different machines.
        </p>
        <PracticeOffer />
        <ol className="servers-empty__steps">
          <li>
            For your own servers, write their configuration and a space file:{' '}
            <code>steadycast servers config --out DIR --primary-host A --backup-host B</code>
          </li>
          <li>
            Start the engine with the space file: <code>steadycast headless --config DIR/space.json</code>
          </li>
        </ol>
      </div>
    </div>
  );
}
