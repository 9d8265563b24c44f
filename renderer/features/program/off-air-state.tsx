import { useId, type ReactNode } from 'react';
import { AudienceIcon } from '../../components/icons';
import { useShallow } from 'zustand/react/shallow';
import { formatClockTime } from '../../components/format';
import { selectShowOnAir } from '../../stores/broadcast-selectors';
import { useAppStore } from '../../stores/store-context';
import { GoLiveButton, ShowControlStatus } from './show-control';
import { selectGoLiveBlocker, selectGoLivePlan } from './show-control-view';

/** What the Program panel says while nothing is on air, with the host's "Go live" (and the terminal way). */
export function OffAirState(): ReactNode {
  const whatId = useId();
  const blocker = useAppStore(selectGoLiveBlocker);
  const plan = useAppStore(selectGoLivePlan);
  // This engine sends nothing, but the host's show may be on air: a co-host is heard through it.
  const hostShow = useAppStore(useShallow(selectShowOnAir));
  return (
    <div className="off-air" data-testid="program-off-air">
      <div className="off-air__icon" aria-hidden="true">
        <AudienceIcon />
      </div>
      <div className="off-air__text">
        {hostShow !== null && hostShow.by !== null ? (
          <>
            <h3 className="off-air__title" data-testid="host-show-on-air">
              {hostShow.by}’s show is on air
            </h3>
            <p>
              Since {formatClockTime(hostShow.since)}: the audience hears you through the room whenever your microphone is live. This app
              sends no program of its own.
            </p>
          </>
        ) : (
          <>
            <h3 className="off-air__title">Off air</h3>
            <p>Nothing is going out to the audience.</p>
          </>
        )}
        <div className="off-air__go">
          <GoLiveButton describedBy={whatId} />
          <p className="off-air__what" id={whatId} data-testid="go-live-what">
            {blocker ?? plan}
          </p>
        </div>
        <ShowControlStatus />
        <div className="off-air__alt">
          <p>
            Or start it from a terminal with <code>steadycast broadcast …</code>, for example:
          </p>
          <pre className="off-air__example">
            <code>steadycast broadcast --source tone:440 --icecast http://source:PASSWORD@host:8000/live.opus --record show.opus</code>
          </pre>
          <p className="off-air__then">While a show runs, this panel shows its level, each Icecast output and the safety recording.</p>
        </div>
      </div>
    </div>
  );
}
