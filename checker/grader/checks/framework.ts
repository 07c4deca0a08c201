/**
 * Phase 15: a real framework's app on the student's server. Every request goes to the student's
 * server and to the same app (phases/15-framework/app.ts) under @hono/node-server, the adapter
 * everyone else uses, started inside the checker; the two answers are compared: the status, the
 * fields the app set, the body's bytes once the framing is off. The framing itself is the strict
 * reader's to judge. Then the same on one connection and in a pipeline, and real clients.
 */
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Conversation } from "../conversation.ts";
import { curlName, runCurl } from "../curl.ts";
import { header, mustProblems, readResponse, type ParsedResponse } from "../http-reader.ts";
import { RULES } from "../http-rules.ts";
import { MAX_KEPT_BYTES } from "../wire.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { arrivedAt } from "./chunked.ts";
import { ask, evidence, fetchIdempotent, replyTimeout, throughOwnConnections, leavePolitely } from "./common.ts";
import { conversationEvidence, head } from "./keep.ts";
import { quiet } from "./pipeline.ts";
import { problemMessage } from "./respond.ts";

const words = text.framework;

/** The lab's root: the app is found from here, whatever the checker's working folder. */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Fields the server decides, not the app: framing and connection management, its clock and its name. */
const SERVERS_OWN = new Set(["date", "server", "connection", "keep-alive", "content-length", "transfer-encoding"]);

/**
 * The app beside the graded file (a solution's copy, with its own public/ folder and its files'
 * dates), else the phase's: the same app, with the same files, runs on both sides.
 */
function appFile(ctx: CheckContext): string {
  const beside = ctx.target.kind === "file" ? path.join(path.dirname(ctx.target.file), "app.ts") : null;
  return beside !== null && existsSync(beside) ? beside : path.join(ROOT, ctx.phase.dir, "app.ts");
}

interface Reference {
  port: number;
}

/** The app under @hono/node-server, once per run (it lets the checker exit: unref). */
function reference(ctx: CheckContext): Promise<Reference | { error: string }> {
  return ctx.memo("framework.reference", async () => {
    try {
      const [{ serve }, module] = await Promise.all([import("@hono/node-server"), import(pathToFileURL(appFile(ctx)).href)]);
      const app = (module as { app?: { fetch: (request: Request) => Response | Promise<Response> } }).app;
      if (!app || typeof app.fetch !== "function") return { error: words.noApp(path.relative(ROOT, appFile(ctx))) };
      return await new Promise<Reference>((resolve) => {
        const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => resolve({ port: info.port }));
        server.unref();
      });
    } catch (error) {
      return { error: words.appFailed(path.relative(ROOT, appFile(ctx)), error instanceof Error ? error.message : String(error)) };
    }
  });
}

/** What an answer holds that the app decided: its status, its fields (lowercase names, in order), its body. */
interface Seen {
  status: number | null;
  fields: Array<[string, string]>;
  body: Buffer;
}

function seen(response: ParsedResponse): Seen {
  return {
    status: response.statusLine?.status ?? null,
    fields: response.headers.map(([name, value]) => [name.toLowerCase(), value.trim()] as [string, string]).filter(([name]) => !SERVERS_OWN.has(name)),
    body: response.body,
  };
}

/** The values of one field, in order. */
const valuesOf = (fields: Array<[string, string]>, name: string): string[] => fields.filter(([each]) => each === name).map(([, value]) => value);

const shownValues = (values: string[]): string => (values.length === 0 ? words.none : values.map((value) => JSON.stringify(value)).join(", "));
const shownBody = (body: Buffer): string => (body.length === 0 ? words.emptyBody : `${JSON.stringify(body.subarray(0, 100).toString("utf8"))}${body.length > 100 ? "…" : ""} (${body.length} bytes)`);

/** Null when the two answers agree on what the app decided; else what differs, in words. */
function difference(student: Seen, app: Seen, statusOnly = false): { message: string; rule?: Finding["rule"] } | null {
  if (student.status !== app.status) return { message: words.statusDiffers(student.status, app.status) };
  if (statusOnly) return null;
  const names = [...new Set([...student.fields, ...app.fields].map(([name]) => name))];
  for (const name of names) {
    const mine = valuesOf(student.fields, name);
    const theirs = valuesOf(app.fields, name);
    if (mine.length === theirs.length && mine.every((value, i) => value === theirs[i])) continue;
    // Two Set-Cookie values joined into one line: a cookie's Expires holds a comma, so they cannot be split again (RFC 6265 §3).
    if (name === "set-cookie" && mine.length === 1 && theirs.length > 1 && mine[0] === theirs.join(", ")) return { message: words.cookiesJoined(theirs.length), rule: RULES.setCookieApart };
    return { message: words.fieldDiffers(canonical(name), shownValues(mine), shownValues(theirs)) };
  }
  if (!student.body.equals(app.body)) return { message: words.bodyDiffers(shownBody(student.body), shownBody(app.body)) };
  return null;
}

const canonical = (field: string): string => field.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());

/** One request of a check: its bytes, its label, its method (a HEAD's answer ends with its head). */
interface Step {
  label: string;
  request: string | Buffer;
  method?: string;
  /** Compare only the status (an app that crashed: the adapter's 500, whatever its body). */
  statusOnly?: boolean;
}

const GET = (target: string, fields: string[] = [], version?: string): Step => ({ label: `GET ${target}${version ? ` (${version})` : ""}`, request: head("GET", target, fields, version) });

/** A GET whose Host is another name with a port (head() always says localhost). */
const hostStep = (target: string): Step => ({
  label: `GET ${target} with Host: lab.test:8080`,
  request: `GET ${target} HTTP/1.1\r\nHost: lab.test:8080\r\nUser-Agent: http-lab-checker\r\n\r\n`,
});

/** Sends `steps` on one connection to each server (one write each when `pipelined`) and compares the answers in order. */
async function compare(
  ctx: CheckContext,
  steps: Step[],
  options: {
    pipelined?: boolean;
    expected?: string;
    /** More to judge of one answer, once it agrees with the app's (a HEAD's Content-Length). */
    inspect?: (step: Step, answer: ParsedResponse) => Promise<{ message: string; rule?: Finding["rule"] } | null>;
    /**
     * After the last answer, wait until the server is quiet and name any bytes that came after
     * it. Only where such bytes are the likely mistake (a HEAD's, a 204's, a pipeline's end):
     * the wait costs a check 150 ms.
     */
    trailing?: boolean;
  } = {},
): Promise<Finding | null> {
  const ref = await reference(ctx);
  if ("error" in ref) return { status: "error", message: ref.error };
  const waitMs = replyTimeout(ctx, 3000);
  const [mine, theirs] = await Promise.all([Conversation.open(ctx.host, ctx.port), Conversation.open("127.0.0.1", ref.port)]);
  if (!(mine instanceof Conversation)) {
    if (theirs instanceof Conversation) theirs.close();
    return { message: text.common.couldNotConnect(mine.error), hint: text.common.isServerRunning };
  }
  if (!(theirs instanceof Conversation)) {
    mine.close();
    return { status: "error", message: words.appFailed("@hono/node-server", theirs.error) };
  }
  const expected = options.expected ?? words.sameExpected;
  // Where each of the server's answers starts in what came: to read one again, alone, when bytes follow it that no answer explains.
  const starts: number[] = [];
  try {
    const answers = async (talk: Conversation, mark?: number[]): Promise<Array<ParsedResponse | null>> => {
      const got: Array<ParsedResponse | null> = [];
      if (options.pipelined) await talk.write(Buffer.concat(steps.map((step) => Buffer.from(step.request))));
      for (const step of steps) {
        if (!options.pipelined) await talk.write(step.request);
        mark?.push(talk.connection.received.length - talk.unread.length);
        got.push(await talk.next(waitMs, step.method));
        if (got.at(-1) === null) break;
      }
      return got;
    };
    const [mineGot, theirsGot] = await Promise.all([answers(mine, starts), answers(theirs)]);
    /** What is wrong with answer `i` read alone: bytes after its end that its framing does not explain (a length in characters, a body after a HEAD's head). */
    const readAlone = (i: number): { message: string; rule: Finding["rule"] } | null => {
      const alone = readResponse(mine.connection.received.subarray(starts[i]), !mine.open, { method: steps[i]!.method });
      const problem = alone.problems.find((each) => ["length-in-characters", "body-longer", "content-after-head"].includes(each.code));
      return problem ? { message: problemMessage(problem), rule: problem.rule } : null;
    };
    for (const [i, step] of steps.entries()) {
      const fail = async (finding: { message: string; rule?: Finding["rule"]; hint?: string }): Promise<Finding> => {
        await quiet(mine);
        await quiet(theirs);
        const what = steps.length > 1 ? words.forAnswer(i + 1, step.label) : words.forRequest(step.label);
        // The app's own answers to the same bytes, shown beside the server's.
        const app = theirs.connection.received;
        return {
          expected,
          ...finding,
          message: `${what} ${lowerFirst(finding.message)}`,
          ...conversationEvidence(ctx, mine),
          ...(app.length > 0 ? { reference: app, referenceNote: words.appAnswerNote } : {}),
        };
      };
      const answer = mineGot[i] ?? null;
      const app = theirsGot[i] ?? null;
      if (app === null) return { status: "error", message: words.appSilent(step.label) };
      if (answer === null) {
        // Bytes came that start no answer: the one before ran on past its end. All of them, once the server is quiet.
        await quiet(mine);
        const unread = mine.unread;
        if (i > 0 && unread.length > 0 && !"HTTP/".startsWith(unread.subarray(0, 5).toString("latin1")) && !unread.subarray(0, 5).toString("latin1").startsWith("HTTP/")) {
          const before = readAlone(i - 1);
          return fail({ message: words.notAnAnswer(unread.length, i, before?.message ?? null), rule: before?.rule ?? RULES.extraBytes });
        }
        return fail({ message: words.noAnswer(mine.open, waitMs / 1000) });
      }
      // The framing is the server's: a MUST broken there is named before any comparison.
      const broken = mustProblems(answer)[0];
      if (broken) return fail({ message: problemMessage(broken), rule: broken.rule });
      const differs = difference(seen(answer), seen(app), step.statusOnly);
      if (differs) {
        // A body cut short by its own Content-Length (a length in characters): the framing is the mistake to name.
        const framing = answer.body.equals(app.body) ? null : readAlone(i);
        return fail(framing ?? { message: differs.message, rule: differs.rule ?? RULES.sameAsApp });
      }
      const more = await options.inspect?.(step, answer);
      if (more) return fail(more);
    }
    // After the last answer, nothing more may come: a body after a HEAD's head, a length that counts characters.
    if (!options.trailing) return null;
    await quiet(mine);
    const last = mineGot.length - 1;
    if (last >= 0 && mine.unread.length > 0) {
      const alone = readAlone(last);
      const step = steps[last]!;
      const what = steps.length > 1 ? words.forAnswer(last + 1, step.label) : words.forRequest(step.label);
      return { expected, message: `${what} ${lowerFirst(alone?.message ?? words.bytesAfter(mine.unread.length))}`, rule: alone?.rule ?? RULES.extraBytes, ...conversationEvidence(ctx, mine) };
    }
    return null;
  } finally {
    await leavePolitely(ctx, (waitMs) => mine.finish(waitMs));
    await theirs.finish();
  }
}

const lowerFirst = (message: string): string => message.charAt(0).toLowerCase() + message.slice(1);

/** A check that compares each of `steps`, on a fresh connection each. */
function comparing(id: keyof typeof text.checks, steps: (ctx: CheckContext) => Step[], requires = ["framework.hello"]): Check {
  return {
    id,
    ...text.checks[id],
    requires,
    async run(ctx) {
      for (const step of steps(ctx)) {
        const found = await compare(ctx, [step]);
        if (found) return found;
      }
      return null;
    },
  };
}

const json = (target: string, body: string, fields: string[] = []): Step => ({
  label: `POST ${target} (${Buffer.byteLength(body)} bytes)`,
  request: head("POST", target, ["Content-Type: application/json", `Content-Length: ${Buffer.byteLength(body)}`, ...fields]) + body,
});

// Alone: the request checks ask whether it passed before they run (requests.ts).
export const frameworkHello: Check = { ...comparing("framework.hello", () => [GET("/")], ["start"]), alone: true };

export const frameworkParams = comparing("framework.params", (ctx) => {
  const id = ctx.rng.word(6);
  // A Host with a name and a port of its own: the URL the app sees is built from it, not from where the server listens.
  return [GET(`/users/${id}`), hostStep(`/users/${id}`), GET("/users/J%C3%BCrgen"), GET(`/search?q=a+b%26c&tag=${ctx.rng.word(3)}&tag=x`)];
});

export const frameworkHeaders = comparing("framework.headers", () => [GET("/headers", ["X-Tag: first", "X-Tag: second"])]);

export const frameworkPost = comparing("framework.post", (ctx) => {
  const value = JSON.stringify({ word: ctx.rng.word(7), list: [1, 2, 3], text: "Zoë ✓" });
  const chunkedBody = `${Buffer.byteLength(value.slice(0, 10)).toString(16)}\r\n${value.slice(0, 10)}\r\n${Buffer.byteLength(value.slice(10)).toString(16)}\r\n${value.slice(10)}\r\n0\r\n\r\n`;
  return [
    json("/echo", value),
    { label: "POST /echo (chunked)", request: head("POST", "/echo", ["Content-Type: application/json", "Transfer-Encoding: chunked"]) + chunkedBody },
    json("/echo", "{not json"),
  ];
});

export const frameworkRedirect = comparing("framework.redirect", () => [GET("/old")]);

export const frameworkCookies = comparing("framework.cookies", () => [GET("/login")]);

/** The app writes /stream's parts this far apart. */
const APP_STREAM_GAP_MS = 100;

export const frameworkStream: Check = {
  id: "framework.stream",
  ...text.checks["framework.stream"],
  requires: ["framework.hello"],
  async run(ctx) {
    for (const step of [GET("/stream"), GET("/stream", [], "HTTP/1.0")]) {
      const found = await compare(ctx, [step]);
      if (found) return found;
    }
    // As it comes: three parts 100 ms apart take 200 ms; a server that reads the whole body
    // before it sends any sends them together. Half of it is the bar, for a busy machine.
    const answer = await ask(ctx, [{ data: head("GET", "/stream") }], { timeoutMs: replyTimeout(ctx, 3000) });
    const response = answer.response;
    if (response === null || response.bodyStart === null || !response.complete) return null;
    const chunks = answer.result.connection?.chunks ?? [];
    const first = arrivedAt(chunks, response.bodyStart);
    const gapMs = first === null ? 0 : Math.round((chunks.at(-1)?.atMs ?? 0) - first);
    if (gapMs < APP_STREAM_GAP_MS) return { message: words.streamAllAtOnce(gapMs, APP_STREAM_GAP_MS * 2), expected: words.streamExpected, rule: RULES.streamAsMade, hint: words.streamHint, ...evidence(ctx, answer) };
    return null;
  },
};

export const frameworkHead: Check = {
  id: "framework.head",
  ...text.checks["framework.head"],
  requires: ["framework.hello"],
  async run(ctx) {
    for (const target of ["/", "/users/7"]) {
      const found = await compare(ctx, [{ label: `HEAD ${target}`, request: head("HEAD", target), method: "HEAD" }], {
        trailing: true,
        // A HEAD's Content-Length, if it has one, is the length of the body its GET gets (RFC 9110 §8.6, MUST).
        inspect: async (_step, answer) => {
          const length = header(answer, "content-length")?.trim();
          if (length === undefined) return null;
          const ref = await reference(ctx);
          if ("error" in ref) return null;
          // The app's GET, with the same head: its body's length (the URL in it has the same Host).
          const talk = await Conversation.open("127.0.0.1", ref.port);
          if (!(talk instanceof Conversation)) return null;
          const got = await talk.ask(head("GET", target), replyTimeout(ctx, 3000)).then((exchange) => exchange.response?.body.length ?? null);
          await talk.finish();
          return got === null || length === String(got) ? null : { message: words.headLength(length, got), rule: RULES.headLength };
        },
      });
      if (found) return found;
    }
    return null;
  },
};

export const frameworkNoContent: Check = {
  id: "framework.no-content",
  ...text.checks["framework.no-content"],
  requires: ["framework.hello"],
  async run(ctx) {
    // A 204 ends with its head: bytes after it are a body it may not have.
    return (await compare(ctx, [GET("/empty")], { trailing: true })) ?? compare(ctx, [GET("/nope")]);
  },
};

export const frameworkErrors: Check = {
  id: "framework.errors",
  ...text.checks["framework.errors"],
  requires: ["framework.hello"],
  async run(ctx) {
    const boom = await compare(ctx, [GET("/boom")]);
    if (boom) return boom;
    // The app's fetch rejects: the adapter answers 500 itself, and the connection goes on.
    return compare(ctx, [{ ...GET("/crash"), statusOnly: true }, GET("/")], { expected: words.crashExpected });
  },
};

export const frameworkStatic = comparing("framework.static", () => [GET("/static/hello.txt")]);

export const frameworkKept: Check = {
  id: "framework.kept",
  ...text.checks["framework.kept"],
  requires: ["framework.hello"],
  async run(ctx) {
    // Text beyond ASCII in a body: a length that counts characters runs into the next answer.
    const body = JSON.stringify({ n: ctx.rng.int(1, 99), name: "Zoë ✓" });
    const steps = [GET("/"), json("/echo", body), GET("/users/J%C3%BCrgen"), { label: "HEAD /", request: head("HEAD", "/"), method: "HEAD" }, GET("/login")];
    const one = await compare(ctx, steps, { expected: words.keptExpected, trailing: true });
    if (one) return one;
    return compare(ctx, steps, { pipelined: true, expected: words.pipelinedExpected, trailing: true });
  },
};

export const clientFetchApp: Check = {
  id: "client.fetch-app",
  ...text.checks["client.fetch-app"],
  requires: ["framework.hello"],
  async run(ctx) {
    const ref = await reference(ctx);
    if ("error" in ref) return { status: "error", message: ref.error };
    const client = `Node ${process.versions.node.split(".").slice(0, 2).join(".")}'s fetch`;
    const asks: Array<{ label: string; target: string; init?: RequestInit }> = [
      // Not /users/:id: its answer shows the URL, whose Host (127.0.0.1 and each server's own port) fetch writes itself.
      { label: "GET /search?q=fetch&tag=a&tag=b", target: "/search?q=fetch&tag=a&tag=b" },
      { label: "POST /echo", target: "/echo", init: { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: "fetch" }) } },
      { label: "GET /login", target: "/login" },
      { label: "GET /stream", target: "/stream" },
    ];
    /** What fetch makes of one answer: the status, the cookies apart, the content type and the body. */
    const read = async (origin: string, target: string, init?: RequestInit): Promise<string> => {
      try {
        const response = await fetchIdempotent(`${origin}${target}`, { ...init, redirect: "manual", signal: AbortSignal.timeout(replyTimeout(ctx, 3000)) });
        const bytes = Buffer.from(await response.arrayBuffer()).subarray(0, MAX_KEPT_BYTES);
        return JSON.stringify({ status: response.status, type: response.headers.get("content-type"), cookies: response.headers.getSetCookie(), body: bytes.toString("utf8") });
      } catch (error) {
        return words.fetchFailed(error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ""}` : String(error));
      }
    };
    for (const { label, target, init } of asks) {
      // The student's server through connections of this check's own (see throughOwnConnections).
      const mine = await throughOwnConnections(ctx, (origin) => read(origin, target, init));
      const theirs = await read(`http://127.0.0.1:${ref.port}`, target, init);
      if (mine !== theirs) {
        return {
          message: words.clientDiffers(client, label, mine, theirs),
          expected: words.sameExpected,
          rule: RULES.sameAsApp,
          tryIt: `node -e "fetch('http://127.0.0.1:${ctx.tryPort}${target}').then(async r => console.log(r.status, r.headers.getSetCookie(), await r.text()))"`,
        };
      }
    }
    return null;
  },
};

/** curl -si's output, read as an answer: the status, the fields it shows (framing aside) and the body curl decoded. */
function curlSeen(output: Buffer): Seen | null {
  const end = output.indexOf("\r\n\r\n");
  if (end === -1) return null;
  const [statusLine = "", ...lines] = output.subarray(0, end).toString("latin1").split("\r\n");
  const status = /^HTTP\/[\d.]+ (\d{3})/.exec(statusLine);
  const fields = lines
    .map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()] as [string, string])
    .filter(([name]) => !SERVERS_OWN.has(name));
  return { status: status ? Number(status[1]) : null, fields, body: output.subarray(end + 4) };
}

export const clientCurlApp: Check = {
  id: "client.curl-app",
  ...text.checks["client.curl-app"],
  requires: ["framework.hello"],
  async run(ctx) {
    const ref = await reference(ctx);
    if ("error" in ref) return { status: "error", message: ref.error };
    const seconds = replyTimeout(ctx, 3000) / 1000;
    // Two cookies, a stream and a file: what curl shows of each must be what it shows of the app.
    const targets = ["/login", "/stream", "/static/hello.txt"];
    // One after another: what the server prints comes in the same order on every run.
    const run = async (port: number) => {
      const outcomes = [];
      for (const target of targets) outcomes.push(await runCurl(["-sS", "-i", "--max-time", String(seconds), `http://127.0.0.1:${port}${target}`], seconds * 1000 + 2000));
      return outcomes;
    };
    const [mine, theirs] = [await run(ctx.port), await run(ref.port)];
    const client = curlName();
    for (const [i, target] of targets.entries()) {
      const [got, app] = [mine[i]!, theirs[i]!];
      if (got.missing) return { status: "skip", message: text.respond.noCurl };
      const tryIt = `curl -si http://127.0.0.1:${ctx.tryPort}${target}`;
      if (got.code !== 0) return { message: words.curlFailed(client, target, got.stderr.trim() || `exit ${got.code}`), expected: words.sameExpected, tryIt };
      const [a, b] = [curlSeen(got.stdout), curlSeen(app.stdout)];
      if (b === null) return { status: "error", message: words.appSilent(`GET ${target}`) };
      const differs = a === null ? { message: words.curlNoHead } : difference(a, b);
      if (differs) return { message: `${words.forCurl(client, target)} ${differs.message}`, expected: words.sameExpected, rule: differs.rule ?? RULES.sameAsApp, tryIt };
    }
    return null;
  },
};

/** Phase 15's own checks, in the order they run. */
export const frameworkChecks: Check[] = [
  frameworkHello,
  frameworkParams,
  frameworkHeaders,
  frameworkPost,
  frameworkRedirect,
  frameworkCookies,
  frameworkStream,
  frameworkHead,
  frameworkNoContent,
  frameworkErrors,
  frameworkStatic,
  frameworkKept,
  clientFetchApp,
  clientCurlApp,
];
