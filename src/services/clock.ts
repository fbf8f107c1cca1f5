/** The one clock behind every time rule, so tests can move time (see `advanceTestClock`). */
export const clock = {
  now(): Date {
    return new Date();
  },
};
