import type { ConversationLink, JoinStep } from '../../shared/conversation';
import type { Logger } from '../log/logger';
import { assertNever } from '../../shared/assert-never';

/*
 * The conversation link, as one state machine with one place that changes it:
 *
 *   idle ──join──► connecting ──seated──► joined ──transport lost──► reconnecting ──claimed──► joined
 *     ▲             │  ▲  ▲                 │  │                      │  ▲   │
 *     │             │  │  └──── move ───────┘  │                      │  └───┘ next attempt
 *     │             │  └─────── move / join ───┼──────── failed ◄─────┘
 *     └── leave ────┴──────────────────────────┴── (from any state)
 *
 * `connecting → connecting` moves a join to its next step; `reconnecting → reconnecting` is a
 * rejoin's next attempt; `failed → failed` a later reason. A failed move leaves the link
 * `reconnecting`, never `failed`.
 */

/** Which statuses may follow each status (the diagram above). */
const LEGAL: { readonly [From in ConversationLink['status']]: readonly ConversationLink['status'][] } = {
  idle: ['connecting'],
  connecting: ['connecting', 'joined', 'reconnecting', 'failed', 'idle'],
  joined: ['joined', 'connecting', 'reconnecting', 'failed', 'idle'],
  reconnecting: ['reconnecting', 'connecting', 'joined', 'failed', 'idle'],
  failed: ['failed', 'connecting', 'reconnecting', 'idle'],
};

/** True when the link may go from `from` to `to`. */
export function isLegalTransition(from: ConversationLink['status'], to: ConversationLink['status']): boolean {
  return LEGAL[from].includes(to);
}

/** The conversation link and its one transition. */
export class RoomLink {
  private link: ConversationLink = { status: 'idle' };

  constructor(private readonly options: { readonly logger: Logger; readonly onChange: () => void }) {}

  /** The link now. */
  get current(): ConversationLink {
    return this.link;
  }

  /**
   * Moves the link to `next` when the diagram allows it, logs the move and tells the owner; an
   * illegal move is refused and logged as an error (a bug in the caller), and the link stays. True when moved.
   */
  transition(next: ConversationLink, why: string): boolean {
    const from = this.link.status;
    if (!isLegalTransition(from, next.status)) {
      this.options.logger.error(`conversation link: refused ${from} → ${next.status} (${why})`);
      return false;
    }
    this.link = next;
    const line = `conversation link: ${from} → ${describe(next)} (${why})`;
    if (from === next.status) this.options.logger.debug(line);
    else this.options.logger.info(line);
    this.options.onChange();
    return true;
  }

  /** Moves a join under way to its next step; nothing unless connecting (another join or a leave took over). */
  advance(step: JoinStep): void {
    const link = this.link;
    if (link.status !== 'connecting' || link.step === step) return;
    this.transition({ ...link, step }, `next step: ${step}`);
  }
}

function describe(link: ConversationLink): string {
  switch (link.status) {
    case 'idle':
      return 'idle';
    case 'connecting':
      return `connecting to ${link.endpoint} (${link.step})`;
    case 'joined':
      return `joined ${link.endpoint} as ${link.role}`;
    case 'reconnecting':
      return `reconnecting to ${link.endpoint} (attempt ${link.attempt})`;
    case 'failed':
      return `failed${link.endpoint === null ? '' : ` on ${link.endpoint}`}: ${link.reason}`;
    default:
      return assertNever(link);
  }
}
