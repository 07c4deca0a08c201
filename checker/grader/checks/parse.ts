/** Phase 2: find the path in the request line, once the whole head has arrived. */
import type { CallOutcome } from "../module-caller.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { getRequest, randomPath } from "./common.ts";
import { judgeLogged, sendAndWatchLog } from "./reactions.ts";

/** Calls an export and turns "it is not there / it threw / it hung" into a finding. */
export async function callExport(ctx: CheckContext, name: string, args: unknown[]): Promise<{ value: CallOutcome & { kind: "value" } } | { finding: Finding }> {
  const module = ctx.module!;
  const loaded = await module.exports();
  if ("error" in loaded) {
    return { finding: { status: "error", message: text.parse.cannotImport(name, loaded.error) } };
  }
  if (!loaded.exports.includes(name)) {
    return {
      finding: {
        status: "error",
        message: text.parse.notExported(name),
        hint: text.parse.notExportedHint(name),
      },
    };
  }
  const call = `${name}(${args.map((arg) => JSON.stringify(arg)).join(", ")})`;
  const outcome = await module.call(name, args);
  if (outcome.kind === "value") return { value: outcome };
  if (outcome.kind === "threw") {
    return { finding: { message: text.parse.threw(call, outcome.message), expected: text.parse.threwExpected } };
  }
  if (outcome.kind === "timeout") {
    return { finding: { message: text.parse.timeout(call) } };
  }
  return { finding: { status: "error", message: text.parse.cannotCall(call, outcome.message) } };
}

function shown(value: string | Buffer | { other: string }): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Buffer.isBuffer(value)) return text.parse.aBuffer(value.length);
  return value.other;
}

async function expectReturns(ctx: CheckContext, input: string, expected: string): Promise<Finding | null> {
  const called = await callExport(ctx, "parseRequest", [input]);
  if ("finding" in called) return { ...called.finding, sent: input };
  const value = called.value.value;
  if (value === expected) return null;
  return {
    message: text.parse.returned(`parseRequest(${JSON.stringify(input.length > 70 ? input.slice(0, 70) + "…" : input)})`, shown(value)),
    sent: input,
    expected: JSON.stringify(expected),
  };
}

export const parseUnitPaths: Check = {
  id: "parse.unit-paths",
  ...text.checks["parse.unit-paths"],
  needsModule: true,
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
      // A request with bare \n line ends (as nc sends) gets the hint about \n first.
      if (finding) return input.includes("\r") ? finding : { hint: this.hints[1], ...finding };
    }
    return null;
  },
};

export const parseUnitGarbage: Check = {
  id: "parse.unit-garbage",
  ...text.checks["parse.unit-garbage"],
  needsModule: true,
  // A stub that always returns "" would pass this one: it only means something once paths work.
  requires: ["parse.unit-paths"],
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
  ...text.checks["parse.logs-path"],
  needsOutput: true,
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
