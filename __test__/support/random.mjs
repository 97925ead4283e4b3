// The tests' one source of generated input: deterministic (mulberry32), so a
// failure names its seed and replays exactly.

/** A generator of numbers in [0, 1) from `seed`. */
export const rng = (seed) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
