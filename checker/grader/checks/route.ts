/**
 * Phase 6: a routing table by method and path. dispatch() is called directly (unit checks), then
 * the same answers are asked for over the wire, with the statuses a real server owes a client
 * that asks for something it cannot have: 404, 405 with Allow, 501, 400, 505, and HEAD.
 */
import { header, readResponse, type ParsedResponse } from "../http-reader.ts";
import { RULES } from "../http-rules.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { ask, CHUNKED_FROM_PHASE, evidence, getRequest, randomPath, whyNoResponse, type Asked, prefixed } from "./common.ts";
import { view } from "./counter.ts";
import { callExport } from "./parse.ts";
import { framingFinding } from "./respond.ts";
import { stillServes } from "./reactions.ts";

/** The contract's routes, as the checks ask for them (the lesson states the same). */
export const ROUTE_CONTRACT = {
  about: "/about",
  hello: (name: string) => `/hello/${name}`,
  helloBody: (name: string) => `Hello, ${name}!`,
  /** What a path with only GET routes must list in Allow. */
  allow: ["GET", "HEAD"],
};

// ---------------------------------------------------------------------------------------------
// dispatch(method, target), called directly: it returns the whole response, read strictly.

async function dispatched(ctx: CheckContext, method: string, target: string): Promise<{ call: string; bytes: Buffer; response: ParsedResponse } | { finding: Finding }> {
  const call = `dispatch(${JSON.stringify(method)}, ${JSON.stringify(target)})`;
  const called = await callExport(ctx, "dispatch", [method, target]);
  if ("finding" in called) return called;
  const value = called.value.value;
  const bytes = Buffer.isBuffer(value) ? value : typeof value === "string" ? Buffer.from(value, "utf8") : null;
  if (!bytes) return { finding: { message: text.route.returnedOther(call, (value as { other: string }).other), expected: text.route.returnedOtherExpected } };
  if (bytes.length === 0) return { finding: { message: text.route.returnedNothing(call), expected: text.route.returnedOtherExpected } };
  return { call, bytes, response: readResponse(bytes, true, { method }) };
}

/** Null when the response has the status (and, unless said otherwise, a body); else what is wrong. */
function wrongStatus(call: string, bytes: Buffer, response: ParsedResponse, status: number, options: { body?: boolean } = {}): Finding | null {
  const problem = response.problems.find((each) => each.rule.level === "MUST");
  if (problem) return { message: text.route.builtWithProblem(call, problem.message), received: bytes, rule: problem.rule };
  if (response.statusLine?.status !== status) {
    return { message: text.route.gotStatus(call, response.statusLine?.status ?? null, status), received: bytes, expected: text.route.statusExpected(status) };
  }
  if (options.body !== false && response.body.length === 0) {
    return { message: text.route.noBody(call, status), received: bytes, expected: text.route.bodyExpected };
  }
  return null;
}

/** The methods an Allow header lists, or null when there is none. */
function allowed(response: ParsedResponse): string[] | null {
  const value = header(response, "allow");
  return value === undefined ? null : value.split(",").map((method) => method.trim()).filter(Boolean);
}

/** "missing", "wrong" or null (right): Allow must list exactly the contract's methods, in any order. */
function allowProblem(response: ParsedResponse): "missing" | "wrong" | null {
  const methods = allowed(response);
  const want = ROUTE_CONTRACT.allow;
  if (methods === null) return "missing";
  return methods.length === want.length && want.every((method) => methods.includes(method)) ? null : "wrong";
}

function allowFinding(call: string, bytes: Buffer, response: ParsedResponse): Finding | null {
  const problem = allowProblem(response);
  if (!problem) return null;
  const message = problem === "missing" ? text.route.noAllow(call) : text.route.wrongAllow(call, header(response, "allow") ?? "");
  return { message, received: bytes, expected: text.route.allowExpected, rule: RULES.allowOn405 };
}

export const routeUnitPaths: Check = {
  id: "route.unit-paths",
  ...text.checks["route.unit-paths"],
  needsModule: true,
  async run(ctx) {
    const name = ctx.rng.word(5);
    for (const [target, status] of [
      [ROUTE_CONTRACT.about, 200],
      [ROUTE_CONTRACT.hello(name), 200],
      [randomPath(ctx), 404],
    ] as const) {
      const made = await dispatched(ctx, "GET", target);
      if ("finding" in made) return made.finding;
      const wrong = wrongStatus(made.call, made.bytes, made.response, status);
      if (wrong) return { ...wrong, hint: status === 404 ? text.route.notFoundHint : undefined };
      if (target === ROUTE_CONTRACT.hello(name) && made.response.body.toString("utf8") !== ROUTE_CONTRACT.helloBody(name)) {
        return { message: text.route.helloBody(made.call, made.response.body.toString("utf8")), received: made.bytes, expected: ROUTE_CONTRACT.helloBody(name), hint: text.route.helloBodyHint };
      }
    }
    return null;
  },
};

export const routeUnitMethods: Check = {
  id: "route.unit-methods",
  ...text.checks["route.unit-methods"],
  needsModule: true,
  requires: ["route.unit-paths"],
  async run(ctx) {
    const post = await dispatched(ctx, "POST", ROUTE_CONTRACT.about);
    if ("finding" in post) return post.finding;
    const not405 = wrongStatus(post.call, post.bytes, post.response, 405);
    if (not405) return { ...not405, hint: post.response.statusLine?.status === 404 ? text.route.notFoundForMethodHint : undefined };
    const allow = allowFinding(post.call, post.bytes, post.response);
    if (allow) return allow;
    for (const method of ["BREW", "get"]) {
      const made = await dispatched(ctx, method, ROUTE_CONTRACT.about);
      if ("finding" in made) return made.finding;
      const wrong = wrongStatus(made.call, made.bytes, made.response, 501);
      if (wrong) return { ...wrong, hint: method === "get" ? text.route.caseSensitiveHint : text.route.notImplementedHint, rule: wrong.rule ?? RULES.methodCase };
    }
    return null;
  },
};

/** The fields of a head, without the ones that may differ between two answers (Date). */
function comparableHead(response: ParsedResponse): string[] {
  return response.headers.filter(([name]) => name.toLowerCase() !== "date").map(([name, value]) => `${name.toLowerCase()}: ${value}`);
}

/** `called`: the bytes are what dispatch returned (they were never sent), not what came over the wire. */
function headFinding(get: { call: string; response: ParsedResponse }, head: { call: string; bytes: Buffer; response: ParsedResponse }, called: boolean): Finding | null {
  const afterHead = head.response.bodyStart === null ? 0 : head.bytes.length - head.response.bodyStart;
  if (afterHead > 0) return { message: text.route.headHasBody(head.call, afterHead, called), received: head.bytes, rule: RULES.noContent, hint: text.route.headHasBodyHint };
  if (head.response.statusLine?.status !== get.response.statusLine?.status) {
    return { message: text.route.headStatus(head.call, head.response.statusLine?.status ?? null, get.response.statusLine?.status ?? null), received: head.bytes };
  }
  const length = Number(header(head.response, "content-length"));
  if (length !== get.response.body.length) {
    return { message: text.route.headLength(head.call, header(head.response, "content-length"), get.response.body.length), received: head.bytes, rule: RULES.headSameHead };
  }
  const missing = comparableHead(get.response).filter((line) => !comparableHead(head.response).includes(line) && !line.startsWith("content-length:"));
  if (missing.length > 0) return { message: text.route.headHeaders(head.call, missing.join("; ")), received: head.bytes, rule: RULES.headSameHead };
  return null;
}

export const routeUnitHead: Check = {
  id: "route.unit-head",
  ...text.checks["route.unit-head"],
  needsModule: true,
  requires: ["route.unit-paths"],
  async run(ctx) {
    const get = await dispatched(ctx, "GET", ROUTE_CONTRACT.about);
    if ("finding" in get) return get.finding;
    const head = await dispatched(ctx, "HEAD", ROUTE_CONTRACT.about);
    if ("finding" in head) return head.finding;
    return headFinding(get, head, true);
  },
};

// ---------------------------------------------------------------------------------------------
// The same answers over the wire.

export function request(method: string, path: string, version = "HTTP/1.1"): string {
  return `${method} ${path} ${version}\r\nHost: localhost\r\nUser-Agent: http-lab-checker\r\nAccept: */*\r\n${method === "POST" ? "Content-Length: 0\r\n" : ""}\r\n`;
}

export async function asked(ctx: CheckContext, bytes: string, method = "GET"): Promise<Asked> {
  return ask(ctx, [{ data: bytes }], { method });
}

/** Null when the wire answer has the status, a body (unless said otherwise) and good framing. */
export function wrongOnWire(ctx: CheckContext, answer: Asked, status: number, options: { body?: boolean; hint?: string } = {}): Finding | null {
  const why = whyNoResponse(ctx, answer);
  if (why) return why;
  const response = answer.response!;
  if (response.statusLine?.status !== status) {
    return { message: text.route.wireStatus(response.statusLine?.status ?? null, status), expected: text.route.statusExpected(status), hint: options.hint, ...evidence(ctx, answer) };
  }
  // Broken framing first: a body cut short looks empty, and the cut is the mistake to name.
  const framing = framingFinding(answer, ctx.phase.number >= CHUNKED_FROM_PHASE);
  if (framing) return { ...framing, ...evidence(ctx, answer) };
  if (options.body !== false && response.body.length === 0) return { message: text.route.wireNoBody(status), expected: text.route.bodyExpected, ...evidence(ctx, answer) };
  return null;
}

export const routePages: Check = {
  id: "route.pages",
  ...text.checks["route.pages"],
  requires: ["start"],
  async run(ctx) {
    const about = await asked(ctx, request("GET", ROUTE_CONTRACT.about));
    const wrong = wrongOnWire(ctx, about, 200);
    if (wrong) return { ...wrong, message: prefixed(text.route.forPath(ROUTE_CONTRACT.about), wrong.message) };
    const name = ctx.rng.word(6);
    const hello = await asked(ctx, request("GET", ROUTE_CONTRACT.hello(name)));
    const wrongHello = wrongOnWire(ctx, hello, 200);
    if (wrongHello) return { ...wrongHello, message: prefixed(text.route.forPath(ROUTE_CONTRACT.hello(name)), wrongHello.message) };
    const body = hello.response!.body.toString("utf8");
    if (body !== ROUTE_CONTRACT.helloBody(name)) return { message: text.route.wireHelloBody(body), expected: ROUTE_CONTRACT.helloBody(name), hint: text.route.helloBodyHint, ...evidence(ctx, hello) };
    return null;
  },
};

export const routeNotFound: Check = {
  id: "route.not-found",
  ...text.checks["route.not-found"],
  requires: ["start"],
  async run(ctx) {
    for (const path of [randomPath(ctx), "/hello/"]) {
      const wrong = wrongOnWire(ctx, await asked(ctx, request("GET", path)), 404, { hint: text.route.notFoundHint });
      if (wrong) return { ...wrong, message: prefixed(text.route.forPath(path), wrong.message) };
    }
    return stillServes(ctx, text.route.afterNotFound);
  },
};

export const routeMethodNotAllowed: Check = {
  id: "route.method-not-allowed",
  ...text.checks["route.method-not-allowed"],
  requires: ["start"],
  async run(ctx) {
    for (const [method, path] of [
      ["POST", ROUTE_CONTRACT.about],
      ["DELETE", "/"],
    ] as const) {
      const answer = await asked(ctx, request(method, path));
      const wrong = wrongOnWire(ctx, answer, 405, { hint: text.route.notFoundForMethodHint });
      if (wrong) return { ...wrong, message: prefixed(text.route.forRequest(method, path), wrong.message) };
      const response = answer.response!;
      const problem = allowProblem(response);
      if (problem) {
        return {
          message: `${text.route.forRequest(method, path)} ${problem === "missing" ? text.route.wireNoAllow : text.route.wireWrongAllow(header(response, "allow") ?? "")}`,
          expected: text.route.allowExpected,
          rule: RULES.allowOn405,
          ...evidence(ctx, answer),
        };
      }
    }
    return null;
  },
};

export const routeNotImplemented: Check = {
  id: "route.not-implemented",
  ...text.checks["route.not-implemented"],
  requires: ["start"],
  async run(ctx) {
    for (const method of ["BREW", "get"]) {
      const wrong = wrongOnWire(ctx, await asked(ctx, request(method, ROUTE_CONTRACT.about)), 501, {
        hint: method === "get" ? text.route.caseSensitiveHint : text.route.notImplementedHint,
      });
      if (wrong) return { ...wrong, message: prefixed(text.route.forRequest(method, ROUTE_CONTRACT.about), wrong.message), rule: wrong.rule ?? RULES.methodCase };
    }
    return null;
  },
};

export const routeBadRequest: Check = {
  id: "route.bad-request",
  ...text.checks["route.bad-request"],
  requires: ["start"],
  async run(ctx) {
    for (const line of ["GET /", "GET  / HTTP/1.1", "GET / HTTP/1.1 extra", "GET about HTTP/1.1"]) {
      const wrong = wrongOnWire(ctx, await asked(ctx, `${line}\r\nHost: localhost\r\n\r\n`), 400, { hint: text.route.badRequestHint });
      if (wrong) return { ...wrong, message: prefixed(text.route.forLine(line), wrong.message) };
    }
    return stillServes(ctx, text.route.afterBadRequest);
  },
};

export const routeVersion: Check = {
  id: "route.version",
  ...text.checks["route.version"],
  requires: ["start"],
  async run(ctx) {
    const wrong = wrongOnWire(ctx, await asked(ctx, request("GET", ROUTE_CONTRACT.about, "HTTP/2.0")), 505, { hint: text.route.versionHint });
    return wrong && { ...wrong, message: `${text.route.forLine(`GET ${ROUTE_CONTRACT.about} HTTP/2.0`)} ${wrong.message}` };
  },
};

export const routeHead: Check = {
  id: "route.head",
  ...text.checks["route.head"],
  requires: ["start"],
  async run(ctx) {
    const get = await asked(ctx, request("GET", ROUTE_CONTRACT.about));
    const notOk = wrongOnWire(ctx, get, 200);
    if (notOk) return notOk;
    const head = await asked(ctx, request("HEAD", ROUTE_CONTRACT.about), "HEAD");
    const why = whyNoResponse(ctx, head);
    if (why) return why;
    const found = headFinding({ call: "GET /about", response: get.response! }, { call: "HEAD /about", bytes: head.result.received, response: head.response! }, false);
    if (found) return { ...found, received: undefined, ...evidence(ctx, head) };
    // HEAD asks about a page without visiting it: GET / before and after must differ by one visit.
    const before = await view(ctx, "/");
    await asked(ctx, request("HEAD", "/"), "HEAD");
    const after = await view(ctx, "/");
    if (before.count !== null && after.count !== null && after.count !== before.count + 1) {
      return { message: text.route.headCounted(before.count, after.count), expected: String(before.count + 1), hint: text.route.headCountedHint, ...evidence(ctx, after.asked) };
    }
    return null;
  },
};

export const routeQuery: Check = {
  id: "route.query",
  ...text.checks["route.query"],
  requires: ["route.pages"],
  async run(ctx) {
    const plain = await asked(ctx, request("GET", ROUTE_CONTRACT.about));
    const target = `${ROUTE_CONTRACT.about}?${ctx.rng.word(3)}=${ctx.rng.word(4)}`;
    const withQuery = await asked(ctx, request("GET", target));
    const wrong = wrongOnWire(ctx, withQuery, 200, { hint: text.route.queryHint });
    if (wrong) return { ...wrong, message: prefixed(text.route.forPath(target), wrong.message) };
    if (plain.response && !withQuery.response!.body.equals(plain.response.body)) {
      return { message: text.route.queryOtherPage(target), expected: text.route.queryExpected, hint: text.route.queryHint, ...evidence(ctx, withQuery) };
    }
    return null;
  },
};
