/**
 * The JSON results (checker/class/json.ts): real runs of the checker (a solution, a skeleton, broken
 * variants, --cmd and --port targets) turned into documents that must match
 * checker/class/result.schema.json, with the points adding up.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { checkPoints, maxPointsFor, toJson, type LabResult } from "../checker/class/json.ts";
import { findPhase, phases, studentFile } from "../checker/manifest.ts";
import { freePort, runPhase } from "../checker/grader/run.ts";
import { canConnect } from "../checker/grader/server-process.ts";
import type { RunReport, Target } from "../checker/types.ts";
import { brokenCases } from "./broken/cases.ts";
import { ROOT, SEED, gradeBroken } from "./broken/harness.ts";

// ------------------------------------------------------------------ a small JSON Schema validator

type Schema = Record<string, unknown>;

/** The keywords this validator knows; any other one in the schema is an error, not silently ignored. */
const KNOWN = new Set(["$schema", "$id", "title", "description", "type", "required", "properties", "additionalProperties", "enum", "const", "items", "minimum", "maximum", "oneOf"]);

function typeOf(value: unknown): string[] {
  if (value === null) return ["null"];
  if (Array.isArray(value)) return ["array"];
  if (typeof value === "number") return Number.isInteger(value) ? ["integer", "number"] : ["number"];
  return [typeof value];
}

/** The problems of `value` against `schema` (draft 2020-12, the subset above), as "path: problem". */
function validate(schema: Schema, value: unknown, where = "$"): string[] {
  for (const keyword of Object.keys(schema)) if (!KNOWN.has(keyword)) return [`${where}: the validator does not know the keyword ${keyword}`];
  const problems: string[] = [];
  if (schema.type !== undefined) {
    const allowed = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!typeOf(value).some((type) => allowed.includes(type))) return [`${where}: is ${typeOf(value)[0]}, not ${allowed.join(" or ")}`];
  }
  if ("const" in schema && JSON.stringify(value) !== JSON.stringify(schema.const)) problems.push(`${where}: is ${JSON.stringify(value)}, not ${JSON.stringify(schema.const)}`);
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    problems.push(`${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) problems.push(`${where}: ${value} is below ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum) problems.push(`${where}: ${value} is above ${schema.maximum}`);
  }
  if (schema.oneOf !== undefined) {
    const matching = (schema.oneOf as Schema[]).filter((option) => validate(option, value, where).length === 0).length;
    if (matching !== 1) problems.push(`${where}: matches ${matching} of the oneOf schemas, not exactly 1`);
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in object)) problems.push(`${where}: ${key} is missing`);
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [key, item] of Object.entries(object)) {
      if (properties[key]) problems.push(...validate(properties[key]!, item, `${where}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${where}: ${key} is not allowed`);
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, index) => problems.push(...validate(schema.items as Schema, item, `${where}[${index}]`)));
  }
  return problems;
}

const schema = JSON.parse(readFileSync(path.join(ROOT, "checker/class/result.schema.json"), "utf8")) as Schema;

/** Converts, checks against the schema and the points rules every document must keep, and returns it. */
function checked(report: RunReport): LabResult {
  const doc = toJson(report);
  // What --json prints is what a reader parses: nothing may be lost on the way (no undefined).
  const parsed = JSON.parse(JSON.stringify(doc)) as LabResult;
  expect(parsed).toEqual(doc);
  expect(validate(schema, parsed)).toEqual([]);
  const sum = (pick: (check: LabResult["checks"][number]) => number): number => parsed.checks.reduce((total, check) => total + pick(check), 0);
  expect(parsed.totals.points).toBe(sum((check) => check.points));
  expect(parsed.totals.maxPoints).toBe(sum((check) => check.maxPoints));
  expect(parsed.totals.maxPoints).toBe(maxPointsFor(report.phase, report.target, report.browser));
  for (const check of parsed.checks) {
    expect(check.points, check.number).toBe(check.status === "pass" ? check.maxPoints : 0);
    expect(check.message === null, check.number).toBe(check.status === "pass");
  }
  const count = (status: string): number => parsed.checks.filter((check) => check.status === status).length;
  expect(parsed.totals).toMatchObject({ passed: count("pass"), failed: count("fail"), errors: count("error"), skipped: count("skip") });
  return parsed;
}

function fileTarget(relative: string): Target {
  return { kind: "file", file: path.join(ROOT, relative), label: relative };
}

async function run(phaseNumber: number, target: Target): Promise<RunReport> {
  return runPhase({ phase: findPhase(String(phaseNumber))!, target, seed: SEED, root: ROOT });
}

function brokenCase(name: string): (typeof brokenCases)[number] {
  const found = brokenCases.find((c) => c.name === name);
  if (!found) throw new Error(`no broken case ${name}`);
  return found;
}

// ------------------------------------------------------------------ the tests

test("the validator catches what the schema forbids (so a pass means something)", () => {
  const good = { id: "start", number: "1.1", title: "t", status: "pass", message: null, hint: null, rule: null, durationMs: 3, points: 17, maxPoints: 17 };
  const item = (schema.properties as Record<string, Schema>).checks!.items as Schema;
  expect(validate(item, good)).toEqual([]);
  expect(validate(item, { ...good, status: "passed" })).toHaveLength(1);
  expect(validate(item, { ...good, points: 1.5 })).toHaveLength(1);
  expect(validate(item, { ...good, points: -1 })).toHaveLength(1);
  expect(validate(item, { ...good, message: undefined })).toHaveLength(1);
  expect(validate(item, { ...good, rule: { ref: "RFC 9112 §6.3 (5)", level: "MUST", why: null } })).toEqual([]);
  expect(validate(item, { ...good, rule: { ref: "RFC 9112 §6.3 (5)", level: "MAY", why: null } })).toHaveLength(1);
  expect(validate(item, { ...good, extra: 1 })).toHaveLength(1);
  const target = (schema.properties as Record<string, Schema>).target!;
  expect(validate(target, { kind: "file", label: "x" })).toEqual([]);
  expect(validate(target, { kind: "file", command: "x" })).toHaveLength(1);
  expect(validate(target, { kind: "port", port: 0 })).toHaveLength(1);
});

test("each phase is worth 100 whole points, split evenly, the remainder to the first checks", () => {
  for (const phase of phases) {
    const points = checkPoints(phase);
    expect(points).toHaveLength(phase.checks.length);
    expect(points.reduce((a, b) => a + b, 0)).toBe(100);
    expect(points.every(Number.isInteger)).toBe(true);
    expect(Math.max(...points) - Math.min(...points)).toBeLessThanOrEqual(1);
    expect([...points].sort((a, b) => b - a)).toEqual(points);
  }
  // Phase 1 has 7 checks: 100 = 2 x 15 + 5 x 14.
  expect(checkPoints(findPhase("1")!)).toEqual([15, 15, 14, 14, 14, 14, 14]);
});

describe("real runs", () => {
  test("a solution earns 100 of 100", async () => {
    const doc = checked(await run(3, fileTarget("solutions/3-respond/server.ts")));
    expect(doc).toMatchObject({
      schemaVersion: 2,
      phase: { number: 3, slug: "respond" },
      target: { kind: "file", label: "solutions/3-respond/server.ts" },
      seed: SEED,
      totals: { points: 100, maxPoints: 100, failed: 0, errors: 0, skipped: 0 },
    });
    expect(doc.checks.map((check) => check.number)).toEqual(findPhase("3")!.checks.map((_, index) => `3.${index + 1}`));
    expect(doc.checks.every((check) => check.hint === null)).toBe(true);
  });

  test("a skeleton earns less than 100: its failures are fails, not errors", async () => {
    const phase = findPhase("4")!;
    const doc = checked(await run(4, fileTarget(studentFile(phase))));
    expect(doc.totals.points).toBeLessThan(100);
    // Only the checks that drive a browser are left out of a run without --browser.
    const points = checkPoints(phase);
    expect(doc.totals.maxPoints).toBe(100 - phase.checks.reduce((sum, check, index) => sum + (check.needsBrowser ? points[index]! : 0), 0));
    expect(doc.totals.failed).toBeGreaterThan(0);
    expect(doc.totals.errors).toBe(0);
    const failed = doc.checks.find((check) => check.status === "fail")!;
    expect(failed).toMatchObject({ points: 0, message: expect.any(String), hint: expect.any(String) });
    // A check skipped because an earlier one failed still counts in maxPoints.
    const skipped = doc.checks.find((check) => check.status === "skip")!;
    expect(skipped.maxPoints).toBeGreaterThan(0);
    expect(skipped.points).toBe(0);
  });

  test("a server that never ran is an error, not a fail, and earns nothing", async () => {
    const doc = checked((await gradeBroken(brokenCase("1-crash-at-start"))).report);
    expect(doc.totals).toMatchObject({ points: 0, maxPoints: 100, errors: 1, failed: 0, passed: 0 });
    expect(doc.checks[0]).toMatchObject({ id: "start", status: "error", points: 0, maxPoints: 15 });
    expect(doc.target).toEqual({ kind: "file", label: "broken/1-crash-at-start.ts" });
  });

  test("a server that ran and answered wrongly is a fail, not an error, and keeps the points it earned", async () => {
    const doc = checked((await gradeBroken(brokenCase("3-length-in-characters"))).report);
    expect(doc.totals.errors).toBe(0);
    expect(doc.totals.failed).toBeGreaterThan(0);
    expect(doc.totals.points).toBeGreaterThan(0);
    expect(doc.totals.points).toBeLessThan(100);
    expect(doc.checks.find((check) => check.status === "fail")!.id).toBe(brokenCase("3-length-in-characters").firstFailure);
  });

  test("a check that judges an exchange an earlier check made is shown taking the time that exchange took", async () => {
    // 1.2 sends the greeting and waits 2 s for a close that never comes; 1.4 judges that same exchange.
    const doc = checked((await gradeBroken(brokenCase("1-never-closes"))).report);
    const closes = doc.checks.find((check) => check.id === "bind.closes")!;
    expect(closes.status).toBe("fail");
    expect(closes.message).toMatch(/still open/);
    expect(closes.durationMs).toBeGreaterThanOrEqual(2000);
  });

  test("the checker's own 'keeps running' result is worth 0 of 0; the checks it stops cost the points", async () => {
    const doc = checked((await gradeBroken(brokenCase("1-exits-after-first-client"))).report);
    const added = doc.checks.find((check) => check.id === "server.alive")!;
    expect(added).toMatchObject({ number: "1.2+", status: "fail", points: 0, maxPoints: 0 });
    expect(doc.totals).toMatchObject({ points: 30, maxPoints: 100 });
  });

  test("with --cmd, the checks that call TypeScript functions are left out of maxPoints", async () => {
    const phase = findPhase("3")!;
    const doc = checked(await run(3, { kind: "cmd", command: "node --import tsx solutions/3-respond/server.ts" }));
    const moduleNumbers = phase.checks.flatMap((check, index) => (check.needsModule ? [`3.${index + 1}`] : []));
    expect(moduleNumbers.length).toBeGreaterThan(0);
    for (const check of doc.checks.filter((c) => moduleNumbers.includes(c.number))) {
      expect(check).toMatchObject({ status: "skip", points: 0, maxPoints: 0 });
    }
    expect(doc.target).toEqual({ kind: "cmd", command: "node --import tsx solutions/3-respond/server.ts" });
    expect(doc.totals.maxPoints).toBeLessThan(100);
    expect(doc.totals.points).toBe(doc.totals.maxPoints);
  });

  test("with --port, the checks that read the server's output are left out too", async () => {
    // Phase 1: its check of what the server prints (needsOutput) cannot be made with --port.
    const phase = findPhase("1")!;
    const port = await freePort();
    const server = spawn(process.execPath, ["--import", "tsx", "solutions/1-bind/server.ts"], { cwd: ROOT, env: { ...process.env, PORT: String(port) }, stdio: "ignore" });
    try {
      const deadline = Date.now() + 20_000;
      while (!(await canConnect("127.0.0.1", port)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      const doc = checked(await run(1, { kind: "port", port }));
      const excluded = phase.checks.filter((check) => check.needsModule || check.needsOutput);
      expect(excluded.some((check) => check.needsOutput)).toBe(true);
      const points = checkPoints(phase);
      const excludedPoints = phase.checks.reduce((sum, check, index) => sum + (check.needsModule || check.needsOutput ? points[index]! : 0), 0);
      expect(doc.totals.maxPoints).toBe(100 - excludedPoints);
      expect(doc.totals.points).toBe(doc.totals.maxPoints);
      expect(doc.target).toEqual({ kind: "port", port });
      expect(doc.port).toBe(port);
    } finally {
      server.kill("SIGKILL");
    }
  });
});
