/** How long the headphones tone plays, ms. */
export const TEST_TONE_MS = 1500;

/**
 * Plays the preflight's headphones tone: 440 Hz at about −20 dBFS, faded in and out so it does not
 * click, in a context of its own (closed afterwards). Resolves when it has finished.
 */
export async function playTestTone(): Promise<void> {
  const context = new AudioContext();
  try {
    await context.resume();
    const oscillator = new OscillatorNode(context, { frequency: 440 });
    const gain = new GainNode(context, { gain: 0 });
    oscillator.connect(gain).connect(context.destination);
    const start = context.currentTime;
    const seconds = TEST_TONE_MS / 1000;
    gain.gain.linearRampToValueAtTime(0.1, start + 0.05);
    gain.gain.setValueAtTime(0.1, start + seconds - 0.05);
    gain.gain.linearRampToValueAtTime(0, start + seconds);
    // 'ended', or the tone's length plus a second: a context that never starts (no output device) must not hang the check.
    const ended = new Promise<void>((resolve) => {
      oscillator.addEventListener('ended', () => resolve(), { once: true });
      setTimeout(resolve, TEST_TONE_MS + 1000);
    });
    oscillator.start(start);
    oscillator.stop(start + seconds);
    await ended;
  } finally {
    await context.close();
  }
}
