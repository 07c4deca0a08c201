/**
 * Every attack of 11.9 (keep.smuggling) is shown to catch a server: each defence of the solution
 * is taken out in turn (one broken server per missing defence), every attack is sent to it as the
 * check sends it (runAttack), and the attacks it falls to must be exactly the ones that defence
 * stops. The solution and the Python reference fall to none. Together the broken servers fall to
 * every attack.
 *
 * Phase 14 reads chunked bodies, and adds the attacks on a chunk's framing (CHUNK_ATTACKS): a size
 * line or a chunk's end that a reader which guesses (parseInt, extensions skipped, a bare LF taken
 * for CRLF, two bytes skipped after the data, a size kept in 64 bits) reads as a body, so that the
 * request behind it is answered, where phase 14's solution refuses and closes. The same cases go to
 * llhttp (node:http's parser, the one Node's own server uses), and its verdict is kept beside each.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import http from "node:http";
import net from "node:net";
import { afterAll, describe, expect, test } from "vitest";
import { ATTACKS, KEEP_CONTRACT, get, head, refusedAndClosed, runAttack } from "../checker/grader/checks/keep.ts";
import { RULES } from "../checker/grader/http-rules.ts";
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

const webRoot = path.join(ROOT, "phases/9-static/public");

/** The least a check needs to run against a server on `port`: no process, module or site of ours. */
function context(port: number, phase = findPhase("11")!): CheckContext {
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

// ---------------------------------------------------------------------------------------------
// Phase 14: a chunk's framing.

const CHUNKED_SOLUTION = "solutions/14-chunked/server.ts";
const phase14 = findPhase("14")!;

/**
 * What a reader does with a chunked body of [1] with a GET behind it: "reads" it (the echo [1],
 * then the GET's answer) or "refuses" it (400 or 413, then the close; the GET never answered).
 */
type Verdict = "reads" | "refuses";

/**
 * Broken framings of a chunked body of [1] (RFC 9112 §7.1), a GET behind each. The solution refuses
 * them and closes. A reader that guesses reads [1] and answers the GET: behind a proxy that refuses
 * the body, or reads it otherwise, that GET is a request smuggled past the proxy. `llhttp` is what
 * node:http's parser does (the same on Node 22, 24 and 26): it refuses every one too.
 */
const CHUNK_ATTACKS = [
  // chunk-size [ chunk-ext ] CRLF (§7.1): BWS is allowed only before an extension's ";" (§7.1.1), and here no ";" follows.
  { name: "spaceAfterSize", body: "3 \r\n[1]\r\n0\r\n\r\n", allowed: [400], llhttp: "refuses" },
  // Nothing comes before the digits (§7.1); parseInt skips leading whitespace.
  { name: "spaceBeforeSize", body: " 3\r\n[1]\r\n0\r\n\r\n", allowed: [400], llhttp: "refuses" },
  // chunk-size = 1*HEXDIG (§7.1): no "0x" (parseInt(line, 16) skips one), no sign, nothing after the digits but an extension.
  { name: "hexPrefix", body: "0x3\r\n[1]\r\n0\r\n\r\n", allowed: [400], llhttp: "refuses" },
  { name: "sign", body: "+3\r\n[1]\r\n0\r\n\r\n", allowed: [400], llhttp: "refuses" },
  { name: "junkAfterSize", body: "3z\r\n[1]\r\n0\r\n\r\n", allowed: [400], llhttp: "refuses" },
  // A chunk-ext is ";" and a name, a token of one character at least (§7.1.1, RFC 9110 §5.6.2): ";" alone is none.
  { name: "extensionWithoutName", body: "3;\r\n[1]\r\n0\r\n\r\n", allowed: [400], llhttp: "refuses" },
  // The size line ends with CRLF (§7.1). §2.2's leave to take a bare LF is for the start line and fields, not chunk framing.
  { name: "bareLfAfterSize", body: "3\n[1]\r\n0\r\n\r\n", allowed: [400], llhttp: "refuses" },
  { name: "bareLfAfterLastChunk", body: "3\r\n[1]\r\n0\n\n", allowed: [400], llhttp: "refuses" },
  // chunk-data is exactly chunk-size octets, then CRLF (§7.1): a reader that skips two bytes after the data takes "XX" for it.
  { name: "dataLongerThanSize", body: "3\r\n[1]XX0\r\n\r\n", allowed: [400], llhttp: "refuses" },
  // 2^64 + 3: kept in 64 bits it wraps to 3. A recipient MUST guard against such overflow (§7.1); 413 (too big) refuses it too.
  { name: "sizeOver64Bits", body: "10000000000000003\r\n[1]\r\n0\r\n\r\n", allowed: [400, 413], llhttp: "refuses" },
] as const satisfies ReadonlyArray<{ name: string; body: string; allowed: readonly number[]; llhttp: Verdict }>;

type ChunkAttack = (typeof CHUNK_ATTACKS)[number]["name"];

/**
 * Where llhttp and the solution disagree. No request hides in these: every reader that takes one
 * ends the body at the same byte, so the disagreement is only about refusing. Each says whose
 * reading RFC 9112 supports.
 */
const CHUNK_EDGES: Array<{ name: string; body: string; solution: Verdict; llhttp: Verdict }> = [
  // BWS before an extension's ";" is allowed (§7.1.1), and a recipient MUST parse it (RFC 9110 §5.6.3): the solution
  // reads it, as chunked.request-forms asks; llhttp refuses it, stricter than the RFC (a refusal, so no harm).
  { name: "spaceBeforeExtension", body: "3 ;a=b\r\n[1]\r\n0\r\n\r\n", solution: "reads", llhttp: "refuses" },
  // chunk-ext-val is a token or a quoted-string (§7.1.1), never empty: the solution refuses "a="; llhttp reads it.
  { name: "extensionWithEmptyValue", body: "3;a=\r\n[1]\r\n0\r\n\r\n", solution: "refuses", llhttp: "reads" },
  // chunk-size is 1*HEXDIG, as many digits as the sender likes (§7.1), and the recipient guards against overflow.
  // The contract allows 16 digits at most (so a 64-bit reader never overflows) and refuses more, zeros or not: this
  // lab's rule, a limit the RFC leaves to the server. llhttp counts the value, not the digits, and reads 3.
  { name: "seventeenDigitsWithZeros", body: "00000000000000003\r\n[1]\r\n0\r\n\r\n", solution: "refuses", llhttp: "reads" },
];

const SIZE_PATTERN = "const CHUNK_SIZE_LINE = /^([0-9A-Fa-f]{1,16})(?:";
const SIZE_READ = "    const length = parseInt(found[1]!, 16);";

/** Phase 14's solution with one defence of its chunk reader taken out, and the attacks it must fall to. */
const chunkedBroken: Array<{ name: string; patch: Array<[string, string]>; fallsTo: ChunkAttack[] }> = [
  {
    name: "the size read by parseInt(line, 16) (it skips spaces, a sign and 0x, and stops at the first other byte)",
    patch: [
      ["    if (!found) return { status: 400 };\n", ""],
      [SIZE_READ, "    const length = parseInt(line.line, 16);\n    if (Number.isNaN(length)) return { status: 400 };"],
    ],
    fallsTo: ["spaceAfterSize", "spaceBeforeSize", "hexPrefix", "sign", "junkAfterSize", "extensionWithoutName"],
  },
  {
    name: 'whatever follows ";" skipped, not read as extensions',
    patch: [[SIZE_PATTERN, "const CHUNK_SIZE_LINE = /^([0-9A-Fa-f]{1,16})(?:;.*)?(?:"]],
    fallsTo: ["extensionWithoutName"],
  },
  {
    name: "a bare LF taken for the end of a size or trailer line",
    patch: [
      [
        '  if (lf === 0 || data[at + lf - 1] !== 0x0d) return { status: 400 };\n  return { line: data.toString("latin1", at, at + lf - 1), next: at + lf + 1 };',
        '  const cr = lf > 0 && data[at + lf - 1] === 0x0d ? 1 : 0;\n  return { line: data.toString("latin1", at, at + lf - cr), next: at + lf + 1 };',
      ],
    ],
    fallsTo: ["bareLfAfterSize", "bareLfAfterLastChunk"],
  },
  {
    name: "the two bytes after a chunk's data skipped, not checked to be CRLF",
    patch: [
      [
        "    const after = data.subarray(end, end + 2);\n    if (!after.equals(CRLF.subarray(0, after.length))) return { status: 400 };\n    if (after.length < 2) return wait();",
        "    if (data.length < end + 2) return wait();",
      ],
    ],
    fallsTo: ["dataLongerThanSize"],
  },
  {
    name: "the size kept in 64 bits, wrapping as unsigned arithmetic in C does (and any number of digits)",
    patch: [
      [SIZE_PATTERN, "const CHUNK_SIZE_LINE = /^([0-9A-Fa-f]+)(?:"],
      [SIZE_READ, "    const length = Number(BigInt.asUintN(64, BigInt(`0x${found[1]!}`)));"],
    ],
    fallsTo: ["sizeOver64Bits"],
  },
];

/** A POST of a chunked body to the echo, with a GET behind it. */
const chunkedPost = (body: string, behind: string): string => head("POST", "/api/echo", ["Content-Type: application/json", "Transfer-Encoding: chunked"]) + body + behind;

/** The chunk attacks a server falls to (the request behind answered, or no refusal and close), each on a connection of its own. */
async function chunkFallsTo(port: number): Promise<ChunkAttack[]> {
  const ctx = context(port, phase14);
  const fallen: ChunkAttack[] = [];
  for (const attack of CHUNK_ATTACKS) {
    const hiddenPath = `/smuggled-${ctx.rng.word(6)}`;
    const found = await refusedAndClosed(ctx, {
      what: `For a chunked body (${attack.name}),`,
      attack: chunkedPost(attack.body, get(hiddenPath)),
      hiddenPath,
      allowed: [...attack.allowed],
      rule: RULES.chunked,
      hint: "",
      expected: `${attack.allowed.join(" or ")}, then the close`,
    });
    if (found !== null) fallen.push(attack.name);
  }
  return fallen;
}

/** What a server on `port` does with `body` (see Verdict), on a connection of its own; null for anything else. */
async function verdictOf(port: number, body: string): Promise<Verdict | null> {
  const { bytes, closed } = await new Promise<{ bytes: string; closed: boolean }>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let bytes = "";
    let quiet: NodeJS.Timeout | undefined;
    const done = (closed: boolean) => {
      clearTimeout(quiet);
      clearTimeout(limit);
      socket.destroy();
      resolve({ bytes, closed });
    };
    // Read until the close, or until nothing has come for 300 ms (a kept connection), 3 s at most.
    const limit = setTimeout(() => done(false), 3000);
    socket.on("data", (data) => {
      bytes += data.toString("latin1");
      clearTimeout(quiet);
      quiet = setTimeout(() => done(false), 300);
    });
    socket.on("error", () => {});
    socket.on("close", () => done(true));
    socket.write(chunkedPost(body, get("/about")));
  });
  // Not anchored to a line: the second status line follows the body "[1]" at once.
  const statuses = [...bytes.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
  if (statuses.length === 2 && statuses.every((status) => status === 200) && bytes.includes("\r\n\r\n[1]HTTP/1.1 ")) return "reads";
  if (statuses.length === 1 && (statuses[0] === 400 || statuses[0] === 413) && closed) return "refuses";
  return null;
}

/** node:http's server (llhttp parses its requests): each body back as it came, 200. */
async function llhttpServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    const pieces: Buffer[] = [];
    request.on("data", (piece: Buffer) => pieces.push(piece));
    request.on("end", () => response.end(Buffer.concat(pieces)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

describe("each chunk attack catches the phase 14 server whose chunk reader guesses", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "http-lab-smuggling-14-"));
  writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fallen = new Set<ChunkAttack>();

  test.each(chunkedBroken)("$name", async ({ name, patch, fallsTo: expected }) => {
    const file = path.join(dir, `${chunkedBroken.findIndex((each) => each.name === name)}.ts`);
    writeFileSync(file, applyPatch(readFileSync(path.join(ROOT, CHUNKED_SOLUTION), "utf8"), patch, CHUNKED_SOLUTION));
    const server = await start(tsx(file), dir);
    try {
      const got = await chunkFallsTo(server.port);
      expect(got.sort()).toEqual([...expected].sort());
      for (const key of got) fallen.add(key);
    } finally {
      server.stop();
    }
  });

  test("together, the broken servers fall to every chunk attack", () => {
    expect(CHUNK_ATTACKS.map((attack) => attack.name).filter((key) => !fallen.has(key))).toEqual([]);
  });

  test("the solution falls to none, nor to any attack of 11.9, and reads the edges as their comments say", async () => {
    const server = await start(tsx(path.join(ROOT, CHUNKED_SOLUTION)), ROOT);
    try {
      expect(await chunkFallsTo(server.port)).toEqual([]);
      expect(await fallsTo(server.port)).toEqual([]);
      for (const edge of CHUNK_EDGES) expect([edge.name, await verdictOf(server.port, edge.body)]).toEqual([edge.name, edge.solution]);
    } finally {
      server.stop();
    }
  });

  test.skipIf(!hasPython)("the Python reference falls to none, and reads the edges as the solution does", async () => {
    const server = await start(["python3", path.join(ROOT, "test/python/solution_14.py")], ROOT);
    try {
      expect(await chunkFallsTo(server.port)).toEqual([]);
      for (const edge of CHUNK_EDGES) expect([edge.name, await verdictOf(server.port, edge.body)]).toEqual([edge.name, edge.solution]);
    } finally {
      server.stop();
    }
  });

  test("llhttp (node:http's parser) gives each case the verdict its comment says", async () => {
    const server = await llhttpServer();
    try {
      const cases = [...CHUNK_ATTACKS.map(({ name, body, llhttp }) => ({ name, body, llhttp })), ...CHUNK_EDGES];
      const got = [];
      for (const each of cases) got.push([each.name, await verdictOf(server.port, each.body)]);
      expect(got).toEqual(cases.map((each) => [each.name, each.llhttp]));
    } finally {
      await server.close();
    }
  });
});
