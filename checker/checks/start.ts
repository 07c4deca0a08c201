/** The first check of every phase: the server starts and listens on the port it is given. */
import { readFileSync } from "node:fs";
import { canConnect } from "../server-process.ts";
import type { Check, CheckContext, Finding } from "../types.ts";

export const start: Check = {
  id: "start",
  title: "starts and listens on the port it is given (PORT)",
  hints: [
    "Call server.listen(PORT, HOST, callback) with PORT read from the environment: Number(process.env.PORT ?? 8000).",
    "Run the file yourself (npx tsx <your file>) and read what it prints.",
    "const PORT = Number(process.env.PORT ?? 8000); const HOST = \"127.0.0.1\"; ... server.listen(PORT, HOST, () => console.log(`Listening on http://${HOST}:${PORT}`));",
  ],
  stopOnFail: true,
  async run(ctx) {
    if (!ctx.server) return checkExternalServer(ctx);
    const state = await ctx.server.waitUntilListening(ctx.port, ctx.startupTimeoutMs);
    switch (state.state) {
      case "listening":
        ctx.host = state.host;
        return null;
      case "wrong-port":
        return {
          status: "error",
          message:
            `Your server listens on port ${state.ports.join(", ")}, but the checker started it with PORT=${ctx.port} ` +
            "and waits there. A port written into the code cannot be changed by whoever runs the server.",
          expected: `a server listening on port ${ctx.port}`,
          hint: "Read the port from the environment: const PORT = Number(process.env.PORT ?? 8000); then server.listen(PORT, HOST).",
        };
      case "timeout":
        return {
          status: "error",
          message: `Your server was still running after ${ctx.startupTimeoutMs / 1000} s, but nothing was listening on port ${ctx.port}.`,
          expected: `a server listening on port ${ctx.port}`,
          hint: "Does your code reach server.listen(PORT, HOST)? Something before it may be waiting forever.",
        };
      case "exited":
        return exitedFinding(ctx, state.code, state.signal);
    }
  },
};

function exitedFinding(ctx: CheckContext, code: number | null, signal: string | null): Finding {
  const output = ctx.server?.tail(40) ?? [];
  const how = signal ? `was ended by ${signal}` : `exited with code ${code}`;
  const syntax = output.map((line) => /^(.+\.[cm]?[jt]sx?):(\d+):(\d+): ERROR: (.*)$/.exec(line)).find(Boolean);
  if (syntax) {
    const [, file, line, column, error] = syntax;
    return {
      status: "error",
      message:
        `Your file has a syntax error, so it never ran: ${file}:${line}:${column}: ${error}\n` +
        sourceExcerpt(file!, Number(line), Number(column)),
      hint: "Fix the line above (a missing bracket or quote often shows up a line or two later), then run the check again.",
    };
  }
  const inUse = output.find((line) => /EADDRINUSE|address already in use/i.test(line));
  if (inUse) {
    const port = /:(\d+)\b(?!.*:\d)/.exec(inUse)?.[1];
    return {
      status: "error",
      message:
        `Your server could not listen: the port${port ? ` ${port}` : ""} is already in use (EADDRINUSE), so it ${how}. ` +
        `The checker gave it a free port, PORT=${ctx.port}.`,
      expected: `a server listening on port ${ctx.port}`,
      hint:
        port && Number(port) !== ctx.port
          ? `Read the port from process.env.PORT instead of writing ${port} into the code. (Is your own server still running on ${port} in another terminal?)`
          : "Another program holds that port. Stop it, or let the checker pick the port: read process.env.PORT.",
    };
  }
  if (code === 127 || output.some((line) => /command not found|not recognized as an internal/i.test(line))) {
    return {
      status: "error",
      message: `The server command could not be run: the shell did not find it (exit code ${code}).`,
      hint: "Check the command given with --cmd: the program must be installed and the file path right, relative to this folder.",
    };
  }
  if (code === 0 && !signal) {
    return {
      status: "error",
      message:
        "Your server exited (code 0) without ever listening on a port. A program ends when it has nothing left to do; " +
        "a listening server is what keeps it running and accepting connections.",
      expected: `a server listening on port ${ctx.port}`,
      hint: "Call server.listen(PORT, HOST) (TODO 1 in the skeleton), and make sure the code that calls it runs when you start the file.",
    };
  }
  return {
    status: "error",
    message: `Your server ${how} before it listened on port ${ctx.port}. Its last lines of output below say why.`,
    hint: "Run the file yourself (npx tsx <your file>) and read the first error it prints, with its line number.",
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

/** With --port the student started the server; all we can do is knock. */
async function checkExternalServer(ctx: CheckContext): Promise<Finding | null> {
  for (const host of ["127.0.0.1", "::1"]) {
    const ok = await canConnect(host, ctx.port, 1000);
    if (ok) {
      ctx.host = host;
      return null;
    }
  }
  return {
    status: "error",
    message: `Nothing is listening on port ${ctx.port} (you asked the checker to use a server you started yourself, with --port).`,
    hint: "Start your server in another terminal first, or leave out --port and let the checker start it.",
  };
}
