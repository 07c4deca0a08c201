/**
 * Not part of the suite: test/unit/node-line.test.ts runs it in a vitest of its own, with
 * LAB_NODE_VERSION_AS=v20.20.2 and --update, to see what expectRecord does on an unsupported line.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { ROOT, expectRecord } from "../../broken/harness.ts";
import { MISSING, RECORD } from "./names.ts";

const recorded = readFileSync(path.join(ROOT, "test/reports", RECORD), "utf8");
// Node 20's V8 words this JSON.parse error without the position's line and column.
const inNode20Words = recorded.replace(" (line 1 column 2)", "");

test("as recorded", async () => {
  await expectRecord(recorded, RECORD);
});

test("in Node 20's words", async () => {
  expect(inNode20Words).not.toBe(recorded);
  await expectRecord(inNode20Words, RECORD);
});

test("with no record", async () => {
  await expectRecord("a report", MISSING);
});

test("in Node 20's words, then a failed assertion", async () => {
  await expectRecord(inNode20Words, RECORD);
  expect("the first failure", "an assertion after the record").toBe("another check");
});

test("a failed assertion, then Node 20's words", async () => {
  expect.soft("the first failure", "an assertion before the record").toBe("another check");
  await expectRecord(inNode20Words, RECORD);
});
