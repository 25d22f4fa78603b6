/** mulberry32: a small seeded generator of uniform numbers in [0, 1) (tests that must replay). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A mulberry32 stream seeded by several numbers at once (a run's seed, a trial, a client…). */
export function seededRandom(...parts: number[]): () => number {
  return mulberry32(parts.reduce((hash, part) => Math.imul(hash ^ (part | 0), 0x9e3779b1) >>> 0, 0x2545f491));
}
