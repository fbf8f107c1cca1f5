/**
 * The one clock behind every time rule (cooldowns, daily caps, trials,
 * periods, expiry). In test mode (`TEST_CLOCK=1`) ADMIN moves it forward with
 * `advanceTestClock`, like Stripe's test clocks; otherwise it is wall time.
 */
let offsetMs = 0;

export const clock = {
  now(): Date {
    return new Date(Date.now() + offsetMs);
  },

  /** Moves this process's clock forward; only reachable through the test-mode mutation. */
  advance(seconds: number): Date {
    offsetMs += seconds * 1000;
    return clock.now();
  },
};
