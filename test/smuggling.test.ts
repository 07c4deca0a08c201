/**
 * Every attack of 11.9 (keep.smuggling) is shown to catch a server: each defence of the solution
 * is taken out in turn (one broken server per missing defence), every attack is sent to it as the
 * check sends it (runAttack), and the attacks it falls to must be exactly the ones that defence
 * stops. The solution and the Python reference fall to none. Together the broken servers fall to
 * every attack.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ATTACKS, KEEP_CONTRACT, runAttack } from "../checker/grader/checks/keep.ts";
import { createRng } from "../checker/grader/rng.ts";
import { freePort } from "../checker/grader/run.ts";
import { findPhase } from "../checker/manifest.ts";
import type { CheckContext } from "../checker/types.ts";
import { ROOT, applyPatch, hasPython } from "./broken/harness.ts";
import { waitForPort } from "./net.ts";

const SOLUTION = "solutions/11-keep-alive/server.ts";

type Attack = (typeof ATTACKS)[number]["name"];

const TE_CHECK = "  if (encoding !== undefined) return { status: length === undefined ? 501 : 400 };";

/** A server with a defence taken out, and the attacks it must fall to (a hidden request answered, or no refusal and close). */
const broken: Array<{ name: string; patch: Array<[string, string]>; fallsTo: Attack[] }> = [
  {
    // "5, 85" (two lines arrive joined) is read as its first length, 5.
    name: "two different lengths not refused (the first one taken)",
    patch: [["  if (lengths.size !== 1) return null;\n", ""]],
    fallsTo: ["clClLines", "clClList"],
  },
  {
    // " chunked" and "\tchunked" are trimmed to "chunked", so teSpace and teTab are still refused.
    name: 'Transfer-Encoding refused only when it is exactly "chunked"',
    patch: [[TE_CHECK, '  if (encoding === "chunked") return { status: length === undefined ? 501 : 400 };']],
    fallsTo: ["xchunked", "chunkedIdentity", "teTwoLines"],
  },
  {
    name: "Transfer-Encoding ignored when a Content-Length is there",
    patch: [[TE_CHECK, "  if (encoding !== undefined && length === undefined) return { status: 501 };"]],
    fallsTo: ["clTe", "teCl", "xchunked", "chunkedIdentity", "teSpace", "teTab", "teTwoLines"],
  },
  {
    // The refusal is answered, then the bytes after the refused head are read as the next request:
    // the body ("hello…", "0\r\n\r\n…", "50\r\n…") gets an answer of its own, or the hidden request does.
    name: "reading goes on after a refusal (its head dropped, the connection kept)",
    patch: [
      [
        "      done = true;\n      clearTimeout(timer);\n      received = Buffer.alloc(0);\n      socket.end(response);",
        "      socket.write(response);\n      const end = BLANK_LINE.exec(received.toString(\"latin1\"));\n      received = end ? received.subarray(end.index + end[0].length) : Buffer.alloc(0);\n      readRequest();",
      ],
    ],
    fallsTo: ATTACKS.map((attack) => attack.name),
  },
];

const phase = findPhase("11")!;
const webRoot = path.join(ROOT, "phases/9-static/public");

/** The least a check needs to run against a server on `port`: no process, module or site of ours. */
function context(port: number): CheckContext {
  return {
    phase,
    target: { kind: "port", port },
    rng: createRng(11),
    host: "127.0.0.1",
    port,
    tryPort: port,
    slowMs: 0,
    startupTimeoutMs: 5000,
    server: null,
    module: null,
    site: null,
    browser: false,
    passed: () => true,
    memo: (_key, make) => make(),
  };
}

const started = new Set<ChildProcess>();
afterAll(() => {
  for (const child of started) child.kill("SIGKILL");
});

/** Starts a server with the phase's environment; stop() kills it. */
async function start(command: string[], cwd: string): Promise<{ port: number; stop: () => void }> {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), WEB_ROOT: webRoot, SLOW_MS: "100", KEEP_ALIVE_MS: String(KEEP_CONTRACT.keepAliveMs) };
  const child = spawn(command[0]!, command.slice(1), { cwd, env, stdio: "ignore" });
  started.add(child);
  await waitForPort(port);
  return { port, stop: () => (child.kill("SIGKILL"), started.delete(child)) };
}

/** The attacks a server falls to, each sent on a connection of its own. */
async function fallsTo(port: number): Promise<Attack[]> {
  const ctx = context(port);
  const fallen: Attack[] = [];
  for (const attack of ATTACKS) if ((await runAttack(ctx, attack)) !== null) fallen.push(attack.name);
  return fallen;
}

const tsx = (file: string): string[] => [process.execPath, "--import", import.meta.resolve("tsx"), file];

describe("each smuggling attack catches the server without the defence against it", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "http-lab-smuggling-"));
  writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fallen = new Set<Attack>();

  test.each(broken)("$name", async ({ name, patch, fallsTo: expected }) => {
    const file = path.join(dir, `${broken.findIndex((each) => each.name === name)}.ts`);
    writeFileSync(file, applyPatch(readFileSync(path.join(ROOT, SOLUTION), "utf8"), patch, SOLUTION));
    const server = await start(tsx(file), dir);
    try {
      const got = await fallsTo(server.port);
      expect(got.sort()).toEqual([...expected].sort());
      for (const key of got) fallen.add(key);
    } finally {
      server.stop();
    }
  });

  test("together, the broken servers fall to every attack 11.9 tries", () => {
    expect(ATTACKS.map((attack) => attack.name).filter((key) => !fallen.has(key))).toEqual([]);
  });

  test("the solution falls to none", async () => {
    const server = await start(tsx(path.join(ROOT, SOLUTION)), ROOT);
    try {
      expect(await fallsTo(server.port)).toEqual([]);
    } finally {
      server.stop();
    }
  });

  test.skipIf(!hasPython)("the Python reference falls to none", async () => {
    const server = await start(["python3", path.join(ROOT, "test/python/solution_11.py")], ROOT);
    try {
      expect(await fallsTo(server.port)).toEqual([]);
    } finally {
      server.stop();
    }
  });
});
