import type { ReactNode } from 'react';
import { AudienceIcon } from '../../components/icons';

/** What the Program panel says while nothing is on air, and how a program starts. */
export function OffAirState(): ReactNode {
  return (
    <div className="off-air" data-testid="program-off-air">
      <div className="off-air__icon" aria-hidden="true">
        <AudienceIcon />
      </div>
      <div className="off-air__text">
        <h3 className="off-air__title">Off air</h3>
        <p>
          Nothing is going out to the audience. The program starts when the host goes live, or from a terminal with{' '}
          <code>steadycast broadcast …</code>, for example:
        </p>
        <pre className="off-air__example">
          <code>steadycast broadcast --source tone:440 --icecast http://source:PASSWORD@host:8000/live.opus --record show.opus</code>
        </pre>
        <p className="off-air__then">While it runs, this panel shows its level, each Icecast output and the safety recording.</p>
      </div>
    </div>
  );
}
