/**
 * A kept connection read three ways: the checker's Conversation (checker/grader/conversation.ts),
 * node:http's keep-alive agent (llhttp) and fetch (undici). A raw server answers a case's first
 * request with the case's bytes and the second request, on the same connection, with a fixed
 * response. Each reader says what the first response was, and whether the second came whole on
 * that connection: where they part, a row of KEPT_REASONED says why, with the RFC's rule.
 * SHOW_KEPT_SPLITS=1 prints every case's three readings, and which cases catch each wrong split.
 */
import http from "node:http";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, expect, test } from "vitest";
import { Conversation } from "../checker/grader/conversation.ts";
import { findBodyStart, mustProblems, readResponse, type ParsedResponse, type ProblemCode } from "../checker/grader/http-reader.ts";
import { show } from "./differential/compare.ts";

const SECOND = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond";
/** Every wait for one response is bounded by this. */
const DEADLINE_MS = 1500;

type Method = "GET" | "HEAD";
type ClientName = "llhttp" | "undici";

/**
 * When the server writes what. "asked": the first response to request 1, the second to request 2.
 * "eager": both in one write after request 1 (bytes a broken framing may run into), nothing more.
 * "close": both in one write after request 1, then the server closes. "trickle": the first
 * response in three writes 20 ms apart, so that no read boundary is its end.
 */
type Mode = "asked" | "eager" | "close" | "trickle";

interface KeptCase {
  name: string;
  first: Buffer;
  method: Method;
  mode: Mode;
}

/** What one reader made of the two exchanges. */
interface Split {
  /** The first response as taken: its status and body, or null (refused, or never whole). */
  first: { status: number; body: Buffer } | null;
  /** The second response: whole (200, "second") on the same connection, whole on another, or not at all. */
  second: "same" | "other" | "none";
}

const latin1 = (text: string): Buffer => Buffer.from(text, "latin1");
const ok = (head: string, body = ""): string => `HTTP/1.1 200 OK\r\n${head}\r\n${body}`;
const chunked = (body: string, head = ""): string => ok(`${head}Transfer-Encoding: chunked\r\n`, body);

/** The cases: each framing a kept connection depends on, and broken ones where a split goes wrong. */
function keptCases(): KeptCase[] {
  const big = "x".repeat(70_000);
  const looksLikeAResponse = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged";
  const rows: Array<[name: string, first: string, method?: Method, mode?: Mode]> = [
    ["length: 0", ok("Content-Length: 0\r\n")],
    ["length: small", ok("Content-Length: 5\r\n", "hello")],
    ["length: CRLFs inside the body", ok("Content-Length: 8\r\n", "a\r\n\r\nb\r\n")],
    ["length: a response inside the body", ok(`Content-Length: ${looksLikeAResponse.length}\r\n`, looksLikeAResponse)],
    ["length: leading zeros", ok("Content-Length: 0005\r\n", "hello")],
    ["length: 70 000 bytes", ok(`Content-Length: ${big.length}\r\n`, big)],
    ["length: in three writes", ok("Content-Length: 11\r\n", "hello world"), "GET", "trickle"],
    ["chunked: one chunk", chunked("5\r\nhello\r\n0\r\n\r\n")],
    ["chunked: many chunks", chunked(`${"1\r\nx\r\n".repeat(40)}0\r\n\r\n`)],
    ["chunked: upper-case hex", chunked("A\r\n0123456789\r\n0\r\n\r\n")],
    ["chunked: leading zeros in sizes", chunked("0005\r\nhello\r\n000\r\n\r\n")],
    ["chunked: an extension", chunked("5;a=b\r\nhello\r\n0\r\n\r\n")],
    ["chunked: a quoted extension", chunked('5;a="x y"\r\nhello\r\n0\r\n\r\n')],
    ["chunked: a trailer field", chunked("5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n")],
    ["chunked: last chunk with an extension and two trailers", chunked("5\r\nhello\r\n0;end=1\r\nX-A: 1\r\nX-B: 2\r\n\r\n")],
    ["chunked: an end look-alike inside a chunk", chunked("7\r\n\r\n0\r\n\r\n\r\n0\r\n\r\n")],
    ["chunked: name in capitals", ok("Transfer-Encoding: CHUNKED\r\n", "2\r\nhi\r\n0\r\n\r\n")],
    ["chunked: in three writes", chunked("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"), "GET", "trickle"],
    ["no content: 204", "HTTP/1.1 204 No Content\r\n\r\n"],
    ["no content: 304", "HTTP/1.1 304 Not Modified\r\nETag: \"a\"\r\n\r\n"],
    ["no content: 304 with a Content-Length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"],
    ["no content: HEAD with a Content-Length", ok("Content-Length: 6\r\n"), "HEAD"],
    ["no content: HEAD, chunked", ok("Transfer-Encoding: chunked\r\n"), "HEAD"],
    ["interim: a 100 first", `HTTP/1.1 100 Continue\r\n\r\n${ok("Content-Length: 2\r\n", "hi")}`],
    ["interim: a 103 first", `HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n${ok("Content-Length: 2\r\n", "hi")}`],
    ["interim: a 100 and a 103 first", `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n${chunked("2\r\nhi\r\n0\r\n\r\n")}`],
    ["duplicate: two equal Content-Length fields", ok("Content-Length: 2\r\nContent-Length: 2\r\n", "hi")],
    ["duplicate: a list of equal lengths", ok("Content-Length: 2, 2\r\n", "hi")],
    ["broken: two different Content-Length fields", ok("Content-Length: 2\r\nContent-Length: 3\r\n", "hi")],
    ["broken: Content-Length larger than the body, the second response follows", ok("Content-Length: 10\r\n", "abc"), "GET", "eager"],
    ["broken: Content-Length smaller than the body", ok("Content-Length: 5\r\n", "hello world")],
    ["broken: HEAD answered with a body", ok("Content-Length: 6\r\n", "abcdef"), "HEAD"],
    ["broken: 204 with a body", "HTTP/1.1 204 No Content\r\n\r\nhello"],
    ["broken: chunked without its final CRLF, the second response follows", chunked("2\r\nhi\r\n0\r\n"), "GET", "eager"],
    ["broken: chunked and Content-Length", ok("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", "2\r\nhi\r\n0\r\n\r\n")],
    ["broken: no framing, the body runs to the close", ok("Content-Type: text/plain\r\n", "to the close"), "GET", "close"],
    ["control: the second response sent before it was asked", ok("Content-Length: 2\r\n", "hi"), "GET", "eager"],
    ["persistence: HTTP/1.0 with keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi"],
    ["persistence: HTTP/1.0 without keep-alive", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi"],
    ["persistence: Connection: close, kept open anyway", ok("Content-Length: 2\r\nConnection: close\r\n", "hi")],
  ];
  return rows.map(([name, first, method, mode]) => ({ name, first: latin1(first), method: method ?? "GET", mode: mode ?? "asked" }));
}

interface KeptServer {
  port: number;
  /** The connection (1, 2, ...) each "<reader>/<first|second>" request last came on. */
  connectionOf: Map<string, number>;
  close(): Promise<void>;
}

/** A raw server for one case: GET /<reader>/first gets the case's bytes, GET /<reader>/second the fixed response. */
async function startKeptServer(item: KeptCase): Promise<KeptServer> {
  const sockets = new Set<net.Socket>();
  const connectionOf = new Map<string, number>();
  let connections = 0;
  const server = net.createServer((socket) => {
    const id = ++connections;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let pending = "";
    let secondSent = false;
    const answerFirst = async (): Promise<void> => {
      if (item.mode === "trickle") {
        const headEnd = findBodyStart(item.first) ?? item.first.length;
        const middle = headEnd + Math.floor((item.first.length - headEnd) / 2);
        for (const [index, piece] of [item.first.subarray(0, headEnd), item.first.subarray(headEnd, middle), item.first.subarray(middle)].entries()) {
          if (index > 0) await sleep(20);
          if (socket.destroyed) return;
          socket.write(piece);
        }
        return;
      }
      if (item.mode === "asked") {
        socket.write(item.first);
        return;
      }
      secondSent = true;
      socket.write(Buffer.concat([item.first, latin1(SECOND)]));
      if (item.mode === "close") socket.end();
    };
    socket.on("data", (data: Buffer) => {
      pending += data.toString("latin1");
      for (let end = pending.indexOf("\r\n\r\n"); end !== -1; end = pending.indexOf("\r\n\r\n")) {
        const path = /^[A-Z]+ (\S+)/.exec(pending.slice(0, end))?.[1] ?? "";
        pending = pending.slice(end + 4);
        const which = path.split("/")[2];
        connectionOf.set(path.slice(1), id);
        if (which === "first") void answerFirst();
        else if (!secondSent) socket.write(SECOND);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connectionOf,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const isSecond = (taken: Split["first"]): boolean => taken !== null && taken.status === 200 && taken.body.toString("latin1") === "second";

function taken(response: ParsedResponse): Split["first"] {
  return response.complete && response.statusLine ? { status: response.statusLine.status, body: response.body } : null;
}

/** (a) The checker's Conversation, as phase 11's checks use it; also what it received, to split again offline. */
async function viaConversation(port: number, item: KeptCase): Promise<{ split: Split; flags: ProblemCode[]; stream: Buffer; closed: boolean }> {
  const talk = await Conversation.open("127.0.0.1", port);
  if (!(talk instanceof Conversation)) throw new Error(talk.error);
  try {
    const one = await talk.ask(request(item.method, "/reader/first", port), DEADLINE_MS, item.method);
    const two = await talk.ask(request("GET", "/reader/second", port), DEADLINE_MS);
    const first = one.response ? taken(one.response) : null;
    const second = two.response && isSecond(taken(two.response)) ? "same" : "none";
    const flags = one.response ? mustProblems(one.response).map((problem) => problem.code) : [];
    return { split: { first, second }, flags, stream: talk.connection.received, closed: !talk.open };
  } finally {
    talk.close();
  }
}

function request(method: Method, path: string, port: number): string {
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;
}

/** One request through a keep-alive agent: what it took, and on which socket. */
function agentRequest(agent: http.Agent, port: number, path: string, method: Method): Promise<{ taken: Split["first"]; socket: net.Socket | null }> {
  return new Promise((resolve) => {
    let socket: net.Socket | null = null;
    let settled = false;
    const settle = (result: Split["first"]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ taken: result, socket });
    };
    const timer = setTimeout(() => {
      outgoing.destroy();
      settle(null);
    }, DEADLINE_MS);
    const outgoing = http.request({ host: "127.0.0.1", port, path, method, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", () => settle(null));
      response.on("aborted", () => settle(null));
      response.on("end", () => settle({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    outgoing.on("socket", (given) => (socket = given));
    outgoing.on("error", () => settle(null));
    outgoing.end();
  });
}

/** (b) node:http (llhttp): two requests in turn through one keep-alive agent with one socket. */
async function viaAgent(server: KeptServer, item: KeptCase): Promise<Split> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const one = await agentRequest(agent, server.port, "/llhttp/first", item.method);
    const two = await agentRequest(agent, server.port, "/llhttp/second", "GET");
    const sameSocket = one.socket !== null && one.socket === two.socket;
    const sameConnection = server.connectionOf.get("llhttp/first") === server.connectionOf.get("llhttp/second");
    if (isSecond(two.taken) && sameSocket !== sameConnection) throw new Error(`${item.name}: the agent's socket and the server's connection disagree`);
    return { first: one.taken, second: isSecond(two.taken) ? (sameSocket ? "same" : "other") : "none" };
  } finally {
    agent.destroy();
  }
}

async function fetchOnce(port: number, path: string, method: Method): Promise<Split["first"]> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, signal: AbortSignal.timeout(DEADLINE_MS) });
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
  } catch {
    return null;
  }
}

/** (c) fetch (undici): two requests in turn; the server's count of connections says whether it reused one. */
async function viaFetch(server: KeptServer, item: KeptCase): Promise<Split> {
  const first = await fetchOnce(server.port, "/undici/first", item.method);
  // undici frees a connection for reuse a tick after the body is read: asked at once, it opens another.
  await sleep(10);
  const second = await fetchOnce(server.port, "/undici/second", "GET");
  const sameConnection = server.connectionOf.get("undici/first") === server.connectionOf.get("undici/second");
  return { first, second: isSecond(second) ? (sameConnection ? "same" : "other") : "none" };
}

interface Run {
  item: KeptCase;
  reader: Split;
  /** The MUST problems the reader found in the first response. */
  flags: ProblemCode[];
  clients: Record<ClientName, Split>;
  stream: Buffer;
  closed: boolean;
}

async function runCase(item: KeptCase): Promise<Run> {
  const server = await startKeptServer(item);
  try {
    const [conversation, llhttp, undici] = await Promise.all([viaConversation(server.port, item), viaAgent(server, item), viaFetch(server, item)]);
    return { item, reader: conversation.split, flags: conversation.flags, clients: { llhttp, undici }, stream: conversation.stream, closed: conversation.closed };
  } finally {
    await server.close();
  }
}

async function runAll(cases: KeptCase[], parallel = 8): Promise<Run[]> {
  const runs: Run[] = new Array(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const index = next++;
      runs[index] = await runCase(cases[index]!);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return runs;
}

type Part = "first" | "second";

/** Where a client's split parts from the reader's: the first response taken otherwise, or the second not both whole on the kept connection. */
function partings(reader: Split, client: Split): Part[] {
  const parts: Part[] = [];
  const a = reader.first;
  const b = client.first;
  if ((a === null) !== (b === null) || (a && b && (a.status !== b.status || !a.body.equals(b.body)))) parts.push("first");
  if ((reader.second === "same") !== (client.second === "same")) parts.push("second");
  return parts;
}

interface KeptReason {
  /** The cases (by name) where this client parts from the reader this way. */
  cases: string[];
  clients: ClientName[];
  parts: Part[];
  /** Where the reader takes what the clients refuse, the server broke a MUST: the reader must say which. */
  readerFlags?: ProblemCode[];
  why: string;
}

/**
 * The reasoned disagreements: where a real client splits a kept connection otherwise than the
 * reader, and why the reader's split is the RFC's. The same on Node 22, 24 and 26.
 */
const KEPT_REASONED: KeptReason[] = [
  {
    cases: ["interim: a 100 first", "interim: a 100 and a 103 first"],
    clients: ["undici"],
    parts: ["first", "second"],
    why: "a 100 before the final response: a client MUST parse interim responses (RFC 9110 §15.2), each ends at its empty line (RFC 9112 §6.3 (1)); undici fails a 100 it did not ask for with \"bad response\" and drops the connection (a 103 it reads)",
  },
  {
    cases: ["no content: 304 with a Content-Length"],
    clients: ["undici"],
    parts: ["second"],
    why: "a 304 with a Content-Length: the field may give the selected representation's size (RFC 9110 §8.6) and the response ends at its head (RFC 9112 §6.3 (1)); undici takes the 304, then counts its missing body as a length mismatch and drops the connection",
  },
  {
    cases: ["no content: HEAD with a Content-Length", "no content: HEAD, chunked"],
    clients: ["undici"],
    parts: ["second"],
    why: "a response to HEAD ends at its head (RFC 9112 §6.3 (1)); undici sends Connection: close with every HEAD, against servers that add a body, so it never reuses that connection; node:http reuses it and reads the second response where the reader does",
  },
  {
    cases: ["duplicate: two equal Content-Length fields", "duplicate: a list of equal lengths"],
    clients: ["llhttp", "undici"],
    parts: ["first", "second"],
    readerFlags: ["duplicate-content-length"],
    why: "the same length twice: a recipient MAY reject the message or keep one value (RFC 9110 §8.6); both clients reject and drop the connection, the reader keeps one value, frames by it, and flags the duplicate",
  },
  {
    cases: ["broken: chunked and Content-Length"],
    clients: ["llhttp", "undici"],
    parts: ["first", "second"],
    readerFlags: ["te-and-length"],
    why: "Transfer-Encoding and Content-Length together: a sender MUST NOT send both (RFC 9112 §6.2); Transfer-Encoding overrides Content-Length and the message ought to be handled as an error (RFC 9112 §6.3 (3)); the clients refuse it, the reader frames by the chunks, as (3) says, and flags it",
  },
  {
    cases: [
      "broken: Content-Length larger than the body, the second response follows",
      "broken: Content-Length smaller than the body",
      "broken: HEAD answered with a body",
      "broken: 204 with a body",
    ],
    clients: ["llhttp"],
    parts: ["first"],
    why: "bytes after the framed end that start no response: the framing ends the response (RFC 9112 §6.3; (1) for HEAD and 204), so the reader, like undici, takes it and finds no response in what follows; llhttp reads on in the same chunk, hits a parse error, and fails the request it had just read whole. All three lose the second response",
  },
  {
    cases: ["broken: chunked without its final CRLF, the second response follows"],
    clients: ["llhttp", "undici"],
    parts: ["first"],
    readerFlags: ["bad-header"],
    why: "the trailer section runs to an empty line (RFC 9112 §7.1.2), so the second response's head is read as trailer lines; \"HTTP/1.1 200 OK\" is no field line (RFC 9112 §5): the clients refuse the response, the reader takes its data and flags the line. All three lose the second response",
  },
  {
    cases: ["control: the second response sent before it was asked"],
    clients: ["llhttp", "undici"],
    parts: ["second"],
    why: "a response written before its request: responses come in the order of the requests, one each (RFC 9112 §9.3.2), so bytes on an idle connection answer nothing; both clients drop the connection and ask again on a new one, the reader reads the stream in order and takes them for the next answer",
  },
  {
    cases: ["persistence: HTTP/1.0 without keep-alive"],
    clients: ["llhttp", "undici"],
    parts: ["second"],
    why: "an HTTP/1.0 response without keep-alive ends its connection (RFC 9112 §9.3): the clients do not reuse it; the server here answered anyway, and the reader, which splits and does not decide persistence, read that answer whole",
  },
  {
    cases: ["persistence: Connection: close, kept open anyway"],
    clients: ["llhttp", "undici"],
    parts: ["second"],
    why: "a client that receives close MUST stop sending requests on the connection (RFC 9112 §9.6); the Conversation sends the next request anyway (keep.two-requests stops at firstSaysClose before it would), and reads the answer the server gave",
  },
];

interface Parting {
  client: ClientName;
  parts: Part[];
  reason: KeptReason | null;
}

function explain(run: Pick<Run, "item" | "flags">, client: ClientName, parts: Part[]): KeptReason | null {
  return (
    KEPT_REASONED.find(
      (row) =>
        row.cases.includes(run.item.name) &&
        row.clients.includes(client) &&
        parts.every((part) => row.parts.includes(part)) &&
        (!row.readerFlags || row.readerFlags.some((code) => run.flags.includes(code))),
    ) ?? null
  );
}

function partingsOf(run: Run, reader: Split = run.reader): Parting[] {
  const found: Parting[] = [];
  for (const client of ["llhttp", "undici"] as const) {
    const parts = partings(reader, run.clients[client]);
    if (parts.length > 0) found.push({ client, parts, reason: explain(run, client, parts) });
  }
  return found;
}

function describe(split: Split): string {
  const first = split.first ? `${split.first.status} ${JSON.stringify(show(split.first.body, 24))}` : "none";
  return `first ${first}, second ${split.second}`;
}

type Splitter = (stream: Buffer, closed: boolean, method: Method) => Split;

/** Reads the first response off `stream`, then the second from where `end` says the first ended (from 0 when the first is not whole, as Conversation does). */
function twoResponses(stream: Buffer, closed: boolean, method: Method, end: (one: ParsedResponse) => number): Split {
  const one = readResponse(stream, closed, { method, more: true });
  const from = one.complete ? end(one) : 0;
  const two = readResponse(stream.subarray(from), closed, { more: true });
  return { first: taken(one), second: isSecond(taken(two)) ? "same" : "none" };
}

/** The split Conversation makes: the next response starts where the framing ends, at `extra`. */
const byFraming: Splitter = (stream, closed, method) => twoResponses(stream, closed, method, (one) => stream.length - one.extra.length);

/** Wrong splits a careless reader could make: each must make the comparison fail somewhere. */
const WRONG_SPLITS: Array<{ name: string; split: Splitter }> = [
  { name: "reads a response to HEAD as if it answered a GET", split: (stream, closed) => byFraming(stream, closed, "GET") },
  { name: "skips the decoded body's length, not the bytes that framed it", split: (stream, closed, method) => twoResponses(stream, closed, method, (one) => one.bodyStart! + one.body.length) },
  {
    name: "takes an interim 1xx for the final response",
    split: (stream, closed, method) => {
      const one = readResponse(stream, closed, { method, more: true });
      const interim = one.interim[0];
      if (!interim) return byFraming(stream, closed, method);
      const two = readResponse(stream.subarray(findBodyStart(stream)!), closed, { more: true });
      return { first: { status: interim.status, body: Buffer.alloc(0) }, second: isSecond(taken(two)) ? "same" : "none" };
    },
  },
  {
    name: "cuts at the next status line",
    split: (stream, closed, method) =>
      twoResponses(stream, closed, method, (one) => {
        const next = stream.indexOf("HTTP/1.", one.bodyStart!, "latin1");
        return next === -1 ? stream.length : next;
      }),
  },
];

let runs: Run[] = [];

beforeAll(async () => {
  runs = await runAll(keptCases());
  if (process.env.SHOW_KEPT_SPLITS) {
    for (const run of runs) {
      const lines = partingsOf(run).map((p) => `    ${p.client} [${p.parts.join(", ")}] ${describe(run.clients[p.client])}${p.reason ? "" : "  (UNEXPLAINED)"}`);
      console.log(`${lines.length > 0 ? "x" : " "} ${run.item.name}: reader ${describe(run.reader)}${run.flags.length ? ` {${run.flags.join(", ")}}` : ""}\n${lines.join("\n")}`.trimEnd());
    }
  }
}, 60_000);

test("node:http and fetch split a kept connection where the Conversation does, or the table says why the RFC sides with the reader", () => {
  expect(runs.length).toBeGreaterThanOrEqual(25);
  const unexplained = runs.flatMap((run) =>
    partingsOf(run)
      .filter((parting) => !parting.reason)
      .map((parting) => `${run.item.name}: ${show(run.item.first)} | reader ${describe(run.reader)} | ${parting.client} [${parting.parts.join(", ")}] ${describe(run.clients[parting.client])}`),
  );
  expect(unexplained).toEqual([]);
  // The comparison can fail: most cases agree with both clients, every framing among them, and the table stays small.
  const agreed = runs.filter((run) => partingsOf(run).length === 0).map((run) => run.item.name);
  expect(agreed.length).toBeGreaterThanOrEqual(22);
  for (const client of ["llhttp", "undici"] as const) {
    expect(runs.filter((run) => !partingsOf(run).some((parting) => parting.client === client)).length, client).toBeGreaterThanOrEqual(26);
  }
  for (const kind of ["length:", "chunked:", "no content:", "interim:", "broken:"]) expect(agreed.some((name) => name.startsWith(kind)), kind).toBe(true);
  // In most cases all three read the second response whole on the kept connection.
  expect(runs.filter((run) => run.reader.second === "same" && run.clients.llhttp.second === "same" && run.clients.undici.second === "same").length).toBeGreaterThanOrEqual(20);
});

test("the Conversation splits as readResponse's framing does, and a wrong split would be caught", () => {
  for (const run of runs) {
    expect(byFraming(run.stream, run.closed, run.item.method), run.item.name).toEqual(run.reader);
  }
  for (const wrong of WRONG_SPLITS) {
    const caught = runs.filter((run) => partingsOf(run, wrong.split(run.stream, run.closed, run.item.method)).some((parting) => !parting.reason));
    if (process.env.SHOW_KEPT_SPLITS) console.log(`${wrong.name}: caught by ${caught.map((run) => run.item.name).join("; ")}`);
    expect(caught.length, wrong.name).toBeGreaterThan(0);
  }
});
