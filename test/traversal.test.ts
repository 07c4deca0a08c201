/**
 * Every way out of the root that 9.9 tries is shown to catch a server: each defence of the
 * solution is taken out in turn (one broken server per missing defence), every attack is sent to
 * it raw, and the attacks it falls to must be exactly the ones that defence stops. The solution
 * and the Python reference fall to none. Together the broken servers fall to every attack.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { attacks } from "../checker/grader/checks/static.ts";
import { readResponse } from "../checker/grader/http-reader.ts";
import { createRng } from "../checker/grader/rng.ts";
import { makeSite, removeSite } from "../checker/grader/site.ts";
import { exchange } from "../checker/grader/wire.ts";
import { freePort } from "../checker/grader/run.ts";
import { ROOT, applyPatch, hasPython } from "./broken/harness.ts";
import { waitForPort } from "./net.ts";

const SOLUTION = "solutions/9-static/server.ts";
const site = makeSite(createRng(9));
afterAll(() => removeSite(site));

type Attack = ReturnType<typeof attacks>[number]["key"];

const SEGMENT_CHECK = '  if (segments.some((segment) => segment === ".." || /[/\\\\\\0]/.test(segment))) return null;\n';
const ROOT_CHECK: [string, string] = ["  return real === root || real.startsWith(root + path.sep) ? real : null;", "  void root;\n  return real;"];
const TARGET_CHECK = '  return rest.startsWith("/") && TARGET_CHARACTERS.test(rest) ? rest : null;';
const JOIN = '  const joined = path.join(WEB_ROOT, ...segments.filter((segment) => segment !== "."));';

/** A server with defences taken out, and the attacks it must fall to (leak a token, or fail to answer 400/403/404). */
const broken: Array<{ name: string; patch: Array<[string, string]>; fallsTo: Attack[] }> = [
  {
    name: "no segment check, no root check (path.join of the decoded segments)",
    patch: [[SEGMENT_CHECK, ""], ROOT_CHECK],
    fallsTo: ["dotDot", "encodedDots", "encodedSlash", "encodedSlashAfter", "dotThenDotDot", "deeper", "siblingPrefix", "symlinkFile", "symlinkFolder"],
  },
  {
    name: "path.resolve of the joined segments, no checks (an absolute path leaves the root)",
    patch: [[SEGMENT_CHECK, ""], ROOT_CHECK, [JOIN, '  const joined = path.resolve(WEB_ROOT, segments.join("/"));']],
    fallsTo: ["dotDot", "encodedDots", "encodedSlash", "encodedSlashAfter", "dotThenDotDot", "deeper", "absoluteEncoded", "absoluteDoubleSlash", "siblingPrefix", "symlinkFile", "symlinkFolder"],
  },
  {
    // A raw "\" is no character a target may hold: the solution refuses it before any path is made
    // (phase 8's rule, RFC 9112 §3). A server that lets every character through has only the
    // defences below left to stop "/..\secret".
    name: "backslashes made slashes (Windows-minded code), no checks, any character let through",
    patch: [[SEGMENT_CHECK, ""], ROOT_CHECK, [JOIN, '  const joined = path.join(WEB_ROOT, ...segments.map((segment) => segment.replaceAll("\\\\", "/")));'], [TARGET_CHECK, '  return rest.startsWith("/") ? rest : null;']],
    fallsTo: ["dotDot", "encodedDots", "encodedSlash", "encodedSlashAfter", "dotThenDotDot", "deeper", "backslash", "backslashRaw", "siblingPrefix", "symlinkFile", "symlinkFolder"],
  },
  {
    name: "decoded a second time after the segment check, no root check",
    patch: [ROOT_CHECK, [JOIN, '  const joined = path.join(WEB_ROOT, ...segments.map((segment) => decodeURIComponent(segment)));']],
    fallsTo: ["doubleEncoded", "symlinkFile", "symlinkFolder"],
  },
  {
    name: "the root checked with a string prefix (seed 004's startswith), no segment check",
    patch: [[SEGMENT_CHECK, ""], [ROOT_CHECK[0], "  return real.startsWith(root) ? real : null;"]],
    fallsTo: ["siblingPrefix"],
  },
  {
    name: "the joined path checked, not its real path (symlinks followed out)",
    patch: [
      ["    real = await realpath(joined);", "    await stat(joined);\n    real = joined;"],
      ["const REAL_ROOT = realpath(WEB_ROOT).catch(() => WEB_ROOT);", "const REAL_ROOT = Promise.resolve(WEB_ROOT);"],
    ],
    fallsTo: ["symlinkFile", "symlinkFolder"],
  },
  {
    name: "no NUL check, and fs's error not caught (a 500 where a 404 belongs)",
    patch: [[SEGMENT_CHECK, '  if (segments.some((segment) => segment === ".." || /[/\\\\]/.test(segment))) return null;\n'], ["  try {\n    real = await realpath(joined);\n  } catch {\n    return null; // not there (or not readable): a 404\n  }", "  try {\n    real = await realpath(joined);\n  } catch (err) {\n    if ((err as NodeJS.ErrnoException).code !== \"ENOENT\") throw err;\n    return null;\n  }"]],
    fallsTo: ["nul"],
  },
];

/** Starts a server file with this run's WEB_ROOT; the caller kills it. */
async function start(command: string[], cwd: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(command[0]!, command.slice(1), { cwd, env: { ...process.env, PORT: String(port), WEB_ROOT: site.root, SLOW_MS: "100" }, stdio: "ignore" });
  await waitForPort(port);
  return { child, port };
}

/** The attacks a server falls to: it sent a token from outside the root, or answered other than 400, 403, 404. */
async function fallsTo(port: number): Promise<Attack[]> {
  const fallen: Attack[] = [];
  for (const { target, key } of attacks(site)) {
    const result = await exchange({
      host: "127.0.0.1",
      port,
      segments: [{ data: `GET ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n` }],
      until: () => false,
      replyTimeoutMs: 2000,
    });
    const status = result.received.length > 0 ? readResponse(result.received, true).statusLine?.status : undefined;
    const leaked = site.tokens.some((token) => result.received.includes(token));
    if (leaked || (status !== 400 && status !== 403 && status !== 404)) fallen.push(key);
  }
  return [...new Set(fallen)];
}

describe("each way out of the root catches the server without the defence against it", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "http-lab-traversal-"));
  writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fallen = new Set<Attack>();

  test.each(broken)("$name", async ({ name, patch, fallsTo: expected }) => {
    const file = path.join(dir, `${broken.findIndex((each) => each.name === name)}.ts`);
    writeFileSync(file, applyPatch(readFileSync(path.join(ROOT, SOLUTION), "utf8"), patch, SOLUTION));
    const { child, port } = await start([process.execPath, "--import", import.meta.resolve("tsx"), file], dir);
    try {
      const got = await fallsTo(port);
      expect(got.sort()).toEqual([...expected].sort());
      for (const key of got) fallen.add(key);
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("together, the broken servers fall to every attack 9.9 tries", () => {
    const all = new Set(attacks(site).map((each) => each.key));
    expect([...all].filter((key) => !fallen.has(key))).toEqual([]);
  });

  test("the solution falls to none", async () => {
    const { child, port } = await start([process.execPath, "--import", import.meta.resolve("tsx"), path.join(ROOT, SOLUTION)], ROOT);
    try {
      expect(await fallsTo(port)).toEqual([]);
    } finally {
      child.kill("SIGKILL");
    }
  });

  test.skipIf(!hasPython)("the Python reference falls to none", async () => {
    const { child, port } = await start(["python3", path.join(ROOT, "test/python/solution_9.py")], ROOT);
    try {
      expect(await fallsTo(port)).toEqual([]);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
