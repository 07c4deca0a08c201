/**
 * Where the RFC allows two answers, the checks accept both: each server here gives the other
 * allowed answer than the solution does (an obs-fold joined instead of refused, a NUL or CR in a
 * value read as a space instead of refused, a folder's index served without the redirect, 403
 * instead of 404 for a climb, the biggest head limit the contract allows, "5, 5" or a chunked body
 * refused with 400; on kept connections: Connection: keep-alive said where it is the default, a
 * 408 before an idle close, 400 for HTTP/2.0, a connection limit that answers 503, a longer wait
 * for a connection's first request; in a pipeline: Connection: close on the first of several
 * requests instead of pipelining, a cap of 100 requests a connection, keep-alive said; for gzip:
 * deflate or br where the client prefers them, Vary on every answer or in lowercase in a list, a
 * threshold of 200 or 4000 bytes, gzip at level 9 with a name and a time in its header; for
 * chunked: Transfer-Encoding beside a Content-Length read by chunked and closed, sizes in capital hex
 * with leading zeros, a line of /stream in two chunks, chunk extensions or a trailer field on
 * /stream, HTTP/1.0's /stream made whole and sent with a Content-Length, 413 for a 17-digit size,
 * "gzip, chunked" read before its 501, the head in one write with the first chunk, keep-alive
 * said; for the framework: a body that has all come sent with its Content-Length, the app's field
 * names in Canonical-Case, an empty reason or reasons in other words, a crash's 500 as plain text,
 * HTTP/1.0's stream made whole and sent with its length, every body in chunks), and must pass
 * every check of its phase.
 */
import { expect, test } from "vitest";
import type { BrokenCase } from "./broken/cases.ts";
import { gradeBroken } from "./broken/harness.ts";

const lookAlikes: Array<Pick<BrokenCase, "name" | "phase" | "base" | "mistake" | "patch">> = [
  {
    name: "1-listens-on-every-address",
    phase: 1,
    base: "solutions/1-bind/server.ts",
    mistake: 'listens on "::" (every address, 127.0.0.1 included, so clients show as ::ffff:127.0.0.1), not on ::1 alone',
    patch: [["  server.listen(PORT, HOST, () => {", '  server.listen(PORT, "::", () => {']],
  },
  {
    name: "2-could-not-parse-in-its-own-words",
    phase: 2,
    base: "solutions/2-parse/server.ts",
    mistake: "says in its own words that it could not read a request line (the lesson allows any)",
    patch: [['    console.log("Could not parse the request line");', '    console.log("That is not an HTTP request line; nothing to do.");']],
  },
  {
    name: "4-bad-request-page-of-its-own",
    phase: 4,
    base: "solutions/4-counter/server.ts",
    mistake: "answers 400 Bad Request with a page of its own words",
    patch: [['    return { status: "400 Bad Request", body: "<h1>400 Bad Request</h1>" };', '    return { status: "400 Bad Request", body: "<p>Sorry, that was not an HTTP request.</p>" };']],
  },
  {
    name: "7-joins-an-obs-fold",
    phase: 7,
    base: "solutions/7-headers/server.ts",
    mistake: "joins a folded line to the field before it with a space (RFC 9112 §5.2's other answer)",
    patch: [
      [
        "    if (/^[ \\t]/.test(line)) return null;",
        '    if (/^[ \\t]/.test(line)) {\n      const last = fields.at(-1);\n      if (!last) return null;\n      last[1] = `${last[1]} ${line.replace(/^[ \\t]+|[ \\t]+$/g, "")}`;\n      continue;\n    }',
      ],
    ],
  },
  {
    name: "7-head-limit-64k",
    phase: 7,
    base: "solutions/7-headers/server.ts",
    mistake: "takes heads up to 64 KiB, the most the contract allows",
    patch: [["const MAX_HEAD_BYTES = 32 * 1024;", "const MAX_HEAD_BYTES = 64 * 1024;"]],
  },
  {
    name: "7-replaces-nul-and-cr-with-spaces",
    phase: 7,
    base: "solutions/7-headers/server.ts",
    mistake: "reads a NUL or a bare CR in a field value as a space (RFC 9110 §5.5's other answer)",
    patch: [
      ["    if (/[\\0\\r]/.test(line)) return null;\n", ""],
      ['line.slice(colon + 1).replace(/^[ \\t]+|[ \\t]+$/g, "")', 'line.slice(colon + 1).replace(/[\\0\\r]/g, " ").replace(/^[ \\t]+|[ \\t]+$/g, "")'],
    ],
  },
  {
    name: "8-redirects-an-invalid-target",
    phase: 8,
    base: "solutions/8-query/server.ts",
    mistake: "answers a target with a character no target may hold with a 301 to it properly encoded (RFC 9112 §3's other answer)",
    patch: [
      ['  200: "OK",', '  200: "OK",\n  301: "Moved Permanently",'],
      [
        "  if (origin === null) return generateResponse(error(400), head);",
        [
          "  if (origin === null) {",
          // Bytes that were not UTF-8 arrive as U+FFFD: there is no telling what they were, so 400 for those.
          '    if (!target.startsWith("/") || target.includes("\\uFFFD")) return generateResponse(error(400), head);',
          "    const escape = (character: string): string => [...Buffer.from(character)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, \"0\")}`).join(\"\");",
          "    const location = target.replace(/[^A-Za-z0-9\\-._~!$&'()*+,;=:@/?%]/gu, escape);",
          '    return generateResponse({ status: 301, body: "<h1>301 Moved Permanently</h1>", headers: { Location: location } }, head);',
          "  }",
        ].join("\n"),
      ],
    ],
  },
  {
    name: "9-serves-a-folder-without-redirect",
    phase: 9,
    base: "solutions/9-static/server.ts",
    mistake: "serves a folder's index.html at once when its final slash is missing (no 301)",
    patch: [['    if (parts.at(-1) !== "") return generateResponse({ status: 301, body: "<h1>301 Moved Permanently</h1>", headers: { Location: `${rawPath}/` } }, head);', '    if (parts.at(-1) !== "") parts = [...parts, ""];']],
  },
  {
    name: "9-forbids-a-climb",
    phase: 9,
    base: "solutions/9-static/server.ts",
    mistake: "answers 403 Forbidden, not 404, to a path with a \"..\" segment",
    patch: [["  let file = await resolveFile(parts);", '  if (parts.includes("..")) return generateResponse(error(403), head);\n  let file = await resolveFile(parts);']],
  },
  {
    name: "10-refuses-the-same-length-twice",
    phase: 10,
    base: "solutions/10-post/server.ts",
    mistake: "refuses Content-Length: 5, 5 (and the field 5 sent twice) with 400, not served as 5 (RFC 9110 §8.6's other answer)",
    patch: [["  if (lengths.size !== 1) return null;", '  if (lengths.size !== 1 || value.includes(",")) return null;']],
  },
  {
    name: "10-refuses-chunked-with-400",
    phase: 10,
    base: "solutions/10-post/server.ts",
    mistake: "refuses a chunked body with 400, not 501",
    patch: [["  if (encoding !== undefined) return { status: length === undefined ? 501 : 400 };", "  if (encoding !== undefined) return { status: 400 };"]],
  },
  {
    name: "10-body-deadline-closes",
    phase: 10,
    base: "solutions/10-post/server.ts",
    mistake: "closes the connection without a 408 when the body has not all come by its deadline",
    patch: [["            console.log(`No whole body within ${BODY_TIMEOUT_MS / 1000} s: 408`);", "            console.log(`No whole body within ${BODY_TIMEOUT_MS / 1000} s: closing`);\n            done = true;\n            socket.end();\n            return;"]],
  },
  {
    name: "10-early-415-without-continue",
    phase: 10,
    base: "solutions/10-post/server.ts",
    mistake: "answers 415 at once, with no 100 Continue, when the head asks for one and already says the body is not JSON",
    patch: [
      [
        "          if (asksFirst && received.length < (bodyLength ?? 0)) socket.write(CONTINUE);",
        [
          '          const notJson = request.line.target === "/api/echo" && mediaType(request.headers["content-type"]) !== JSON_TYPE;',
          '          if (asksFirst && request.line.method === "POST" && bodyLength !== null && notJson) return refuse(generateResponse(json(415, { error: "Send JSON" })));',
          "          if (asksFirst && received.length < (bodyLength ?? 0)) socket.write(CONTINUE);",
        ].join("\n"),
      ],
    ],
  },
  {
    name: "11-says-keep-alive-on-http11",
    phase: 11,
    base: "solutions/11-keep-alive/server.ts",
    mistake: 'answers a kept HTTP/1.1 connection with an explicit "Connection: keep-alive" (1.1 stays open without it)',
    patch: [['connection = version === "HTTP/1.0" ? "keep-alive" : null;', 'connection = "keep-alive";']],
  },
  {
    name: "11-408-before-idle-close",
    phase: 11,
    base: "solutions/11-keep-alive/server.ts",
    mistake: "sends 408 Request Timeout (with Connection: close) before it closes an idle connection",
    patch: [["closing the idle connection`);\n      done = true;\n      socket.end();", "closing the idle connection`);\n      done = true;\n      socket.end(generateResponse(error(408)));"]],
  },
  {
    name: "11-refuses-transfer-encoding-with-400",
    phase: 11,
    base: "solutions/11-keep-alive/server.ts",
    mistake: "answers any request Transfer-Encoding with 400, not 501, then closes",
    patch: [["  if (encoding !== undefined) return { status: length === undefined ? 501 : 400 };", "  if (encoding !== undefined) return { status: 400 };"]],
  },
  {
    name: "11-http2-is-a-bad-request",
    phase: 11,
    base: "solutions/11-keep-alive/server.ts",
    mistake: 'answers "HTTP/2.0" with 400, not 505, then closes',
    patch: [['  if (!line.version.startsWith("HTTP/1.")) return generateResponse(error(505), isHead);', '  if (!line.version.startsWith("HTTP/1.")) return generateResponse(error(400), isHead);']],
  },
  {
    name: "11-connection-limit-503",
    phase: 11,
    base: "solutions/11-keep-alive/server.ts",
    // 15: under the 20 half heads keep.slowloris leaves hanging, so that check meets the limit.
    mistake: "takes 15 connections at most, and answers one more at once with 503 and Connection: close",
    patch: [
      ['  505: "HTTP Version Not Supported",', '  503: "Service Unavailable",\n  505: "HTTP Version Not Supported",'],
      [
        "  const server = net.createServer({ allowHalfOpen: true }, (socket) => {\n",
        [
          "  let open = 0;",
          "  const server = net.createServer({ allowHalfOpen: true }, (socket) => {",
          "    if (open >= 15) {",
          '      console.log("Too many connections: 503");',
          '      socket.on("error", () => {});',
          // What the client sends is read and dropped, then the connection closes for good.
          "      socket.resume();",
          "      socket.end(generateResponse(error(503)));",
          "      setTimeout(() => socket.destroy(), DRAIN_MS);",
          "      return;",
          "    }",
          "    open += 1;",
          '    socket.once("close", () => (open -= 1));',
          "",
        ].join("\n"),
      ],
    ],
  },
  {
    name: "11-first-request-waits-longer",
    phase: 11,
    base: "solutions/11-keep-alive/server.ts",
    mistake: "gives a new connection 10 s for its first request's first byte, longer than KEEP_ALIVE_MS (as nginx and node:http do); its head then has 1 s",
    patch: [
      ["const KEEP_ALIVE_MS = Number(process.env.KEEP_ALIVE_MS ?? 5000);", "const KEEP_ALIVE_MS = Number(process.env.KEEP_ALIVE_MS ?? 5000);\nconst FIRST_BYTE_MS = 10_000;"],
      ["    // The first request's whole head has HEAD_TIMEOUT_MS from now.\n    deadline(HEAD_TIMEOUT_MS, headTimeout);", "    idle = true;\n    deadline(FIRST_BYTE_MS, idleTimeout);"],
    ],
  },
  {
    name: "12-closes-instead-of-pipelining",
    phase: 12,
    base: "solutions/12-pipelining/server.ts",
    mistake: "does not pipeline: a request with another already received behind it gets Connection: close and is the last (the client sends the rest again, RFC 9112 §9.6)",
    patch: [
      ["async function handleRequest(socket: net.Socket, request: ReadHead, body: Buffer | null): Promise<boolean> {", "async function handleRequest(socket: net.Socket, request: ReadHead, body: Buffer | null, last = false): Promise<boolean> {"],
      ["  if (persistent(version, request.headers.connection)) connection", "  if (!last && persistent(version, request.headers.connection)) connection"],
      ["    const serve = async (read: ReadHead, body: Buffer | null) => {", "    const serve = async (read: ReadHead, body: Buffer | null, last = false) => {"],
      ["      const keep = await handleRequest(socket, read, body);", "      const keep = await handleRequest(socket, read, body, last);"],
      ["      void serve(whole, body);\n", "      // No pipelining here: a request with more behind it gets the last answer.\n      void serve(whole, body, skipEmptyLines(received).length > 0);\n"],
    ],
  },
  {
    name: "12-hundred-requests-a-connection",
    phase: 12,
    base: "solutions/12-pipelining/server.ts",
    mistake: "serves at most 100 requests on a connection: the answer to the 100th says Connection: close",
    patch: [
      ["async function handleRequest(socket: net.Socket, request: ReadHead, body: Buffer | null): Promise<boolean> {", "async function handleRequest(socket: net.Socket, request: ReadHead, body: Buffer | null, last = false): Promise<boolean> {"],
      ["  if (persistent(version, request.headers.connection)) connection", "  if (!last && persistent(version, request.headers.connection)) connection"],
      ["const DRAIN_MS = 1000;\n", "const DRAIN_MS = 1000;\n// The most requests one connection serves.\nconst MAX_REQUESTS = 100;\n"],
      ["    let done = false;\n", "    let done = false;\n    // Requests answered on this connection.\n    let served = 0;\n"],
      ["      const keep = await handleRequest(socket, read, body);", "      served += 1;\n      const keep = await handleRequest(socket, read, body, served >= MAX_REQUESTS);"],
    ],
  },
  {
    name: "12-says-keep-alive",
    phase: 12,
    base: "solutions/12-pipelining/server.ts",
    mistake: 'answers every kept request with an explicit "Connection: keep-alive" (HTTP/1.1 stays open without it)',
    patch: [['connection = version === "HTTP/1.0" ? "keep-alive" : null;', 'connection = "keep-alive";']],
  },
  {
    name: "13-prefers-deflate",
    phase: 13,
    base: "solutions/13-gzip/server.ts",
    mistake: 'also speaks deflate (the zlib format) and follows the weights: "deflate, gzip;q=0.5" gets deflate, and so does "gzip;q=0, *"; a tie gets gzip',
    patch: [
      ['import { gzip } from "node:zlib";', 'import { deflate, gzip } from "node:zlib";'],
      ["const gzipAsync = promisify(gzip);", "const gzipAsync = promisify(gzip);\nconst deflateAsync = promisify(deflate);"],
      [
        "/** Whether a body of this Content-Type shrinks when compressed",
        [
          "/** The weight a request gives a coding (by any of its names): its own entry's, else *'s, else 0. */",
          "function weightOf(acceptEncoding: string | undefined, names: string[]): number {",
          "  let named: number | null = null;",
          "  let any: number | null = null;",
          '  for (const entry of (acceptEncoding ?? "").split(",")) {',
          '    const [coding = "", ...parameters] = entry.split(";").map((part) => part.replace(/^[ \\t]+|[ \\t]+$/g, ""));',
          '    const q = parameters.find((parameter) => /^q[ \\t]*=/i.test(parameter))?.replace(/^q[ \\t]*=[ \\t]*/i, "");',
          "    const weight = q === undefined ? 1 : QVALUE.test(q) ? Number(q) : NaN;",
          "    if (Number.isNaN(weight)) continue;",
          "    if (names.includes(coding.toLowerCase())) named = Math.max(named ?? 0, weight);",
          '    else if (coding === "*") any = Math.max(any ?? 0, weight);',
          "  }",
          "  return named ?? any ?? 0;",
          "}",
          "",
          "/** Whether a body of this Content-Type shrinks when compressed",
        ].join("\n"),
      ],
      [
        '  if (!acceptsGzip(acceptEncoding)) return { body, fields: { Vary: "Accept-Encoding" } };',
        [
          "  // deflate when the client likes it better than gzip (or gzip not at all); on a tie, gzip.",
          '  const deflateWeight = weightOf(acceptEncoding, ["deflate"]);',
          '  if (deflateWeight > weightOf(acceptEncoding, ["gzip", "x-gzip"])) return { body: await deflateAsync(body), fields: { "Content-Encoding": "deflate", Vary: "Accept-Encoding" } };',
          '  if (!acceptsGzip(acceptEncoding)) return { body, fields: { Vary: "Accept-Encoding" } };',
        ].join("\n"),
      ],
    ],
  },
  {
    name: "13-brotli-when-preferred",
    phase: 13,
    base: "solutions/13-gzip/server.ts",
    mistake: "also speaks br, and sends it when the request names br with a weight at least gzip's (curl --compressed asks for deflate, gzip, br, zstd)",
    patch: [
      ['import { gzip } from "node:zlib";', 'import { brotliCompress, constants, gzip } from "node:zlib";'],
      [
        "const gzipAsync = promisify(gzip);",
        [
          "const gzipAsync = promisify(gzip);",
          "const brotliAsync = promisify(brotliCompress);",
          "// Quality 5: brotli's default (11) is for files compressed once ahead of time, too slow for each request.",
          "const BROTLI_OPTIONS = { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } };",
        ].join("\n"),
      ],
      [
        "/** Whether a body of this Content-Type shrinks when compressed",
        [
          "/** The weight a request gives a coding (by any of its names): its own entry's, else *'s (when `star`), else 0. */",
          "function weightOf(acceptEncoding: string | undefined, names: string[], star = true): number {",
          "  let named: number | null = null;",
          "  let any: number | null = null;",
          '  for (const entry of (acceptEncoding ?? "").split(",")) {',
          '    const [coding = "", ...parameters] = entry.split(";").map((part) => part.replace(/^[ \\t]+|[ \\t]+$/g, ""));',
          '    const q = parameters.find((parameter) => /^q[ \\t]*=/i.test(parameter))?.replace(/^q[ \\t]*=[ \\t]*/i, "");',
          "    const weight = q === undefined ? 1 : QVALUE.test(q) ? Number(q) : NaN;",
          "    if (Number.isNaN(weight)) continue;",
          "    if (names.includes(coding.toLowerCase())) named = Math.max(named ?? 0, weight);",
          '    else if (coding === "*") any = Math.max(any ?? 0, weight);',
          "  }",
          "  return named ?? (star ? (any ?? 0) : 0);",
          "}",
          "",
          "/** Whether a body of this Content-Type shrinks when compressed",
        ].join("\n"),
      ],
      [
        '  if (!acceptsGzip(acceptEncoding)) return { body, fields: { Vary: "Accept-Encoding" } };',
        [
          "  // br only when the client names it (not through *), and likes it at least as well as gzip.",
          '  const brWeight = weightOf(acceptEncoding, ["br"], false);',
          '  if (brWeight > 0 && brWeight >= weightOf(acceptEncoding, ["gzip", "x-gzip"])) return { body: await brotliAsync(body, BROTLI_OPTIONS), fields: { "Content-Encoding": "br", Vary: "Accept-Encoding" } };',
          '  if (!acceptsGzip(acceptEncoding)) return { body, fields: { Vary: "Accept-Encoding" } };',
        ].join("\n"),
      ],
    ],
  },
  {
    name: "13-vary-everywhere",
    phase: 13,
    base: "solutions/13-gzip/server.ts",
    mistake: "says Vary: Accept-Encoding on every response (a PNG, a small page, a 404 too), not only where the coding could differ",
    patch: [["    ...Object.entries(fields).map(", '    // Every answer says it: simpler, and never wrong for a cache (it only keeps more copies).\n    ...Object.entries({ Vary: "Accept-Encoding", ...fields }).map(']],
  },
  {
    name: "13-vary-accept-lowercase",
    phase: 13,
    base: "solutions/13-gzip/server.ts",
    mistake: 'says "Vary: Accept, accept-encoding": a list, the field name in lowercase',
    patch: [
      ['return { body, fields: { Vary: "Accept-Encoding" } };', 'return { body, fields: { Vary: "Accept, accept-encoding" } };'],
      ['fields: { "Content-Encoding": "gzip", Vary: "Accept-Encoding" } };', 'fields: { "Content-Encoding": "gzip", Vary: "Accept, accept-encoding" } };'],
      ['? { Vary: "Accept-Encoding" } : {};', '? { Vary: "Accept, accept-encoding" } : {};'],
    ],
  },
  {
    name: "13-threshold-200",
    phase: 13,
    base: "solutions/13-gzip/server.ts",
    mistake: "compresses text bodies from 200 bytes on (MIN_GZIP_BYTES = 200)",
    patch: [["const MIN_GZIP_BYTES = 1024;", "const MIN_GZIP_BYTES = 200;"]],
  },
  {
    name: "13-threshold-4000",
    phase: 13,
    base: "solutions/13-gzip/server.ts",
    mistake: "compresses text bodies from 4000 bytes on only (MIN_GZIP_BYTES = 4000)",
    patch: [["const MIN_GZIP_BYTES = 1024;", "const MIN_GZIP_BYTES = 4000;"]],
  },
  {
    name: "13-gzip-level-9-with-name",
    phase: 13,
    base: "solutions/13-gzip/server.ts",
    mistake: "builds its own gzip frame (RFC 1952): level-9 deflate, with MTIME, XFL and a file name (FNAME) set, where node:zlib's gzip leaves them empty",
    patch: [
      ['import { gzip } from "node:zlib";', 'import { crc32, deflateRaw } from "node:zlib";'],
      [
        "const gzipAsync = promisify(gzip);",
        [
          "const deflateRawAsync = promisify(deflateRaw);",
          "",
          "/** gzip's frame (RFC 1952) around a level-9 deflate stream, its header saying when and what (a name). */",
          "async function gzipAsync(body: Buffer, name = \"response\"): Promise<Buffer> {",
          "  const header = Buffer.alloc(10);",
          "  header.set([0x1f, 0x8b, 8, 0x08]); // the magic bytes, CM 8 (deflate), FLG.FNAME",
          "  header.writeUInt32LE(Math.floor(Date.now() / 1000), 4); // MTIME: when it was compressed",
          "  header[8] = 2; // XFL: the slowest, best compression",
          "  header[9] = 3; // OS: Unix",
          "  const trailer = Buffer.alloc(8);",
          "  trailer.writeUInt32LE(crc32(body), 0);",
          "  trailer.writeUInt32LE(body.length % 2 ** 32, 4); // ISIZE",
          "  // FNAME is Latin-1, ended by a zero byte.",
          '  const fileName = Buffer.from(`${name.replace(/[^\\x20-\\x7e]/g, "_")}\\0`, "latin1");',
          "  return Buffer.concat([header, fileName, await deflateRawAsync(body, { level: 9 }), trailer]);",
          "}",
        ].join("\n"),
      ],
      [
        "export async function encodeBody(body: Buffer, type: string, acceptEncoding: string | undefined): Promise<",
        "export async function encodeBody(body: Buffer, type: string, acceptEncoding: string | undefined, name?: string): Promise<",
      ],
      ["  return { body: await gzipAsync(body), fields:", "  return { body: await gzipAsync(body, name), fields:"],
      ['encodeBody(await readFile(file), type, headers["accept-encoding"]);', 'encodeBody(await readFile(file), type, headers["accept-encoding"], path.basename(file));'],
    ],
  },
  {
    name: "13-406-when-nothing-is-acceptable",
    phase: 13,
    base: "solutions/13-gzip/server.ts",
    mistake: "answers 406 Not Acceptable when the request refuses gzip and the body as it is too (identity;q=0, *;q=0), where the solution sends the body as it is (RFC 9110 §12.5.3 allows either)",
    patch: [
      ['  415: "Unsupported Media Type",', '  406: "Not Acceptable",\n  415: "Unsupported Media Type",'],
      [
        "  if (negotiable(type, info.size)) {",
        [
          "  // identity refused, by name or by *;q=0 without identity listed: nothing acceptable is left.",
          '  const codings = (headers["accept-encoding"] ?? "").toLowerCase().replace(/[ \\t]/g, "").split(",");',
          '  const identityRefused = codings.includes("identity;q=0") || (codings.includes("*;q=0") && !codings.some((each) => each.split(";")[0] === "identity"));',
          '  if (negotiable(type, info.size) && !acceptsGzip(headers["accept-encoding"]) && identityRefused) return respond(error(406));',
          "  if (negotiable(type, info.size)) {",
        ].join("\n"),
      ],
    ],
  },
  {
    name: "14-reads-te-with-length-and-closes",
    phase: 14,
    base: "solutions/14-chunked/server.ts",
    mistake: "reads a body with both Transfer-Encoding: chunked and a Content-Length by chunked, answers it, and closes (RFC 9112 §6.1's other answer: chunked overrides the length, and the connection MUST close after)",
    patch: [
      ["    if (length !== undefined) return { status: 400 };\n", "    // Beside a Content-Length, chunked decides (RFC 9112 §6.1); handleRequest closes after the answer.\n"],
      [
        "  if (persistent(version, request.headers.connection)) connection",
        '  const bothFramings = request.headers["transfer-encoding"] !== undefined && request.headers["content-length"] !== undefined;\n  if (!bothFramings && persistent(version, request.headers.connection)) connection',
      ],
    ],
  },
  {
    name: "14-hex-in-capitals-with-zeros",
    phase: 14,
    base: "solutions/14-chunked/server.ts",
    mistake: 'writes each chunk size in capital hex, four digits with leading zeros ("000D", "012C", the last chunk "0000")',
    patch: [["Buffer.from(`${data.length.toString(16)}\\r\\n`, \"latin1\"), data, CRLF]", "Buffer.from(`${data.length.toString(16).toUpperCase().padStart(4, \"0\")}\\r\\n`, \"latin1\"), data, CRLF]"]],
  },
  {
    name: "14-stream-line-in-two-chunks",
    phase: 14,
    base: "solutions/14-chunked/server.ts",
    mistake: "sends each line of /stream as two chunks (its halves), in two writes",
    patch: [
      [
        "      socket.write(chunked ? chunk(piece) : piece);",
        [
          "      if (chunked) {",
          "        // Chunks need not follow lines: each line goes as two.",
          "        const half = Math.ceil(piece.length / 2);",
          "        socket.write(chunk(piece.subarray(0, half)));",
          "        if (half < piece.length) socket.write(chunk(piece.subarray(half)));",
          "      } else {",
          "        socket.write(piece);",
          "      }",
        ].join("\n"),
      ],
    ],
  },
  {
    name: "14-stream-chunk-extensions",
    phase: 14,
    base: "solutions/14-chunked/server.ts",
    mistake: 'puts a chunk extension on each chunk of /stream ("d;line=1"), and on the last ("0;lines=3") (RFC 9112 §7.1.1: a recipient ignores those it does not know)',
    patch: [
      ["  try {\n    for await (const piece of reply.pieces(stop.signal)) {", "  let lines = 0;\n  try {\n    for await (const piece of reply.pieces(stop.signal)) {"],
      [
        "      socket.write(chunked ? chunk(piece) : piece);",
        '      lines += 1;\n      socket.write(chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)};line=${lines}\\r\\n`, "latin1"), piece, CRLF]) : piece);',
      ],
      ["  if (chunked) socket.write(chunk(Buffer.alloc(0)));", '  if (chunked) socket.write(`0;lines=${lines}\\r\\n\\r\\n`);'],
    ],
  },
  {
    name: "14-stream-trailer-field",
    phase: 14,
    base: "solutions/14-chunked/server.ts",
    mistake: 'announces "Trailer: Server-Timing" in the head of /stream and sends that field after the last chunk (RFC 9110 §6.5; Server-Timing is defined to be allowed there)',
    patch: [
      ['  const fields = chunked ? { ...reply.fields, "Transfer-Encoding": "chunked" } : reply.fields;', '  const fields = chunked ? { ...reply.fields, "Transfer-Encoding": "chunked", Trailer: "Server-Timing" } : reply.fields;\n  const started = performance.now();'],
      ["  if (chunked) socket.write(chunk(Buffer.alloc(0)));", '  if (chunked) socket.write(`0\\r\\nServer-Timing: stream;dur=${Math.round(performance.now() - started)}\\r\\n\\r\\n`);'],
    ],
  },
  {
    name: "14-stream-http10-with-length",
    phase: 14,
    base: "solutions/14-chunked/server.ts",
    mistake: "makes the whole body of /stream first for an HTTP/1.0 client, and sends it with a Content-Length (and Connection: close), not ended by the close",
    patch: [
      [
        '  socket.write(responseHead(reply.status, fields, chunked ? connection : "close"));',
        [
          "  if (!chunked && reply.pieces !== null) {",
          "    // HTTP/1.0 cannot read chunks: the lines are all made first, and sent with their length.",
          "    const made: Buffer[] = [];",
          "    const gone = new AbortController();",
          "    const away = () => gone.abort();",
          '    socket.once("close", away);',
          "    try {",
          "      for await (const piece of reply.pieces(gone.signal)) made.push(piece);",
          "    } catch {",
          "      return false;",
          "    } finally {",
          '      socket.off("close", away);',
          "    }",
          "    const body = Buffer.concat(made);",
          '    socket.write(Buffer.concat([responseHead(reply.status, { ...fields, "Content-Length": String(body.length) }, "close"), body]));',
          "    return false;",
          "  }",
          '  socket.write(responseHead(reply.status, fields, chunked ? connection : "close"));',
        ].join("\n"),
      ],
    ],
  },
  {
    name: "14-huge-size-413",
    phase: 14,
    base: "solutions/14-chunked/server.ts",
    mistake: "reads a chunk size of any number of hex digits, and answers 413 (not 400) to one with more than 8 after its leading zeros (17 digits included): over MAX_BODY_BYTES anyway",
    patch: [
      ["const CHUNK_SIZE_LINE = /^([0-9A-Fa-f]{1,16})", "const CHUNK_SIZE_LINE = /^([0-9A-Fa-f]+)"],
      ["    const length = parseInt(found[1]!, 16);", '    const digits = found[1]!.replace(/^0+(?=.)/, "");\n    if (digits.length > 8) return { status: 413 };\n    const length = parseInt(digits, 16);'],
    ],
  },
  {
    name: "14-reads-gzip-chunked-then-501",
    phase: 14,
    base: "solutions/14-chunked/server.ts",
    mistake: 'reads a body sent with "Transfer-Encoding: gzip, chunked" by its chunks (the last coding says where it ends), then answers 501 and closes, where the solution answers from the head',
    patch: [
      ["    if (before.length > 0) return { status: 501 };\n", "    // A coding before chunked that this server cannot undo: the body is read, then refused (handleRequest).\n"],
      [
        "  let reply: Answer;\n",
        [
          '  const codings = (request.headers["transfer-encoding"] ?? "").split(",").filter((each) => each.replace(/^[ \\t]+|[ \\t]+$/g, "") !== "");',
          "  if (codings.length > 1) {",
          '    socket.write(generateResponse(error(501), request.line.method === "HEAD"));',
          "    return false;",
          "  }",
          "  let reply: Answer;",
          "",
        ].join("\n"),
      ],
    ],
  },
  {
    name: "14-stream-first-chunk-with-head",
    phase: 14,
    base: "solutions/14-chunked/server.ts",
    mistake: "sends the head of /stream with its first chunk, in one write (the head alone for HEAD)",
    patch: [
      ['  socket.write(responseHead(reply.status, fields, chunked ? connection : "close"));', '  let unsent: Buffer | null = responseHead(reply.status, fields, chunked ? connection : "close");'],
      ["  if (reply.pieces === null) return keep; // HEAD: the head alone, at once", "  if (reply.pieces === null) {\n    socket.write(unsent);\n    return keep;\n  }"],
      ["      socket.write(chunked ? chunk(piece) : piece);", "      const framed = chunked ? chunk(piece) : piece;\n      socket.write(unsent === null ? framed : Buffer.concat([unsent, framed]));\n      unsent = null;"],
      ["  if (chunked) socket.write(chunk(Buffer.alloc(0)));", "  if (unsent !== null) socket.write(unsent);\n  if (chunked) socket.write(chunk(Buffer.alloc(0)));"],
    ],
  },
  {
    name: "14-says-keep-alive",
    phase: 14,
    base: "solutions/14-chunked/server.ts",
    mistake: 'answers every kept request, /stream and the chunked echo included, with an explicit "Connection: keep-alive"',
    patch: [['connection = version === "HTTP/1.0" ? "keep-alive" : null;', 'connection = "keep-alive";']],
  },
  {
    name: "15-length-when-whole-at-once",
    phase: 15,
    base: "solutions/15-framework/server.ts",
    mistake:
      "reads a body of unknown length as far as it has come without waiting (as @hono/node-server does): one that ended by then (a text, JSON) goes with its Content-Length, a stream in chunks, what came first included",
    patch: [
      [
        "  const { status } = response;\n  const framing = framingFor(response, method, version);\n",
        [
          "  const { status } = response;",
          "  let framing = framingFor(response, method, version);",
          "  let body = response.body;",
          "  // A body made already (a string) has all come before a macrotask turn; a stream has not.",
          "  if (typeof framing.end !== \"number\" && body !== null && method !== \"HEAD\") {",
          "    const reader = body.getReader();",
          "    const came: Uint8Array[] = [];",
          "    let waiting: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;",
          "    for (;;) {",
          "      const next = reader.read();",
          "      const now = await Promise.race([next, new Promise<null>((resolve) => setImmediate(() => resolve(null)))]);",
          "      if (now === null) {",
          "        waiting = next;",
          "        break;",
          "      }",
          "      if (now.done) break;",
          "      came.push(now.value);",
          "    }",
          "    if (waiting === null) {",
          "      const length = came.reduce((sum, piece) => sum + piece.length, 0);",
          '      framing = { fields: [["Content-Length", String(length)]], end: length };',
          "    }",
          "    body = new ReadableStream<Uint8Array>({",
          "      async pull(controller) {",
          "        const piece = came.shift();",
          "        if (piece !== undefined) return controller.enqueue(piece);",
          "        const { done, value } = await (waiting ?? reader.read());",
          "        waiting = null;",
          "        if (done) controller.close();",
          "        else controller.enqueue(value);",
          "      },",
          "      cancel: (reason) => reader.cancel(reason),",
          "    });",
          "  }",
          "",
        ].join("\n"),
      ],
      ["  const whole = await sendBody(socket, response.body, framing.end);", "  const whole = await sendBody(socket, body ?? response.body, framing.end);"],
    ],
  },
  {
    name: "15-field-names-capitalized",
    phase: 15,
    base: "solutions/15-framework/server.ts",
    mistake: "writes the app's field names as most servers do, Content-Type and Set-Cookie, where Headers holds them in lowercase (names are case-insensitive, RFC 9110 §5.1)",
    patch: [
      [
        '  for (const [name, value] of headers) {\n    if (!SERVERS_OWN.has(name) && name !== "set-cookie") fields.push([name, value]);\n  }\n  for (const cookie of headers.getSetCookie()) fields.push(["set-cookie", cookie]);\n',
        [
          "  const written = (name: string): string => name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());",
          "  for (const [name, value] of headers) {",
          '    if (!SERVERS_OWN.has(name) && name !== "set-cookie") fields.push([written(name), value]);',
          "  }",
          '  for (const cookie of headers.getSetCookie()) fields.push(["Set-Cookie", cookie]);',
          "",
        ].join("\n"),
      ],
    ],
  },
  {
    name: "15-reason-from-status-text",
    phase: 15,
    base: "solutions/15-framework/server.ts",
    mistake: 'writes the app\'s Response.statusText as the reason, empty for Hono\'s answers: "HTTP/1.1 200 " (RFC 9112 §4: the reason may be empty, the space stays)',
    patch: [
      [
        'function responseHead(status: number, fields: Array<[string, string]>, connection: ConnectionField = "close"): Buffer {\n  const lines = [\n    `HTTP/1.1 ${status} ${REASONS[status] ?? ""}`,',
        'function responseHead(status: number, fields: Array<[string, string]>, connection: ConnectionField = "close", reason = REASONS[status] ?? ""): Buffer {\n  const lines = [\n    `HTTP/1.1 ${status} ${reason}`,',
      ],
      ['endsWithClose ? "close" : connection));', 'endsWithClose ? "close" : connection, response.statusText));'],
    ],
  },
  {
    name: "15-reasons-of-its-own",
    phase: 15,
    base: "solutions/15-framework/server.ts",
    mistake: 'says the reasons in words of its own ("200 Fine", "301 Moved", "404 No Such Thing", "500 Server Error"): a client ignores them (RFC 9112 §4)',
    patch: [
      ['  200: "OK",\n', '  200: "Fine",\n'],
      ['  201: "Created",\n', '  201: "Made",\n'],
      ['  301: "Moved Permanently",\n', '  301: "Moved",\n'],
      ['  404: "Not Found",\n', '  404: "No Such Thing",\n'],
      ['  500: "Internal Server Error",\n', '  500: "Server Error",\n'],
    ],
  },
  {
    name: "15-crash-as-short-text",
    phase: 15,
    base: "solutions/15-framework/server.ts",
    mistake: "answers the app's crash with a 500 of plain text (a sentence with its length), not the HTML page of its own refusals",
    patch: [
      [
        "    return answerHere(500);\n",
        [
          "    const sorry = Buffer.from(\"The app failed; its error is in the server's log.\\n\");",
          '    const fields: Array<[string, string]> = [["Content-Type", "text/plain; charset=utf-8"], ["Content-Length", String(sorry.length)]];',
          '    socket.write(Buffer.concat([responseHead(500, fields, connection), method === "HEAD" ? Buffer.alloc(0) : sorry]));',
          "    return keep;",
          "",
        ].join("\n"),
      ],
    ],
  },
  {
    name: "15-http10-stream-with-length",
    phase: 15,
    base: "solutions/15-framework/server.ts",
    mistake: "reads a body of unknown length whole for an HTTP/1.0 client (which reads no chunks), and sends it with its Content-Length, the connection kept if asked",
    patch: [
      [
        "  const framing = framingFor(response, method, version);\n  // A body that ends with the connection says so",
        [
          "  const framing = framingFor(response, method, version);",
          '  if (framing.end === "close" && method !== "HEAD" && response.body !== null) {',
          "    // HTTP/1.0 reads no chunks: the body is made whole first, and goes with its length.",
          "    const bytes = new Uint8Array(await response.arrayBuffer());",
          '    socket.write(Buffer.concat([responseHead(status, [...appFields(response.headers), ["Content-Length", String(bytes.length)]], connection), bytes]));',
          '    return connection !== "close";',
          "  }",
          "  // A body that ends with the connection says so",
        ].join("\n"),
      ],
    ],
  },
  {
    name: "15-chunks-every-body",
    phase: 15,
    base: "solutions/15-framework/server.ts",
    mistake: "frames every body of the app in chunks (HTTP/1.1) or to the close (HTTP/1.0), a file's too, and leaves the app's Content-Length out: the framing is the server's",
    patch: [["  // Known before the body: the bytes go as they are, that many. (A 304 may say its 200's length.)\n  if (length !== null) return { fields: [[\"Content-Length\", String(length)]], end: length };\n", ""]],
  },
];

test.each(lookAlikes)("$name: $mistake; every check passes", async (lookAlike) => {
  const graded = await gradeBroken({ ...lookAlike, firstFailure: "", says: /./ });
  expect(graded.firstProblem, graded.text).toBeUndefined();
});
