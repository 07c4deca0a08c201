/**
 * The records hold on every day: the record-making of the variants whose reports carry the time
 * runs again with the clock moved to each of the seven days after today (test/days/moved-clock.ts),
 * and every record must still match byte for byte. The cases cover each form of the time the
 * records hold: a right Date, JavaScript's toString(), local time labelled GMT, a Date made once,
 * Last-Modified and If-Modified-Since, and a Python server's Date beside its traceback.
 * The whole record-making on a moved clock: npm run test:days (see README).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { brokenCases } from "./broken/cases.ts";
import { hasPython } from "./broken/harness.ts";
import { libfaketime, runOnMovedClock, weekOfDays } from "./days/moved-clock.ts";

const CASES = ["7-date-as-tostring", "7-date-in-local-time", "7-date-made-once", "9-ignores-if-modified-since", "py-9-text-mode"];
const FILES = ["test/broken-phase-7.test.ts", "test/broken-phase-9.test.ts"];
const library = libfaketime();

test("the chosen cases exist and their records hold the time in each form", () => {
  const records = CASES.map((name) => {
    expect(brokenCases.some((brokenCase) => brokenCase.name === name && FILES.includes(`test/broken-phase-${brokenCase.phase}.test.ts`)), name).toBe(true);
    return readFileSync(path.resolve(import.meta.dirname, "reports", `${name}.txt`), "utf8");
  });
  const all = records.join("\n");
  for (const form of ["Date: Ddd, DD Mmm YYYY hh:mm:ss GMT", "Ddd Mmm DD YYYY hh:mm:ss GMT+hhmm (<zone name>)", "Last-Modified: Ddd,", "If-Modified-Since: Ddd,", 'File "<TMP>/solution_9.py"']) {
    expect(all, form).toContain(form);
  }
});

describe.skipIf(library === null || !hasPython)("with the clock moved (libfaketime)", () => {
  const days = weekOfDays();
  // Two days at a time: each run is mostly waiting on sockets, and the machines have two cores.
  const runs = new Map<string, ReturnType<typeof runOnMovedClock>>();
  const started = (index: number) => {
    const day = days[index]!;
    if (!runs.has(day.label)) runs.set(day.label, runOnMovedClock(library!, day, FILES, `(${CASES.join("|")}): `));
    return runs.get(day.label)!;
  };
  days.forEach((day, index) => {
    test(`on ${day.label}, every record still matches`, async () => {
      const run = started(index);
      if (days[index + 1]) void started(index + 1);
      const { ok, output } = await run;
      expect(ok, output).toBe(true);
      // The filter ran every case (a renamed case would leave the run empty, and green).
      expect(output, output).toMatch(new RegExp(`Tests\\s+${CASES.length} passed`));
    }, 300_000);
  });
});

test.skipIf(library !== null && hasPython)("records on a moved clock: skipped, libfaketime or python3 is not installed (apt install faketime python3)", () => {});
