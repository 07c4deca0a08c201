/**
 * A small seeded random generator (mulberry32). Paths and words in requests are random per run so
 * a server cannot hard-code its answers, and the seed printed by a run repeats that run exactly.
 */
export interface Rng {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** Lowercase letters and digits, starting with a letter. */
  word(length?: number): string;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const letters = "abcdefghijkmnpqrstuvwxyz";
  const alphabet = letters + "23456789";
  const word = (length = 6): string => {
    let out = letters[int(0, letters.length - 1)]!;
    while (out.length < length) out += alphabet[int(0, alphabet.length - 1)]!;
    return out;
  };
  return { seed: seed >>> 0, next, int, word };
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 1_000_000);
}
