/** Phase 2: find the path in the request line, once the whole head has arrived. */
import type { CallOutcome } from "../module-caller.ts";
import type { Check, CheckContext, Finding } from "../types.ts";
import { getRequest, randomPath } from "./common.ts";
import { judgeLogged, sendAndWatchLog } from "./reactions.ts";

/** Calls an export and turns "it is not there / it threw / it hung" into a finding. */
export async function callExport(ctx: CheckContext, name: string, args: unknown[]): Promise<{ value: CallOutcome & { kind: "value" } } | { finding: Finding }> {
  const module = ctx.module!;
  const loaded = await module.exports();
  if ("error" in loaded) {
    return { finding: { status: "error", message: `The checker could not import your file to call ${name}: ${loaded.error}` } };
  }
  if (!loaded.exports.includes(name)) {
    return {
      finding: {
        status: "error",
        message: `Your file does not export a function named ${name}, so the checker cannot test it.`,
        hint: `Keep the word export in front of it: export function ${name}(...) { ... }`,
      },
    };
  }
  const call = `${name}(${args.map((arg) => JSON.stringify(arg)).join(", ")})`;
  const outcome = await module.call(name, args);
  if (outcome.kind === "value") return { value: outcome };
  if (outcome.kind === "threw") {
    return { finding: { message: `${call} threw ${outcome.message}`, expected: "a return value, never an exception" } };
  }
  if (outcome.kind === "timeout") {
    return { finding: { message: `${call} did not return within 2 s: is there a loop that never ends?` } };
  }
  return { finding: { status: "error", message: `${call} could not be called: ${outcome.message}` } };
}

function shown(value: string | Buffer | { other: string }): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Buffer.isBuffer(value)) return `a Buffer (${value.length} bytes)`;
  return value.other;
}

async function expectReturns(ctx: CheckContext, input: string, expected: string): Promise<Finding | null> {
  const called = await callExport(ctx, "parseRequest", [input]);
  if ("finding" in called) return { ...called.finding, sent: input };
  const value = called.value.value;
  if (value === expected) return null;
  return {
    message: `parseRequest(${JSON.stringify(input.length > 70 ? input.slice(0, 70) + "…" : input)}) returned ${shown(value)}.`,
    sent: input,
    expected: JSON.stringify(expected),
  };
}

export const parseUnitPaths: Check = {
  id: "parse.unit-paths",
  title: "parseRequest returns the path of the request line",
  needsModule: true,
  hints: [
    "The first line of a request is METHOD, path and version, separated by single spaces: GET /a/b?x=1 HTTP/1.1. Split off the first line, then split it by spaces.",
    "Lines may end with \\r\\n or with a bare \\n (nc sends \\n): split on \\n and trim a trailing \\r.",
    "const firstLine = raw.split(\"\\n\")[0].replace(/\\r$/, \"\"); const parts = firstLine.split(\" \"); then return parts[1] when there are three parts.",
  ],
  async run(ctx) {
    const word = ctx.rng.word(5);
    const cases: Array<[string, string]> = [
      ["GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", "/"],
      ["GET /favicon.ico HTTP/1.1\r\nHost: localhost\r\nAccept: image/*\r\n\r\n", "/favicon.ico"],
      [`GET /${word}/b?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n`, `/${word}/b?x=1`],
      [`GET /${word} HTTP/1.1\nHost: localhost\n\n`, `/${word}`],
      [`POST /${word}/form HTTP/1.1\r\nContent-Length: 0\r\n\r\n`, `/${word}/form`],
      [`GET /${word}.html HTTP/1.1`, `/${word}.html`],
    ];
    for (const [input, expected] of cases) {
      const finding = await expectReturns(ctx, input, expected);
      if (finding) return finding;
    }
    return null;
  },
};

export const parseUnitGarbage: Check = {
  id: "parse.unit-garbage",
  title: 'parseRequest returns "" for empty or garbled input, and never throws',
  needsModule: true,
  hints: [
    "Anyone can connect and send anything. Before you take parts[1], check that the line really has the shape METHOD path HTTP/version.",
    'Return "" unless the first line has exactly three parts and the third starts with "HTTP/".',
    'if (parts.length !== 3 || !parts[2].startsWith("HTTP/")) return ""; and never index into an array you have not checked the length of.',
  ],
  async run(ctx) {
    const cases = ["", "\r\n", "Hello", "Hello\n\n", `hello there ${ctx.rng.word(4)}\r\n\r\n`, "GET\r\n\r\n"];
    for (const input of cases) {
      const finding = await expectReturns(ctx, input, "");
      if (finding) return finding;
    }
    return null;
  },
};

export const parseLogsPath: Check = {
  id: "parse.logs-path",
  title: "prints the path of each request (path: /...)",
  needsOutput: true,
  hints: [
    "Collect the chunks of a connection in a buffer. Once it contains the empty line (\\r\\n\\r\\n), call parseRequest on it and print `path: ${path}`.",
    "Buffer.concat([buffer, chunk]) appends; buffer.includes(\"\\r\\n\\r\\n\") tells whether the head is complete.",
    "let received = Buffer.alloc(0); socket.on(\"data\", (chunk) => { received = Buffer.concat([received, chunk]); const end = received.indexOf(\"\\r\\n\\r\\n\"); if (end !== -1) { console.log(`path: ${parseRequest(received.subarray(0, end).toString())}`); socket.end(); } });",
  ],
  async run(ctx) {
    for (let i = 0; i < 2; i++) {
      const path = randomPath(ctx);
      const logged = await sendAndWatchLog(ctx, [{ data: getRequest(path) }]);
      const finding = judgeLogged(ctx, logged, path);
      if (finding) return finding;
    }
    return null;
  },
};
