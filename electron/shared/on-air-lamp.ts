import type { BroadcastStatus } from './broadcast';

/*
 * "On air" has one meaning: the program is reaching the audience through at least one output.
 * The studio lamp (the window's top bar) and the tray both draw this one function, in words as
 * well as colour, so a show that runs while no output is live never looks like it is on air.
 *
 *   off ──go live──► starting ──an output live──► on-air (all live) ◄──► partial (some live)
 *                       │                              │                   │
 *                       └──every output failed once──► unreached (none live) ◄┘
 *   host: a co-host's or producer's window, lit by the host's announcement (no outputs known here).
 */

/** The lamp's state. `live`/`total` count the program's outputs. */
export type OnAirLamp =
  | { kind: 'off' }
  /** Going live: no output has been live yet and none has failed yet. */
  | { kind: 'starting'; total: number }
  /** Every output is live. */
  | { kind: 'on-air'; live: number; total: number }
  /** Some outputs are live, some are not: listeners of the others hear nothing. */
  | { kind: 'partial'; live: number; total: number }
  /** The show runs but no output is live (or it has none): nobody hears it. */
  | { kind: 'unreached'; total: number }
  /** Someone else's show (the host's), as their app announced it. */
  | { kind: 'host'; by: string };

/** The lamp from this window's program (null off air) and, failing that, the host's announced show. */
export function onAirLamp(broadcast: Pick<BroadcastStatus, 'outputs'> | null, hostShow: { by: string } | null = null): OnAirLamp {
  if (broadcast === null) return hostShow === null ? { kind: 'off' } : { kind: 'host', by: hostShow.by };
  const total = broadcast.outputs.length;
  const live = broadcast.outputs.filter((output) => output.state.status === 'live').length;
  if (total > 0 && live === total) return { kind: 'on-air', live, total };
  if (live > 0) return { kind: 'partial', live, total };
  const firstAttempts =
    total > 0 && broadcast.outputs.every((output) => output.state.status === 'connecting' && output.state.attempt === 1);
  return firstAttempts ? { kind: 'starting', total } : { kind: 'unreached', total };
}

/** True when the lamp says the program reaches listeners (all or some outputs, or the host's show). */
export function lampIsLit(lamp: OnAirLamp): boolean {
  return lamp.kind === 'on-air' || lamp.kind === 'partial' || lamp.kind === 'host';
}

/** How the lamp looks: lit red, a warning (running, not reaching everyone or anyone), or dark. */
export type LampTone = 'lit' | 'warn' | 'dark';

/**
 * The lamp in words: `headline` and `count` on the lamp itself (capitals, short; the count on a
 * second line), `text` both on one line (the tray's title), `sentence` for screen readers and the tray menu.
 */
export function describeOnAirLamp(lamp: OnAirLamp): {
  text: string;
  headline: string;
  count: string | null;
  sentence: string;
  tone: LampTone;
} {
  const words = lampWords(lamp);
  const [headline = words.text, count = null] = words.text.split(' · ');
  return { ...words, headline, count };
}

function lampWords(lamp: OnAirLamp): { text: string; sentence: string; tone: LampTone } {
  switch (lamp.kind) {
    case 'off':
      return { text: 'OFF AIR', sentence: 'Off air', tone: 'dark' };
    case 'starting':
      return {
        text: `GOING ON AIR · 0 of ${outputs(lamp.total)}`,
        sentence: `Going on air: connecting to ${outputs(lamp.total)}`,
        tone: 'warn',
      };
    case 'on-air':
      return {
        text: 'ON AIR',
        sentence: `On air: ${lamp.total === 1 ? 'the output is' : `all ${lamp.total} outputs are`} live`,
        tone: 'lit',
      };
    case 'partial':
      return {
        text: `LIVE · ${lamp.live} of ${outputs(lamp.total)}`,
        sentence: `Live on ${lamp.live} of ${outputs(lamp.total)}: listeners of the others hear nothing`,
        tone: 'warn',
      };
    case 'unreached':
      return lamp.total === 0
        ? {
            text: 'RECORDING ONLY · no outputs',
            sentence: 'Not reaching listeners: the show has no outputs, it is only recorded',
            tone: 'warn',
          }
        : {
            text: `NOT REACHING LISTENERS · 0 of ${outputs(lamp.total)}`,
            sentence: `Not reaching listeners: 0 of ${outputs(lamp.total)} live`,
            tone: 'warn',
          };
    case 'host':
      return { text: 'ON AIR', sentence: `On air: ${lamp.by}'s show`, tone: 'lit' };
  }
}

function outputs(count: number): string {
  return `${count} output${count === 1 ? '' : 's'}`;
}
