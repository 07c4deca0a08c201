/**
 * What the words tests find wrong today, while it is being fixed: issue 18 for phases 6-9, issue 19
 * for phases 1-5. A temporary list, for the lead to empty. Each entry must still fail: an entry
 * that no longer does fails its test, so the list cannot outlive what it lists.
 */

/** A name a lesson or hint uses that its phase does not have (names.test.ts). */
export interface KnownName {
  phase: number;
  /** "lesson", or the hint: "hint survive.hello#3", "hint shared.words.ts:wrongPathHint". */
  where: string;
  name: string;
  issue: 18 | 19;
}

export const KNOWN_WRONG_NAMES: KnownName[] = [];

/** A last-level hint whose code cannot be placed, does not compile where it goes, or breaks a check that passed (hints-compile.test.ts). */
export interface KnownHint {
  check: string;
  kind: "unplaceable" | "does not compile" | "breaks a check";
  issue: 18 | 19;
}

export const KNOWN_HINT_FAILURES: KnownHint[] = [];

/** A lesson's claim about the untouched skeleton that it does not hold to (skeleton-claims.test.ts). */
export interface KnownClaim {
  phase: number;
  /** The claim's quote, as in claims.ts. */
  quote: string;
  issue: 18 | 19;
}

export const KNOWN_FALSE_CLAIMS: KnownClaim[] = [];
