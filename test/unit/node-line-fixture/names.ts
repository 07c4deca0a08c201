/** The records records.ts holds reports to, for it and for test/unit/node-line.test.ts. */
export const RECORD = "1-crash-at-start.txt";
/** A per-line record no line has: on Node 20 nothing may create it. */
export const MISSING = "node-line-fixture.node20.txt";
