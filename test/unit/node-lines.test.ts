import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { SUPPORTED_NODE_LINES, unsupportedNodeNote } from "../../checker/grader/node-lines.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

test("the supported lines are package.json's engines, and CI runs every one of them", () => {
  expect(SUPPORTED_NODE_LINES).toEqual([22, 24, 26]);
  const ci = readFileSync(path.join(ROOT, ".ci/run"), "utf8");
  expect(ci).toMatch(/^bash \.ci\/each-node npm test$/m);
});

test("on a supported line the checker says nothing about the version", () => {
  for (const version of ["v22.12.0", "v24.22.3", "v26.0.0"]) expect(unsupportedNodeNote(version)).toBeNull();
});

test("on another line it says so in one line, naming the supported ones", () => {
  const old = unsupportedNodeNote("v20.20.2")!;
  expect(old).not.toContain("\n");
  expect(old).toContain("tested on Node.js 22, 24 and 26; this is Node.js v20.20.2, whose line no longer gets fixes");
  const odd = unsupportedNodeNote("v25.1.0")!;
  expect(odd).toContain("this is Node.js v25.1.0.");
  expect(odd).not.toContain("no longer gets fixes");
});
