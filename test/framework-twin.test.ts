/**
 * Phase 15's Python reference runs app_15.py, a WSGI twin of the Hono app (phases/15-framework/app.ts):
 * the checker grades `--cmd` servers against the Hono app, so the twin must answer as the app does.
 * The app runs here under @hono/node-server, and `python3 test/python/solution_15.py` (the WSGI adapter
 * with the twin) beside it; both get the same raw requests, each answer is read with the checker's
 * strict reader, and what the app decided is compared: the status, the fields (not the server's own:
 * Date, Server, Connection, Keep-Alive, Content-Length, Transfer-Encoding), names in any case, each
 * field's values in order (two Set-Cookie stay two), and the body's bytes once the framing is off.
 * A difference kept on purpose is listed with its case, with the reason.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readResponse, type ParsedResponse } from "../checker/grader/http-reader.ts";
import { app } from "../phases/15-framework/app.ts";
import { ROOT, hasPython } from "./broken/harness.ts";

const SERVERS_OWN = new Set(["date", "server", "connection", "keep-alive", "content-length", "transfer-encoding"]);
// One Host for both servers: they listen on different ports, and the Host shows in the answers.
const HOST = "lab.test:8000";

interface Case {
  name: string;
  /** Raw requests (a character is a byte), sent on one connection: each after the answer before it, or all at once. */
  requests: string[];
  pipelined?: boolean;
  /** Indexes of the requests whose answers are compared by status only (/crash: the adapter's own 500). */
  statusOnly?: number[];
  /** A difference kept on purpose: each difference found must match `differs`; `why` says why it stays. */
  known?: { differs: RegExp; why: string };
  /**
   * The first answer's body must take at least this long to come whole: a stream made while it is
   * sent (its parts are 100 ms apart). A bound from below: a busy machine only makes it longer.
   */
  slowerThanMs?: number;
}

const get = (target: string, fields = ""): string => `GET ${target} HTTP/1.1\r\nHost: ${HOST}\r\n${fields}\r\n`;
const head = (target: string): string => `HEAD ${target} HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`;
const post = (target: string, type: string | null, body: string, fields = ""): string => {
  const length = Buffer.byteLength(body, "latin1");
  return `POST ${target} HTTP/1.1\r\nHost: ${HOST}\r\n${type === null ? "" : `Content-Type: ${type}\r\n`}Content-Length: ${length}\r\n${fields}\r\n${body}`;
};
const chunked = (target: string, type: string, pieces: string[]): string =>
  `POST ${target} HTTP/1.1\r\nHost: ${HOST}\r\nContent-Type: ${type}\r\nTransfer-Encoding: chunked\r\n\r\n` +
  pieces.map((piece) => `${Buffer.byteLength(piece, "latin1").toString(16)}\r\n${piece}\r\n`).join("") +
  "0\r\n\r\n";
/** Text as its UTF-8 bytes, one character each: "ü" becomes "\xc3\xbc". */
const utf8 = (text: string): string => Buffer.from(text, "utf8").toString("latin1");

const CASES: Case[] = [
  // What the checker asks (checker/grader/checks/framework.ts), and the app's other answers.
  { name: "GET /", requests: [get("/")] },
  { name: "HEAD /", requests: [head("/")] },
  { name: "GET /users/1", requests: [get("/users/1")] },
  { name: "HEAD /users/1", requests: [head("/users/1")] },
  { name: "GET /users/J%C3%BCrgen", requests: [get("/users/J%C3%BCrgen")] },
  { name: "GET /users/a%2Fb", requests: [get("/users/a%2Fb")] },
  { name: "GET /search?q=a+b&tag=x&tag=y", requests: [get("/search?q=a+b&tag=x&tag=y")] },
  { name: "GET /search (no query)", requests: [get("/search")] },
  { name: "GET /headers, two X-Tag lines", requests: [get("/headers", "User-Agent: lab/1.0\r\nX-Tag: a\r\nx-tag: b\r\n")] },
  { name: "GET /headers, none of them", requests: [get("/headers")] },
  { name: "POST /echo, Content-Length", requests: [post("/echo", "application/json", '{"name":"Ada","n":1}')] },
  { name: "POST /echo, chunked", requests: [chunked("/echo", "application/json", ['{"a":', "[1,2]", "}"])] },
  { name: "POST /echo, not JSON", requests: [post("/echo", "text/plain", "hello")] },
  { name: "GET /old", requests: [get("/old")] },
  { name: "GET /login", requests: [get("/login")] },
  { name: "GET /stream (HTTP/1.1)", requests: [get("/stream")], slowerThanMs: 180 },
  { name: "GET /stream (HTTP/1.0)", requests: ["GET /stream HTTP/1.0\r\n\r\n"], slowerThanMs: 180 },
  { name: "HEAD /stream", requests: [head("/stream")] },
  { name: "GET /empty", requests: [get("/empty")] },
  { name: "GET /boom", requests: [get("/boom")] },
  { name: "GET /crash, then GET /users/2 on the same connection", requests: [get("/crash"), get("/users/2")], statusOnly: [0] },
  { name: "GET /static/hello.txt", requests: [get("/static/hello.txt")] },
  { name: "HEAD /static/hello.txt", requests: [head("/static/hello.txt")] },
  { name: "GET /nope", requests: [get("/nope")] },
  { name: "POST / (a path without that method)", requests: [post("/", "text/plain", "x")] },
  // The corners found while writing the twin: Hono's decoding, its routing, the URL it shows.
  { name: "GET /users/%zz (no escape)", requests: [get("/users/%zz")] },
  { name: "GET /users/J%C3%BCrgen%FF (half decodes)", requests: [get("/users/J%C3%BCrgen%FF")] },
  { name: "GET /users/%41%FF (a run that fails stays whole)", requests: [get("/users/%41%FF")] },
  { name: "GET /%6Fld (decoded before routing)", requests: [get("/%6Fld")] },
  { name: "GET /users/1/ (strict: 404)", requests: [get("/users/1/")] },
  { name: "GET /users/%2e%2e/users/x (dot segments)", requests: [get("/users/%2e%2e/users/x")] },
  { name: "GET absolute-form http://Example.COM:80/users/1?x=1", requests: ["GET http://Example.COM:80/users/1?x=1 HTTP/1.1\r\nHost: other.test\r\n\r\n"] },
  { name: "GET /users/3, Host: Example.COM:80", requests: ["GET /users/3 HTTP/1.1\r\nHost: Example.COM:80\r\n\r\n"] },
  { name: "GET /headers, UTF-8 bytes in User-Agent (read as latin-1)", requests: [get("/headers", `User-Agent: ${utf8("Jürgen's client")}\r\n`)] },
  { name: "GET /headers, X_Tag (an underscore) is not X-Tag", requests: [get("/headers", "X_Tag: sneaky\r\n")] },
  { name: "GET /search, encoded names, empty values, a bad escape", requests: [get("/search?%71=1&q=2&tag&tag=&=z&tag=a%zz")] },
  { name: "GET /search?q=it's", requests: [get("/search?q=it's")] },
  {
    name: "POST /echo, numbers and keys as JavaScript writes them",
    requests: [post("/echo", "application/json; charset=utf-8", utf8('{"b":1,"2":2,"1":1.50,"big":12345678901234567890,"e":1e21,"small":1e-7,"neg":-0,"s":"J\\u00fcrgen \\ud83d\\ude00 \\ud800 ü","b":3}'))],
  },
  { name: "POST /echo, a BOM and a byte that is no UTF-8", requests: [post("/echo", "application/json", '\xef\xbb\xbf{"a":"\xff"}')] },
  { name: "POST /echo, empty body", requests: [post("/echo", "application/json", "")] },
  { name: "POST /echo, no Content-Type", requests: [post("/echo", null, "[true,null]")] },
  { name: "POST /echo, NaN", requests: [post("/echo", "application/json", "NaN")] },
  { name: "POST /echo, Expect: 100-continue", requests: [post("/echo", "application/json", '{"x":1}', "Expect: 100-continue\r\n")] },
  { name: "GET /static/hello.txt, Range: bytes=0-4", requests: [get("/static/hello.txt", "Range: bytes=0-4\r\n")] },
  { name: "GET /static/hello.txt, Range: bytes=500-", requests: [get("/static/hello.txt", "Range: bytes=500-\r\n")] },
  { name: "DELETE /users/1", requests: [`DELETE /users/1 HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`] },
  { name: "HEAD /crash, then GET /", requests: [head("/crash"), get("/")], statusOnly: [0] },
  { name: "pipelined: GET /stream, GET /login, GET /", requests: [get("/stream"), get("/login"), get("/")], pipelined: true },
  {
    name: "HTTP/1.0 GET /users/1 without Host",
    requests: ["GET /users/1 HTTP/1.0\r\n\r\n"],
    known: {
      differs: /^body: Hono "\{\\"id\\":\\"1\\",\\"url\\":\\"http:\/\/127\.0\.0\.1\/users\/1\\"\}", twin "\{\\"id\\":\\"1\\",\\"url\\":\\"http:\/\/127\.0\.0\.1:\d+\/users\/1\\"\}"$/,
      why:
        "no Host: @hono/node-server names its hostname without the port (http://127.0.0.1/users/1); " +
        "PEP 3333's rebuild adds SERVER_PORT (http://127.0.0.1:<port>/users/1), and the two servers' ports differ anyway",
    },
  },
];

interface Answer {
  response: ParsedResponse;
  /** From the request (the first, when pipelined) to the answer's last byte. */
  ms: number;
}

/** Sends a case's requests on one connection and reads each answer with the strict reader. */
function exchange(port: number, testCase: Case): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const answers: Answer[] = [];
    let bytes: Buffer = Buffer.alloc(0);
    let closed = false;
    let sentAt = 0;
    const methodOf = (i: number) => testCase.requests[i]!.split(" ")[0];
    const send = (i: number) => {
      sentAt = performance.now();
      socket.write(Buffer.from(testCase.requests[i]!, "latin1"));
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${testCase.name}: no whole answer in 5 s (${answers.length} read)`));
    }, 5000);
    const readWhatCame = () => {
      while (answers.length < testCase.requests.length) {
        const i = answers.length;
        const response = readResponse(bytes, closed, { method: methodOf(i), more: i < testCase.requests.length - 1 });
        if (!(response.complete || response.broken || closed)) return;
        answers.push({ response, ms: performance.now() - sentAt });
        bytes = response.extra;
        if (answers.length < testCase.requests.length && !testCase.pipelined) send(answers.length);
        if (closed && bytes.length === 0) break;
      }
      clearTimeout(timer);
      socket.destroy();
      resolve(answers);
    };
    socket.on("connect", () => {
      if (testCase.pipelined) {
        sentAt = performance.now();
        socket.write(Buffer.from(testCase.requests.join(""), "latin1"));
      } else send(0);
    });
    socket.on("data", (data) => {
      bytes = Buffer.concat([bytes, data]);
      readWhatCame();
    });
    socket.on("end", () => {
      closed = true;
      readWhatCame();
    });
    socket.on("error", reject);
  });
}

/** The fields the app decided: lowercase names, each with its values in order. */
function appFields(response: ParsedResponse): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const [name, value] of response.headers) {
    const key = name.toLowerCase();
    if (SERVERS_OWN.has(key)) continue;
    fields.set(key, [...(fields.get(key) ?? []), value.trim()]);
  }
  return fields;
}

/** What differs between the two answers, in words; empty when they agree. */
function differences(hono: ParsedResponse, twin: ParsedResponse, statusOnly: boolean): string[] {
  const found: string[] = [];
  if (hono.statusLine?.status !== twin.statusLine?.status) found.push(`status: Hono ${hono.statusLine?.status}, twin ${twin.statusLine?.status}`);
  if (statusOnly) return found;
  const honoFields = appFields(hono);
  const twinFields = appFields(twin);
  for (const name of new Set([...honoFields.keys(), ...twinFields.keys()])) {
    const a = JSON.stringify(honoFields.get(name) ?? []);
    const b = JSON.stringify(twinFields.get(name) ?? []);
    if (a !== b) found.push(`${name}: Hono ${a}, twin ${b}`);
  }
  if (!hono.body.equals(twin.body)) found.push(`body: Hono ${JSON.stringify(hono.body.toString("latin1"))}, twin ${JSON.stringify(twin.body.toString("latin1"))}`);
  return found;
}

/** Everything that differs in one case, each line prefixed with its answer's number when there are several. */
async function compareCase(honoPort: number, twinPort: number, testCase: Case): Promise<string[]> {
  const [hono, twin] = await Promise.all([exchange(honoPort, testCase), exchange(twinPort, testCase)]);
  const found: string[] = [];
  for (const [i] of testCase.requests.entries()) {
    const [a, b] = [hono[i], twin[i]];
    const prefix = testCase.requests.length > 1 ? `answer ${i + 1}: ` : "";
    if (!a || !b) {
      found.push(`${prefix}Hono ${a ? "answered" : "did not answer"}, twin ${b ? "answered" : "did not answer"}`);
      continue;
    }
    found.push(...differences(a.response, b.response, testCase.statusOnly?.includes(i) ?? false).map((each) => prefix + each));
    // The twin's framing is the Python reference's: the strict reader finds no broken MUST in it.
    const broken = b.response.problems.filter((problem) => problem.rule.level === "MUST");
    if (broken.length > 0) found.push(`${prefix}the twin's framing: ${broken.map((problem) => problem.message).join("; ")}`);
    if (i === 0 && testCase.slowerThanMs !== undefined) {
      for (const [who, answer] of [["Hono", a], ["twin", b]] as const) {
        if (answer.ms < testCase.slowerThanMs) found.push(`${prefix}${who}'s body came whole in ${answer.ms.toFixed(0)} ms: not streamed`);
      }
    }
  }
  return found;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(!hasPython)("phase 15: app_15.py (under solution_15.py) answers as the Hono app does under @hono/node-server", () => {
  let honoPort = 0;
  let closeHono: () => void = () => {};
  let twinPort = 0;
  let python: ChildProcess | null = null;
  let twinOutput = "";

  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
        honoPort = info.port;
        resolve();
      });
      closeHono = () => server.close();
    });
    twinPort = await freePort();
    const twin = spawn("python3", [path.join(ROOT, "test/python/solution_15.py")], { env: { ...process.env, PORT: String(twinPort) }, stdio: ["ignore", "pipe", "pipe"] });
    python = twin;
    twin.stdout.on("data", (data) => (twinOutput += data));
    twin.stderr.on("data", (data) => (twinOutput += data));
    await new Promise<void>((resolve, reject) => {
      const wait = setInterval(() => {
        if (twinOutput.includes("Listening")) {
          clearInterval(wait);
          resolve();
        } else if (twin.exitCode !== null) {
          clearInterval(wait);
          reject(new Error(`solution_15.py stopped:\n${twinOutput}`));
        }
      }, 20);
    });
  });

  afterAll(() => {
    python?.kill();
    closeHono();
  });

  test.each(CASES.filter((each) => !each.known))("$name: the same answer", async (testCase) => {
    expect(await compareCase(honoPort, twinPort, testCase)).toEqual([]);
  });

  test.each(CASES.filter((each) => each.known))("$name: differs only as kept on purpose (see its reason)", async (testCase) => {
    const found = await compareCase(honoPort, twinPort, testCase);
    expect(found.length, "the twin now agrees here: remove `known` from this case").toBeGreaterThan(0);
    for (const difference of found) expect(difference).toMatch(testCase.known!.differs);
  });
});

test.skipIf(hasPython)("the WSGI twin against the Hono app: skipped, python3 is not installed (apt install python3)", () => {});
