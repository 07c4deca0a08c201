/**
 * The reader against the parsers real clients use (llhttp in node:http, undici in fetch), over real
 * sockets: every rule case and a bounded set of seeded mutations. A disagreement must be a row of
 * the reasoned table (test/differential/compare.ts); `npm run fuzz:reader` runs thousands more.
 */
import { expect, test } from "vitest";
import { generateCases } from "./differential/cases.ts";
import { compareAll, describeOutcome, show } from "./differential/compare.ts";

test("the reader agrees with llhttp and undici, or the table says why the RFC sides with the reader", { timeout: 60_000 }, async () => {
  const cases = generateCases(2026, 300);
  const verdicts = await compareAll(cases);
  const unexplained = verdicts
    .filter((verdict) => verdict.disagreements.some((d) => !d.reason))
    .map((verdict) => {
      const clients = verdict.disagreements.filter((d) => !d.reason).map((d) => `${d.client} ${d.direction}: ${describeOutcome(verdict.clients[d.client])}`);
      const reader = verdict.reader.accepted ? `accepts ${verdict.reader.status}` : `rejects (${verdict.reader.codes.join(", ")})`;
      return `${verdict.item.name}: ${show(verdict.item.bytes)} | reader ${reader} | ${clients.join(" | ")}`;
    });
  expect(unexplained).toEqual([]);
  // The comparison can fail: the rule cases hold disagreements that only the table explains.
  expect(verdicts.filter((verdict) => verdict.disagreements.length > 0).length).toBeGreaterThan(20);
  expect(verdicts.filter((verdict) => verdict.disagreements.length === 0).length).toBeGreaterThan(cases.length / 2);
});
