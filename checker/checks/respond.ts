/** Phase 3: answer with a response a strict HTTP/1.1 client accepts, then close (or keep serving). */
import http from "node:http";
import { spawn } from "node:child_process";
import { devNull } from "node:os";
import { WireConnection } from "../wire.ts";
import { header, isCompleteResponse, readResponse, type ParsedResponse, type ProblemCode } from "../http-reader.ts";
import type { Check, CheckContext, Finding } from "../types.ts";
import { ask, evidence, getRequest, randomPath, replyTimeout, tryItLine, whyNoResponse, type Asked } from "./common.ts";
import { callExport } from "./parse.ts";

// ---------------------------------------------------------------------------------------------
// generateResponse, called directly

async function generated(ctx: CheckContext, args: string[]): Promise<{ bytes: Buffer } | { finding: Finding }> {
  const called = await callExport(ctx, "generateResponse", args);
  if ("finding" in called) return called;
  const value = called.value.value;
  if (Buffer.isBuffer(value)) return { bytes: value };
  if (typeof value === "string") return { bytes: Buffer.from(value, "utf8") };
  return {
    finding: {
      message: `generateResponse(${args.map((arg) => JSON.stringify(arg)).join(", ")}) returned ${value.other}.`,
      expected: "a Buffer: Buffer.from(head + content, \"utf8\")",
    },
  };
}

export const respondUnitFormat: Check = {
  id: "respond.unit-format",
  title: "generateResponse builds status line, headers, empty line and body",
  needsModule: true,
  hints: [
    "A response is: HTTP/1.1 <status>\\r\\n, then one header per line (Name: value\\r\\n), then \\r\\n alone, then the body.",
    "Every line ends with \\r\\n, and the head ends with one more \\r\\n: that empty line is how a client knows the body starts.",
    "`HTTP/1.1 ${status}\\r\\nContent-Type: text/html; charset=utf-8\\r\\nContent-Length: ${length}\\r\\nConnection: close\\r\\n\\r\\n` + content",
  ],
  async run(ctx) {
    const content = `<h1>Lab ${ctx.rng.word(6)}</h1>`;
    for (const [args, status] of [
      [[content], "200 OK"],
      [[content, "404 Not Found"], "404 Not Found"],
    ] as const) {
      const call = `generateResponse(${args.map((arg) => JSON.stringify(arg)).join(", ")})`;
      const made = await generated(ctx, [...args]);
      if ("finding" in made) return made.finding;
      if (made.bytes.length === 0) {
        return { message: `${call} returned nothing: an empty Buffer (0 bytes).`, expected: `a whole response, starting with HTTP/1.1 ${status}` };
      }
      const response = readResponse(made.bytes, true);
      const problem = response.problems[0];
      if (problem) {
        return {
          message: `${call} built a response with a problem: ${problem.message}.`,
          received: made.bytes,
          hint: problemHints[problem.code],
        };
      }
      if (response.statusLine?.text !== `HTTP/1.1 ${status}`) {
        return { message: `${call} starts with "${response.firstLine}".`, received: made.bytes, expected: `HTTP/1.1 ${status}` };
      }
      if (!/^text\/html\b/i.test(header(response, "content-type") ?? "")) {
        return { message: `${call} has no Content-Type: text/html header.`, received: made.bytes, expected: "Content-Type: text/html; charset=utf-8" };
      }
      if (!response.body.equals(Buffer.from(content, "utf8"))) {
        return { message: `${call} does not end with the content as its body.`, received: made.bytes, expected: `the body ${content}` };
      }
    }
    return null;
  },
};

export const respondUnitBytes: Check = {
  id: "respond.unit-bytes",
  title: "generateResponse counts Content-Length in bytes, not characters",
  needsModule: true,
  hints: [
    "Content-Length is a number of bytes. In UTF-8, ü and ß take 2 bytes each and ✓ takes 3, so content.length (characters) is too small.",
    "Buffer.byteLength(content, \"utf8\") counts bytes.",
    "`Content-Length: ${Buffer.byteLength(content, \"utf8\")}\\r\\n`",
  ],
  async run(ctx) {
    const content = `<p>Grüße aus ${ctx.rng.word(5)} ✓</p>`;
    const bytes = Buffer.byteLength(content, "utf8");
    const made = await generated(ctx, [content]);
    if ("finding" in made) return made.finding;
    const response = readResponse(made.bytes, true);
    if (response.contentLength === bytes) return null;
    return {
      message:
        response.contentLength === content.length
          ? `generateResponse(${JSON.stringify(content)}) says Content-Length: ${content.length}: that is the number of characters, but the body is ${bytes} bytes.`
          : `generateResponse(${JSON.stringify(content)}) says Content-Length: ${header(response, "content-length") ?? "(none)"}, but the body is ${bytes} bytes.`,
      received: made.bytes,
      expected: `Content-Length: ${bytes}`,
    };
  },
};

// ---------------------------------------------------------------------------------------------
// One ordinary request, read strictly; several checks judge the same exchange.

export function basicExchange(ctx: CheckContext): Promise<Asked> {
  return ctx.memo("respond.basic", () => ask(ctx, [{ data: getRequest(randomPath(ctx)) }]));
}

export const problemHints: Record<ProblemCode, string> = {
  empty: "Write the response to the socket before closing it: socket.end(response).",
  "no-status-line": 'The very first bytes of a response are the status line: "HTTP/1.1 200 OK\\r\\n".',
  "bad-status-line": 'The status line is the version, a space, a 3-digit code, a space and a reason: "HTTP/1.1 200 OK\\r\\n".',
  "bare-lf": "End every line of the head with \\r\\n (carriage return + line feed), not just \\n. Strict clients reject a bare \\n.",
  "no-blank-line": "After the last header, send one more \\r\\n: the empty line (\\r\\n\\r\\n) is how the client knows where the headers end and the body starts.",
  "bad-header": 'Each header line is "Name: value\\r\\n", with no space before the colon.',
  "no-content-length": "Send Content-Length: <bytes of the body>. Without it a client cannot tell where the body ends, except by waiting for the connection to close.",
  "bad-content-length": "Content-Length is one number: the size of the body in bytes. Send it once.",
  "length-in-characters": "Count bytes, not characters: Buffer.byteLength(content, \"utf8\"), not content.length.",
  "body-longer": "Content-Length must be exactly the body's size in bytes: compute it from the body you send, with Buffer.byteLength(body).",
  "body-shorter": "Content-Length must be exactly the body's size in bytes: compute it from the body you send, with Buffer.byteLength(body).",
};

function problemCheck(id: string, title: string, codes: ProblemCode[], hints: string[]): Check {
  return {
    id,
    title,
    requires: ["respond.answers"],
    hints,
    async run(ctx) {
      const asked = await basicExchange(ctx);
      const problem = asked.response?.problems.find((p) => codes.includes(p.code));
      if (!problem) return null;
      return { message: `The response is not valid HTTP/1.1: ${problem.message}.`, hint: problemHints[problem.code], ...evidence(ctx, asked) };
    },
  };
}

export const respondAnswers: Check = {
  id: "respond.answers",
  title: "answers a request",
  hints: [
    "Once the head is complete, build the response with generateResponse and send it: socket.end(response).",
    "socket.end(data) writes the data, then closes: exactly what an HTTP/1.0-style server does.",
    "Where the head is complete: const path = parseRequest(head); socket.end(generateResponse(PAGE));",
  ],
  stopOnFail: true,
  async run(ctx) {
    return whyNoResponse(ctx, await basicExchange(ctx));
  },
};

export const respondStatusLine = problemCheck(
  "respond.status-line",
  "starts with a status line (HTTP/1.1 200 OK)",
  ["no-status-line", "bad-status-line"],
  [
    problemHints["bad-status-line"],
    "Look at the first line under 'got': it must be exactly HTTP/1.1, a space, the code, a space, the reason.",
    "generateResponse builds the status line first: `HTTP/1.1 ${status}\\r\\n` with status = \"200 OK\".",
  ],
);
export const respondCrlf = problemCheck("respond.crlf", "ends every line of the head with \\r\\n", ["bare-lf"], [
  problemHints["bare-lf"],
  "In the 'got' lines, every line must end with \\r\\n; the one that ends with \\n alone is the one to fix.",
  "Write \"\\r\\n\" (two characters: \\r then \\n) at the end of the status line, of each header and of the empty line.",
]);
export const respondBlankLine = problemCheck(
  "respond.blank-line",
  "ends the head with an empty line (\\r\\n\\r\\n)",
  ["no-blank-line", "bad-header"],
  [
    problemHints["no-blank-line"],
    "After the last header line comes one more \\r\\n on its own: the head ends with \\r\\n\\r\\n.",
    "... + \"Connection: close\\r\\n\" + \"\\r\\n\" + content",
  ],
);
export const respondContentLength = problemCheck(
  "respond.content-length",
  "sends a Content-Length equal to the body's size in bytes",
  ["no-content-length", "bad-content-length", "length-in-characters", "body-longer", "body-shorter"],
  [
    problemHints["length-in-characters"],
    "The client reads exactly Content-Length bytes after the empty line: too few and it waits, too many and it cuts the body.",
    "`Content-Length: ${Buffer.byteLength(content, \"utf8\")}\\r\\n`, computed from the very body you send.",
  ],
);

export const respondPage: Check = {
  id: "respond.page",
  title: "answers 200 OK with the page <h1>Hello, wörld!</h1>",
  requires: ["respond.answers", "respond.status-line"],
  hints: [
    "Send generateResponse(\"<h1>Hello, wörld!</h1>\") for every request. The ö is there on purpose: it is 2 bytes in UTF-8.",
    "Every request gets 200 OK in this phase, whatever its path: socket.end(generateResponse(PAGE)).",
  ],
  async run(ctx) {
    const asked = await basicExchange(ctx);
    const response = asked.response!;
    if (response.statusLine?.status !== 200) {
      return { message: `The status is ${response.statusLine?.status}; in this phase every request gets 200 OK.`, expected: "HTTP/1.1 200 OK", ...evidence(ctx, asked) };
    }
    if (!response.body.some((byte) => byte >= 0x80)) {
      return {
        message:
          "The page has no non-ASCII character, so nothing shows whether Content-Length counts bytes or characters. " +
          "The lesson's page is <h1>Hello, wörld!</h1>: keep the ö.",
        expected: "<h1>Hello, wörld!</h1>",
        ...evidence(ctx, asked),
      };
    }
    return null;
  },
};

export const respondContentType: Check = {
  id: "respond.content-type",
  title: "says Content-Type: text/html; charset=utf-8",
  requires: ["respond.answers"],
  hints: [
    "Content-Type tells the browser how to show the body. Without charset=utf-8, a browser may guess another encoding and show wÃ¶rld for wörld.",
    "\"Content-Type: text/html; charset=utf-8\\r\\n\"",
  ],
  async run(ctx) {
    const asked = await basicExchange(ctx);
    const response = asked.response!;
    const type = header(response, "content-type");
    if (!type || !/^text\/html\b/i.test(type)) {
      return { message: type ? `Content-Type is "${type}".` : "There is no Content-Type header.", expected: "Content-Type: text/html; charset=utf-8", ...evidence(ctx, asked) };
    }
    if (response.body.some((byte) => byte >= 0x80) && !/charset=["']?utf-8/i.test(type)) {
      return {
        message: `The body has UTF-8 characters, but Content-Type "${type}" does not say charset=utf-8.`,
        expected: "Content-Type: text/html; charset=utf-8",
        ...evidence(ctx, asked),
      };
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// After the response: close and say so, or keep the connection and serve the next request.

export const respondConnection: Check = {
  id: "respond.connection",
  title: "closes the connection and says Connection: close (or serves the next request on it)",
  requires: ["respond.answers"],
  hints: [
    "HTTP/1.1 connections stay open by default. If you close after each response, say so with the header Connection: close, or clients will send their next request into a closed connection.",
    "Add \"Connection: close\\r\\n\" to the head in generateResponse, and keep calling socket.end(response).",
    "If you keep connections open instead, reset your buffer after each response and handle the next request that arrives on the same socket.",
  ],
  async run(ctx) {
    const opened = await WireConnection.open(ctx.host, ctx.port);
    if (!(opened instanceof WireConnection)) return { message: `The checker could not connect to your server (${opened.error}).` };
    const connection = opened;
    try {
      const first = getRequest(randomPath(ctx));
      await connection.write(first);
      await connection.waitFor(isCompleteResponse, replyTimeout(ctx));
      await connection.waitForEnd(500);
      const response = readResponse(connection.received, !connection.open);
      const says = (header(response, "connection") ?? "").toLowerCase();
      const shown = { sent: first, received: connection.received, tryIt: tryItLine(ctx, [{ data: first }]) };
      if (!connection.open) {
        if (says.split(",").map((token) => token.trim()).includes("close")) return null;
        return {
          ...shown,
          receivedNote: "then the server closed the connection",
          message:
            "Your server closed the connection after the response, but the response did not say Connection: close. " +
            "In HTTP/1.1 a connection stays open unless one side says otherwise, so clients that reuse connections " +
            "(browsers, Node's http.Agent) send their next request into the closed one, and it fails.",
          expected: "Connection: close in the response head",
        };
      }
      if (says.includes("close")) {
        return {
          ...shown,
          receivedNote: "and the connection was still open 0.5 s later",
          message: "The response says Connection: close, but your server kept the connection open. A client like nc waits for the close.",
          expected: "the server closes the connection after the response (socket.end)",
          hint: "Send the response with socket.end(response): it writes, then closes.",
        };
      }
      // Kept open: then it must serve the next request on the same connection.
      const before = connection.received.length;
      const second = getRequest(randomPath(ctx));
      await connection.write(second);
      const answered = await connection.waitFor((bytes) => isCompleteResponse(bytes.subarray(before)), replyTimeout(ctx));
      if (answered) return null;
      return {
        sent: first + second,
        received: connection.received,
        receivedNote: connection.open ? "and the connection was still open" : "then the server closed the connection",
        tryIt: tryItLine(ctx, [{ data: first }, { data: second, pauseMs: 500 }]),
        message:
          "Your server kept the connection open after its response, but did not answer a second request sent on it. " +
          "A client that reuses the connection would wait forever.",
        expected: "either Connection: close and a closed connection, or an answer to every request on the connection",
      };
    } finally {
      connection.close();
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Real clients: they are stricter or more forgiving than the checker in their own ways.

function url(ctx: CheckContext, path: string): string {
  const host = ctx.host.includes(":") ? `[${ctx.host}]` : ctx.host;
  return `http://${host}:${ctx.port}${path}`;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  const code = (error as NodeJS.ErrnoException).code;
  const own = `${error.message}${code && !error.message.includes(code) ? ` (${code})` : ""}`;
  return cause instanceof Error ? `${own}: ${describeError(cause)}` : own;
}

export const clientFetch: Check = {
  id: "client.fetch",
  title: "Node's fetch gets the page",
  requires: ["respond.answers"],
  hints: [
    "fetch is strict about framing: status line, \\r\\n line ends, Content-Length in bytes. The checks above name the first problem.",
    "Run the 'try it' line: the error fetch prints (its cause) names what it could not parse.",
  ],
  async run(ctx) {
    const path = randomPath(ctx);
    try {
      const response = await fetch(url(ctx, path), { signal: AbortSignal.timeout(replyTimeout(ctx, 3000)) });
      const body = await response.text();
      if (response.status >= 200 && response.status < 500 && body.length > 0) return null;
      return { message: `fetch got status ${response.status} and a body of ${body.length} characters.`, expected: "a status and a body" };
    } catch (error) {
      return {
        message: `fetch("${url(ctx, path)}") failed: ${describeError(error)}.`,
        tryIt: `node -e "fetch('http://127.0.0.1:${ctx.tryPort}${path}').then(r => r.text()).then(console.log, console.error)"`,
      };
    }
  },
};

function httpGet(agent: http.Agent, ctx: CheckContext, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url(ctx, path), { agent, timeout: replyTimeout(ctx) }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`no answer within ${replyTimeout(ctx) / 1000} s`)));
    request.on("error", reject);
  });
}

export const clientKeepAlive: Check = {
  id: "client.keep-alive",
  title: "a client that reuses connections gets five pages in a row",
  requires: ["respond.answers"],
  hints: [
    "Clients that reuse connections send the next request on the same socket unless the response said Connection: close.",
    "Add Connection: close to every response you close after.",
    "The 'try it' line runs the same client twice in a row: the second request is the one that fails.",
  ],
  async run(ctx) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 1; i <= 5; i++) {
        const path = randomPath(ctx);
        try {
          await httpGet(agent, ctx, path);
        } catch (error) {
          const text = describeError(error);
          // Node's parser names framing problems HPE_...; a reused, closed connection shows up as a reset.
          const parseError = /HPE_[A-Z_]+/.exec(text)?.[0];
          return {
            message:
              `Node's http client, with a keep-alive agent, got ${i - 1} of 5 pages; request ${i} failed: ${text}.` +
              (parseError
                ? " Its HTTP parser rejected the response."
                : i > 1
                  ? " It sent that request on the connection the previous response left open, but your server had closed it."
                  : ""),
            hint: parseError
              ? `${parseError} is a framing problem in the response: the checks of the status line, \\r\\n line ends and Content-Length above name it.`
              : undefined,
            expected: "five answers: Connection: close on each, or an open connection that answers each request",
            tryIt: `node -e "const http=require('http');const a=new http.Agent({keepAlive:true,maxSockets:1});const g=()=>new Promise((ok,no)=>http.get('http://127.0.0.1:${ctx.tryPort}/',{agent:a},r=>{r.resume();r.on('end',ok)}).on('error',no));g().then(g).then(()=>console.log('ok'),console.error).finally(()=>a.destroy())"`,
          };
        }
      }
      return null;
    } finally {
      agent.destroy();
    }
  },
};

export const clientCurl: Check = {
  id: "client.curl",
  title: "curl gets the page",
  requires: ["respond.answers"],
  hints: [
    "curl -v shows every header it sends and receives: run the 'try it' line to see the exchange.",
    "curl's error code says what went wrong: 52 is an empty reply, 56 a reset, 28 a timeout.",
  ],
  async run(ctx) {
    const path = randomPath(ctx);
    const seconds = String(Math.ceil(replyTimeout(ctx, 3000) / 1000));
    const outcome = await new Promise<{ code: number | null; stderr: string; missing?: boolean }>((resolve) => {
      const child = spawn("curl", ["-sS", "-o", devNull, "-w", "%{http_code}", "--http1.1", "--max-time", seconds, url(ctx, path)], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (data: Buffer) => (stderr += data.toString("utf8")));
      child.on("error", () => resolve({ code: null, stderr, missing: true }));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    if (outcome.missing) {
      return { status: "skip", message: "curl is not installed here (install it to run this check: apt install curl, brew install curl)" };
    }
    if (outcome.code === 0) return null;
    return {
      message: `curl failed (exit code ${outcome.code}): ${outcome.stderr.trim()}`,
      tryIt: `curl -v http://127.0.0.1:${ctx.tryPort}${path}`,
    };
  },
};

/** For later phases: the same strict reading, as one check, on a response of theirs. */
export function framingFinding(asked: Asked): { message: string; hint: string } | null {
  const response = asked.response;
  if (!response) return null;
  const problem = response.problems[0];
  if (problem) return { message: `The response is not valid HTTP/1.1: ${problem.message}.`, hint: problemHints[problem.code] };
  const closed = asked.result.ending === "server-closed" || asked.result.ending === "server-reset";
  if (closed && !/\bclose\b/i.test(header(response, "connection") ?? "")) {
    return { message: "Your server closed the connection after the response without saying Connection: close.", hint: respondConnection.hints[1]! };
  }
  return null;
}

export type { ParsedResponse };
