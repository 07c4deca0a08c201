/** The first check of every phase: the server starts and listens on the port it is given. */
import { readFileSync } from "node:fs";
import { canConnect } from "../server-process.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";

export const start: Check = {
  id: "start",
  alone: true,
  ...text.checks.start,
  stopOnFail: true,
  async run(ctx) {
    if (!ctx.server) return checkExternalServer(ctx);
    const state = await ctx.server.waitUntilListening(ctx.port, ctx.startupTimeoutMs);
    switch (state.state) {
      case "listening":
        if (state.host === "::1") {
          // Its own "Listening on" line, if it prints one, is the evidence: let it come (bounded).
          await ctx.server.waitForOutput(0, (line) => line.includes("127.0.0.1"), 500);
          return onlyOnIpv6Loopback(ctx);
        }
        ctx.host = state.host;
        return null;
      case "wrong-port":
        // The port is seen listening before the listen callback's line is printed: let the line come
        // (an event), so that the server's output below shows the port it says; a server that prints
        // nothing costs at most this bound (generous: on a busy machine the line came 0.5 s late).
        await ctx.server.waitForOutput(0, () => true, 2000);
        return {
          status: "error",
          message: text.start.wrongPort(state.ports.join(", "), ctx.port),
          expected: text.start.listeningOn(ctx.port),
          hint: text.start.wrongPortHint,
        };
      case "timeout":
        return {
          status: "error",
          message: text.start.timeout(ctx.startupTimeoutMs / 1000, ctx.port),
          expected: text.start.listeningOn(ctx.port),
          hint: text.start.timeoutHint,
        };
      case "exited":
        return exitedFinding(ctx, state.code, state.signal);
    }
  },
};

function exitedFinding(ctx: CheckContext, code: number | null, signal: string | null): Finding {
  const output = ctx.server?.tail(40) ?? [];
  const how = signal ? text.start.endedBy(signal) : text.start.exitedWith(code);
  const syntax = output.map((line) => /^(.+\.[cm]?[jt]sx?):(\d+):(\d+): ERROR: (.*)$/.exec(line)).find(Boolean);
  if (syntax) {
    const [, file, line, column, error] = syntax;
    return {
      status: "error",
      message: text.start.syntaxError(`${file}:${line}:${column}`, error!) + sourceExcerpt(file!, Number(line), Number(column)),
      hint: text.start.syntaxErrorHint,
    };
  }
  const inUse = output.find((line) => /EADDRINUSE|address already in use/i.test(line));
  if (inUse) {
    const port = /:(\d+)\b(?!.*:\d)/.exec(inUse)?.[1];
    return {
      status: "error",
      message: text.start.portInUse(port, how, ctx.port),
      expected: text.start.listeningOn(ctx.port),
      hint: port && Number(port) !== ctx.port ? text.start.hardCodedPortHint(port) : text.start.portInUseHint,
    };
  }
  if (code === 127 || output.some((line) => /command not found|not recognized as an internal/i.test(line))) {
    return {
      status: "error",
      message: text.start.commandNotFound(code),
      hint: text.start.commandNotFoundHint,
    };
  }
  if (code === 0 && !signal) {
    return {
      status: "error",
      message: text.start.exitedWithoutListening,
      expected: text.start.listeningOn(ctx.port),
      hint: text.start.exitedWithoutListeningHint,
    };
  }
  return {
    status: "error",
    message: text.start.endedBeforeListening(how, ctx.port),
    hint: ctx.target.kind === "cmd" ? text.start.endedBeforeListeningCmdHint(ctx.target.command) : text.start.endedBeforeListeningHint,
  };
}

function sourceExcerpt(file: string, line: number, column: number): string {
  try {
    const text = readFileSync(file, "utf8").split("\n")[line - 1];
    if (text === undefined) return "";
    return `\n   ${line} | ${text}\n   ${" ".repeat(String(line).length)} | ${" ".repeat(column)}^`;
  } catch {
    return "";
  }
}

/**
 * A server on ::1 alone (what "localhost" often becomes) is out of reach of every command the lab
 * prints (nc 127.0.0.1, curl http://127.0.0.1:...): the lesson writes the address down on both
 * sides, and the checker holds the server to it rather than grade it where no "try it" line goes.
 */
function onlyOnIpv6Loopback(ctx: CheckContext): Finding {
  const said = ctx.server?.outputSince(0).find((line) => line.includes("127.0.0.1"));
  return {
    status: "error",
    message: text.start.onlyOnIpv6Loopback(ctx.port, said?.trim()),
    expected: text.start.onIpv4Loopback(ctx.port),
    hint: text.start.onlyOnIpv6LoopbackHint,
    tryIt: `nc -v 127.0.0.1 ${ctx.tryPort}   (refused)\nnc -v ::1 ${ctx.tryPort}         (accepted)`,
  };
}

/** With --port the student started the server; all we can do is knock. */
async function checkExternalServer(ctx: CheckContext): Promise<Finding | null> {
  if (await canConnect("127.0.0.1", ctx.port, 1000)) return null;
  if (await canConnect("::1", ctx.port, 1000)) return onlyOnIpv6Loopback(ctx);
  return {
    status: "error",
    message: text.start.nothingListening(ctx.port),
    hint: text.start.nothingListeningHint,
  };
}
