/** npm test on a Node line outside package.json's engines: one line first, and the records in another line's words skipped, never written. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { expect, test } from "vitest";
import { recordSkipReason, unsupportedLineNote } from "../node-line.ts";
import { MISSING, RECORD } from "./node-line-fixture/names.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const REPORTS = path.join(ROOT, "test/reports");

test("on a supported line nothing is said, and no record is skipped", () => {
  for (const version of ["v22.12.0", "v24.22.3", "v26.0.0"]) {
    expect(unsupportedLineNote(version)).toBeNull();
    expect(recordSkipReason("other words", path.join(REPORTS, RECORD), version)).toBeNull();
    expect(recordSkipReason("a report", path.join(REPORTS, MISSING), version)).toBeNull();
  }
});

test("on another line, one line names the version, the supported lines, and how to get one", () => {
  const note = unsupportedLineNote("v20.20.2")!;
  expect(note).not.toContain("\n");
  expect(note).toContain("this is Node v20.20.2, not a line the lab is tested on (22, 24, 26: package.json's engines)");
  expect(note).toContain("bash .ci/each-node npm test");
  expect(note).toMatch(/node-linux-(x64|arm64)@22, @24, @26 from the npm registry/);
  expect(note).toContain("nvm install 24");
});

test("on another line, a record that reads otherwise or is missing is a reason to skip; one that matches is not", () => {
  const record = path.join(REPORTS, RECORD);
  expect(recordSkipReason(readFileSync(record, "utf8"), record, "v20.20.2")).toBeNull();
  expect(recordSkipReason("other words", record, "v20.20.2")).toBe(
    `Node 20.20.2 is not a supported line (22, 24, 26): the report reads otherwise than ${RECORD} from line 1, recorded in the words of a supported line`,
  );
  expect(recordSkipReason("a report", path.join(REPORTS, MISSING), "v25.1.0")).toBe(
    `Node 25.1.0 is not a supported line (22, 24, 26): there is no ${MISSING}, and no record is made on this line`,
  );
});

interface JsonReport {
  testResults: { assertionResults: { title: string; status: string }[] }[];
}

test("a run as on Node 20, even with --update: the line first, records in other words skipped and never written, other assertions still fail", () => {
  const record = readFileSync(path.join(REPORTS, RECORD), "utf8");
  const dir = mkdtempSync(path.join(tmpdir(), "http-lab-node-line-"));
  try {
    const json = path.join(dir, "results.json");
    // The outer vitest's own variables would make the inner one think it is a worker of the outer.
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !/^(VITEST|TINYPOOL|NODE_OPTIONS$)/.test(name)) env[name] = value;
    Object.assign(env, { LAB_NODE_VERSION_AS: "v20.20.2", LAB_NODE_LINE_JSON: json, NO_COLOR: "1" });
    delete env.CI;
    // stdout and stderr in one stream, in the order a terminal shows them.
    const vitest = path.join(ROOT, "node_modules/vitest/vitest.mjs");
    const run = spawnSync("sh", ["-c", `"$0" "$1" run --config test/unit/node-line-fixture/config.ts --update 2>&1`, process.execPath, vitest], {
      cwd: ROOT,
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    const output = stripVTControlCharacters(run.stdout);
    expect(output.split("\n")[0], output).toBe(unsupportedLineNote("v20.20.2"));

    const states = Object.fromEntries(
      (JSON.parse(readFileSync(json, "utf8")) as JsonReport).testResults.flatMap((file) => file.assertionResults.map((result) => [result.title, result.status])),
    );
    expect(states).toEqual({
      "as recorded": "passed",
      "in Node 20's words": "skipped",
      "with no record": "skipped",
      // The assertions besides the record still run, and a failure is never hidden by a skip.
      "in Node 20's words, then a failed assertion": "failed",
      "a failed assertion, then Node 20's words": "failed",
    });
    // Named, with the reason, before the summary.
    const fixture = "test/unit/node-line-fixture/records.ts";
    expect(output).toContain(
      `Node 20.20.2 is not a supported line (22, 24, 26), so these are skipped:\n` +
        `   ↓ ${fixture} > in Node 20's words  [the report reads otherwise than ${RECORD} from line 11, recorded in the words of a supported line]\n` +
        `   ↓ ${fixture} > with no record  [there is no ${MISSING}, and no record is made on this line]\n`,
    );
    expect(output).toMatch(/Tests +2 failed \| 1 passed \| 2 skipped \(5\)/);
    // --update wrote nothing: the record is as it was, and the missing one is still missing.
    expect(readFileSync(path.join(REPORTS, RECORD), "utf8")).toBe(record);
    expect(existsSync(path.join(REPORTS, MISSING))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    // Should a change break the rule, the failure above says so; the records are left as they were.
    if (readFileSync(path.join(REPORTS, RECORD), "utf8") !== record) writeFileSync(path.join(REPORTS, RECORD), record);
    rmSync(path.join(REPORTS, MISSING), { force: true });
  }
});
