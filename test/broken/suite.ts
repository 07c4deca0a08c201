/** The tests of one phase's broken variants; each phase has its own test file so they run in parallel. */
import { describe, expect, test } from "vitest";
import { brokenCases } from "./cases.ts";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { SUPPORTED_NODE_LINES, THIS_NODE_LINE, isSupportedNode } from "../../checker/grader/node-lines.ts";
import { expectRecord, gradeBroken, hasPython, wireVerdicts, type Graded } from "./harness.ts";

const REPORTS = path.resolve(import.meta.dirname, "../reports");

/** The records of this variant made on the other supported Node lines. */
function otherLineRecords(name: string): [number, string][] {
  return readdirSync(REPORTS)
    .map((file) => [file, new RegExp(`^${name}\\.node(\\d+)\\.txt$`).exec(file)?.[1]] as const)
    .filter(([, line]) => line !== undefined && Number(line) !== THIS_NODE_LINE)
    .map(([file, line]) => [Number(line), readFileSync(path.join(REPORTS, file), "utf8")]);
}

/** "3.6 ✗" for every check of a report, leaving out the numbered checks given. */
function verdictsBesides(report: string, left: string[]): string[] {
  return [...report.matchAll(/^ {2}([✓✗!-]) (\d+\.\d+) /gm)].filter((match) => !left.includes(match[2]!)).map((match) => `${match[2]} ${match[1]}`);
}

/**
 * The variants that a real client inside the checker (fetch, node:http, undici, curl) catches
 * first: where a client's reading could change with the Node line, so they run on every line
 * (see vitest.config.ts); `only` picks them ("clients") or the others ("wire").
 */
const caughtByClient = (c: { firstFailure: string }): boolean => c.firstFailure.startsWith("client.");

export function brokenSuite(phase: number, only?: "clients" | "wire"): void {
  const graded = new Map<string, Graded>();
  const chosen = brokenCases.filter((c) => c.phase === phase && (only === undefined || caughtByClient(c) === (only === "clients")));
  describe(`phase ${phase}: broken variants fail with the check and words that name their mistake${only ? ` (${only === "clients" ? "caught by a real client" : "caught on the wire"})` : ""}`, () => {
    for (const brokenCase of chosen) {
      const python = brokenCase.base.endsWith(".py");
      const run = python && !hasPython ? test.skip : test;
      run(`${brokenCase.name}: ${brokenCase.mistake}`, async () => {
        const result = await gradeBroken(brokenCase);
        graded.set(brokenCase.name, result);
        const first = result.firstProblem;
        expect(first, `no check failed:\n${result.text}`).toBeDefined();
        expect(first!.id, result.text).toBe(brokenCase.firstFailure);
        expect(first!.status, result.text).toBe(brokenCase.status ?? "fail");
        expect(first!.finding!.message, result.text).toMatch(brokenCase.says);
        // Every failure carries a hint; failures of requests also carry the bytes.
        expect(first!.hint, result.text).toBeTruthy();
        // The whole report, as a student reads it, is recorded: a changed message is a reviewed diff.
        if (!brokenCase.byNode) {
          await expectRecord(result.text, `${brokenCase.name}.txt`);
        } else if (isSupportedNode()) {
          await expectRecord(result.text, `${brokenCase.name}.node${THIS_NODE_LINE}.txt`);
          // Only the real clients named in byNode may differ from one Node line to the next.
          for (const [line, other] of otherLineRecords(brokenCase.name)) {
            expect(verdictsBesides(result.text, brokenCase.byNode.checks), `the checks outside byNode differ from the Node ${line} record`).toEqual(
              verdictsBesides(other, brokenCase.byNode.checks),
            );
          }
        }
        if (brokenCase.twin) {
          const twin = graded.get(brokenCase.twin);
          expect(twin, `run the TypeScript twin ${brokenCase.twin} first`).toBeDefined();
          // Same mistake, other language: the same verdict on every check both can be given.
          expect(wireVerdicts(result.report)).toEqual(wireVerdicts(twin!.report));
        }
      });
    }
  });
  if (!isSupportedNode() && chosen.some((c) => c.byNode)) {
    test.skip(`Node ${process.versions.node} is not a supported line (${SUPPORTED_NODE_LINES.join(", ")}): the reports recorded per Node line are not compared`, () => {});
  }
  if (!hasPython) {
    test.skip("python3 is not installed: the Python variants are skipped (apt install python3)", () => {});
  }
}
