/** Phase 14 (chunked): its broken variants, TypeScript first, then Python (a Python twin runs after its TypeScript case). */
import { type BrokenCase, py, ts } from "./common.ts";

/** chunk(): the size line, in the TypeScript solution (TODO 1). */
const CHUNK_TS = '  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\\r\\n`, "latin1"), data, CRLF]);\n';
/** readChunked()'s reading of a size line (TODO 3). */
const SIZE_TS =
  '    const found = CHUNK_SIZE_LINE.exec(line.line);\n    if (!found) return { status: 400 };\n    // Hex in any case: "1a" and "1A" are 26. (Sixteen digits can pass 2^53: over the cap anyway.)\n    const length = parseInt(found[1]!, 16);\n';
/** readChunked()'s last chunk: the trailer section, then the end of the body. */
const LAST_CHUNK_TS =
  "      // The last chunk: then the trailer section, and the body ends after its empty line.\n      const end = trailerEnd(data, line.next);\n      if (end === null) return wait();\n      if (typeof end !== \"number\") return end;\n      return { body: Buffer.concat([...progress.pieces, ...pieces]), size: end };\n";
/** The size line's grammar, with the chunk extensions after the size. */
const SIZE_LINE_TS =
  "const CHUNK_SIZE_LINE = /^([0-9A-Fa-f]{1,16})(?:[ \\t]*;[ \\t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \\t]*=[ \\t]*(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+|\"(?:[\\t !#-\\[\\]-~\\x80-\\xff]|\\\\[\\t -~\\x80-\\xff])*\"))?)*$/;\n";
/** The /stream route: its query, then a body made while it is sent. */
const STREAM_ROUTE_TS =
  'route("GET", "/stream", (request) => {\n  const n = wholeNumber(request.query.n, 5, 1, 100);\n  const ms = wholeNumber(request.query.ms, 200, 0, 2000);\n';
const STREAM_REPLY_TS = '  return { status: 200, type: "text/plain; charset=utf-8", body: "", stream: (signal) => countedLines(n, ms, signal) };\n';

/** The Python reference's ChunkedReader: a size line read. */
const SIZE_PY =
  '                size_line = CHUNK_SIZE_LINE.fullmatch(line)\n                if size_line is None:\n                    raise BadFraming("400 Bad Request")\n                size = int(size_line.group(1), 16)\n';
const LAST_CHUNK_PY = '                if size == 0:  # the last chunk: the trailer section follows\n                    self.state = "trailers"\n';
const CAP_PY = '                elif len(self.body) + size > MAX_BODY:\n                    raise BadFraming("413 Content Too Large")\n                else:\n                    self.state, self.left = "data", size\n';
const DATA_PY = "                self.left -= len(taken)\n                if self.left > 0:\n                    return None\n";
const SIZE_LINE_PY =
  'CHUNK_SIZE_LINE = re.compile(\n    rb"([0-9A-Fa-f]{1,16})"\n    rb"(?:[ \\t]*;[ \\t]*" + TOKEN_BYTES + rb"(?:[ \\t]*=[ \\t]*(?:" + TOKEN_BYTES + rb"|" + QUOTED_STRING + rb"))?)*"\n)\n';

export const phase14Cases: BrokenCase[] = [
  {
    name: "14-chunk-size-in-characters",
    phase: 14,
    base: ts(14),
    mistake: "chunk() turns the data into text and counts its characters, so a chunk of ü's says half its size",
    patch: [[CHUNK_TS, '  const text = data.toString("utf8");\n  return Buffer.from(`${text.length.toString(16)}\\r\\n${text}\\r\\n`, "utf8");\n']],
    firstFailure: "chunked.unit-chunk",
    says: /^chunk\(Buffer\.from\("ü"\.repeat\(150\)\)\) returned "96\\r\\n.*: the size counts bytes, not characters/,
  },
  {
    name: "14-hex-by-parseint",
    phase: 14,
    base: ts(14),
    mistake: "readChunked() reads the size with parseInt(line, 16), which skips spaces and takes 0x5 and +5 as 5",
    patch: [[SIZE_TS, '    // The size in hex: parseInt reads the digits, and stops where they stop (";name=value").\n    const length = parseInt(line.line, 16);\n    if (Number.isNaN(length)) return { status: 400 };\n']],
    firstFailure: "chunked.unit-read",
    says: /^readChunked\(Buffer\.from\("0x5\\r\\nhello\\r\\n0\\r\\n\\r\\n"\)\) returned \{ body: "hello", size: 17 \}: 0x is no part of a chunk size/,
  },
  {
    name: "14-no-extensions",
    phase: 14,
    base: ts(14),
    mistake: "readChunked() takes a size line for hex digits alone, so a chunk extension (5;name=value) is refused",
    patch: [[SIZE_LINE_TS, "// A chunk's size line: hex digits, nothing else.\nconst CHUNK_SIZE_LINE = /^([0-9A-Fa-f]{1,16})$/;\n"]],
    firstFailure: "chunked.unit-read",
    says: /^readChunked\(Buffer\.from\("5;name=value.*returned \{ status: 400 \}: a chunk extension .* follows the size and is ignored/,
  },
  {
    name: "14-trailers-not-read",
    phase: 14,
    base: ts(14),
    mistake: "readChunked() ends the body at the last chunk's 0\\r\\n: the empty line after it, and any trailer fields, are left to be read as the next request",
    patch: [[LAST_CHUNK_TS, "      // The last chunk: the body is whole.\n      return { body: Buffer.concat([...progress.pieces, ...pieces]), size: line.next };\n"]],
    firstFailure: "chunked.unit-read",
    says: /^readChunked\(Buffer\.from\("5\\r\\nhello\\r\\n0\\r\\n\\r\\n"\)\) returned \{ body: "hello", size: 13 \}: .*the framing took all 15 bytes/,
  },
  {
    name: "14-stream-whole-body",
    phase: 14,
    base: ts(14),
    mistake: "GET /stream makes every line first, then sends them as one body with a Content-Length (the way every body went until now)",
    patch: [
      [STREAM_ROUTE_TS, STREAM_ROUTE_TS.replace("(request) => {", "async (request) => {")],
      [
        STREAM_REPLY_TS,
        '  // Every line, then the whole body.\n  let body = "";\n  for await (const line of countedLines(n, ms, new AbortController().signal)) body += line.toString("utf8");\n  return { status: 200, type: "text/plain; charset=utf-8", body };\n',
      ],
    ],
    firstFailure: "chunked.stream",
    says: /the answer has no Transfer-Encoding: chunked, but a Content-Length of 39: the whole body was made before the head went out/,
  },
  {
    name: "14-stream-with-length",
    phase: 14,
    base: ts(14),
    mistake: "writes the stream's head with generateResponse(), which adds a Content-Length (0, for the empty body it was given) beside Transfer-Encoding: chunked",
    patch: [
      [
        '  socket.write(responseHead(reply.status, fields, chunked ? connection : "close"));\n',
        '  socket.write(generateResponse({ status: reply.status, body: "", headers: fields }, true, chunked ? connection : "close"));\n',
      ],
    ],
    firstFailure: "chunked.stream",
    says: /the answer says Transfer-Encoding: chunked and Content-Length: a sender MUST NOT send both/,
    // fetch refuses the head (client.fetch-stream fails too) and drops the connection: whether with a reset or a FIN, and so
    // what the server prints about it and when, depends on whether the first chunk had come, which timing decides.
    volatile: true,
  },
  {
    name: "14-stream-collected",
    phase: 14,
    base: ts(14),
    mistake: "frames /stream in chunks, but keeps them until the last line is made and writes them all at once",
    patch: [
      ['  socket.once("close", leave);\n  try {\n', '  socket.once("close", leave);\n  const made: Buffer[] = [];\n  try {\n'],
      [
        "      socket.write(chunked ? chunk(piece) : piece);\n      // A client that reads slowly: the next piece waits until this one has left (memory stays small).\n      await drained(socket);\n",
        "      // Kept until the last line is made: then the chunks go out together.\n      made.push(chunked ? chunk(piece) : piece);\n",
      ],
      ["  if (chunked) socket.write(chunk(Buffer.alloc(0)));\n", "  socket.write(Buffer.concat(made));\n  if (chunked) socket.write(chunk(Buffer.alloc(0)));\n"],
    ],
    firstFailure: "chunked.stream",
    says: /the lines came together: \d+ ms between the first body bytes and the last chunk, where the lines are 400 ms apart/,
    // The check's words are measured: how many ms lay between the first body bytes and the last chunk, and the whole answer's time.
    volatile: true,
  },
  {
    name: "14-head-sends-chunks",
    phase: 14,
    base: ts(14),
    mistake: "streams the lines to HEAD /stream too, after its head: the chunks are taken for the start of the next answer",
    patch: [["pieces: head ? null : reply.stream", "pieces: reply.stream"]],
    firstFailure: "chunked.stream-head",
    says: /^Answer 2 \(for GET \/about\) did not start where the HEAD's head ended: bytes came after the head of the answer to HEAD/,
  },
  {
    name: "14-http10-chunked",
    phase: 14,
    base: ts(14),
    mistake: "sends /stream in chunks to an HTTP/1.0 client too, which knows no Transfer-Encoding",
    patch: [['  const chunked = version !== "HTTP/1.0";\n', "  // A body made while it is sent goes in chunks.\n  const chunked = true;\n"]],
    firstFailure: "chunked.stream-http10",
    says: /\(HTTP\/1\.0\), the answer to an HTTP\/1\.0 request says Transfer-Encoding: an HTTP\/1\.0 client does not know transfer codings/,
  },
  {
    name: "14-stream-no-query-check",
    phase: 14,
    base: ts(14),
    mistake: "reads n and ms with Number() and never checks them, so /stream?n=0 is a 200 with no line, and n=abc one too",
    patch: [
      [
        "  const n = wholeNumber(request.query.n, 5, 1, 100);\n  const ms = wholeNumber(request.query.ms, 200, 0, 2000);\n  if (n === null || ms === null) return json(400, { error: \"n must be a whole number from 1 to 100, ms from 0 to 2000\" });\n",
        "  const n = Number(request.query.n?.[0] ?? 5);\n  const ms = Number(request.query.ms?.[0] ?? 200);\n",
      ],
    ],
    firstFailure: "chunked.stream-query",
    says: /^For GET \/stream\?n=0&ms=0, the answer was 200, where the contract has 400/,
  },
  {
    name: "14-stream-ends-connection",
    phase: 14,
    base: ts(14),
    mistake: "takes the end of a stream for the end of the connection, as for HTTP/1.0: socket.end(last chunk), and the request sent behind the stream is never answered",
    patch: [["  if (chunked) socket.write(chunk(Buffer.alloc(0)));\n  return keep;\n", "  // The last chunk, and the stream is over: so is the connection.\n  socket.end(chunked ? chunk(Buffer.alloc(0)) : undefined);\n  return false;\n"]],
    firstFailure: "chunked.stream-kept",
    says: /^Answer 2 \(for GET \/about\) did not come; the server closed the connection/,
  },
  {
    name: "14-chunked-still-501",
    phase: 14,
    base: ts(14),
    mistake: "readChunked() is written, but bodyFraming() still answers 501 to Transfer-Encoding: chunked, as in phase 10 (TODO 4 undone)",
    patch: [["    if (before.length > 0) return { status: 501 };\n    return { chunked: true };\n", "    // A chunked body: not read here.\n    return { status: 501 };\n"]],
    firstFailure: "chunked.request",
    says: /the server answered 501: from this phase on it reads a chunked body/,
  },
  {
    name: "14-te-cl-by-length",
    phase: 14,
    base: ts(14),
    mistake: "bodyFraming() reads a Content-Length first, as in phase 10, and looks at Transfer-Encoding only without one: chunked beside a Content-Length is read by the length",
    patch: [
      [
        "  if (encoding !== undefined) {\n",
        "  if (length !== undefined) {\n    const bytes = contentLength(length);\n    if (bytes === null) return { status: 400 };\n    if (bytes > MAX_BODY_BYTES) return { status: 413 };\n    return { length: bytes };\n  }\n  if (encoding !== undefined) {\n",
      ],
    ],
    firstFailure: "chunked.te-refused",
    says: /^For POST \/api\/echo with Transfer-Encoding: chunked and Content-Length: 4,/,
  },
  {
    name: "14-rest-dropped",
    phase: 14,
    base: ts(14),
    mistake: "after a chunked body, drops what came after it in the same read: the requests pipelined behind it are lost",
    patch: [["      received = received.subarray(read.size);\n", "      // The body was the end of what came.\n      received = Buffer.alloc(0);\n"]],
    firstFailure: "chunked.pipelined",
    says: /^Answer 2 \(for POST \/api\/echo, chunked, with a trailer\) did not come; the server closed the connection/,
  },
  {
    name: "14-stream-gzipped",
    phase: 14,
    base: ts(14),
    mistake: "compresses /stream like every other answer for a client that accepts gzip (fetch does): the gzip stream holds the lines back until the last one",
    patch: [
      ['import { gzip } from "node:zlib";\n', 'import { Readable } from "node:stream";\nimport { createGzip, gzip } from "node:zlib";\n'],
      [
        '    if (reply.stream) return { status: reply.status, fields: { "Content-Type": reply.type ?? HTML, ...reply.headers }, pieces: head ? null : reply.stream };\n',
        '    if (reply.stream) {\n      // Compressed like every other answer, for a client that accepts gzip: the pieces go through a gzip stream.\n      const gzipped = acceptsGzip(headers["accept-encoding"]);\n      const coding: Record<string, string> = gzipped ? { "Content-Encoding": "gzip", Vary: "Accept-Encoding" } : {};\n      const stream = reply.stream;\n      const pieces = gzipped ? (signal: AbortSignal) => Readable.from(stream(signal)).pipe(createGzip()) : stream;\n      return { status: reply.status, fields: { "Content-Type": reply.type ?? HTML, ...reply.headers, ...coding }, pieces: head ? null : pieces };\n    }\n',
      ],
    ],
    firstFailure: "client.fetch-stream",
    says: /^Node \S+'s fetch read the whole body in its first read: the lines were not sent as they were made/,
  },
  {
    name: "py-14-hex-by-int",
    phase: 14,
    base: py(14),
    mistake: "reads a chunk size with int(size, 16), which skips spaces and takes 0x5, +5 and 5_0 as numbers",
    patch: [
      [
        SIZE_PY,
        '                # The size in hex, before any ;extension: int() reads it, or raises ValueError\n                try:\n                    size = int(line.split(b";")[0], 16)\n                except ValueError:\n                    raise BadFraming("400 Bad Request")\n',
      ],
    ],
    firstFailure: "chunked.request-bad",
    says: /^For POST \/api\/echo with a chunk size written 0x5,/,
    twin: "14-hex-by-parseint",
  },
  {
    name: "py-14-no-extensions",
    phase: 14,
    base: py(14),
    mistake: "takes a size line for hex digits alone, so a chunk extension (5;name=value) is refused",
    patch: [[SIZE_LINE_PY, 'CHUNK_SIZE_LINE = re.compile(rb"([0-9A-Fa-f]{1,16})")  # hex digits, nothing else\n']],
    firstFailure: "chunked.request-forms",
    says: /^For POST \/api\/echo with chunk extensions .*, the server answered 400: from this phase on it reads a chunked body/,
    twin: "14-no-extensions",
  },
  {
    name: "py-14-trailers-not-read",
    phase: 14,
    base: py(14),
    mistake: "ends the body at the last chunk's 0\\r\\n: the empty line after it, and any trailer fields, are left to be read as the next request",
    patch: [[LAST_CHUNK_PY, "                if size == 0:  # the last chunk: the body is whole\n                    return bytes(self.body), bytes(self.unread)\n"]],
    firstFailure: "chunked.request-cut",
    says: /after the echo, a GET \/about on the same connection got 400: the body ends after the empty line that ends its last chunk/,
    twin: "14-trailers-not-read",
  },
  {
    name: "py-14-late-413",
    phase: 14,
    base: py(14),
    mistake: "counts the body's bytes as they come, so a body over 2 MiB is refused only once 2 MiB of it have come, not when its sizes say so",
    patch: [
      [CAP_PY, '                else:\n                    self.state, self.left = "data", size\n'],
      [
        DATA_PY,
        '                self.left -= len(taken)\n                if len(self.body) > MAX_BODY:  # too big once more than MAX_BODY bytes have come\n                    raise BadFraming("413 Content Too Large")\n                if self.left > 0:\n                    return None\n',
      ],
    ],
    firstFailure: "chunked.request-too-big",
    says: /the sizes already said the body is over MAX_BODY_BYTES \(2 MiB\), so 413 can come at once/,
  },
  {
    name: "py-14-stream-gzipped",
    phase: 14,
    base: py(14),
    mistake: "compresses /stream like every other answer for a client that accepts gzip (fetch does): the gzip stream holds the lines back until the last one",
    patch: [
      ["import types\n", "import types\nimport zlib\n"],
      [
        "    if body is None or isinstance(body, types.GeneratorType):\n        return response\n",
        '    if body is None:\n        return response\n    if isinstance(body, types.GeneratorType):\n        # Compressed like every other answer, for a client that accepts gzip\n        if not accepts_gzip(accept_encoding):\n            return response\n        return status, gzipped(body), content_type, {**extra_headers, "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}\n',
      ],
      [
        "def encode_response(response, accept_encoding):\n",
        'def gzipped(pieces):\n    """The pieces, gzip-compressed as they come."""\n    compressor = zlib.compressobj(wbits=31)  # 31: the gzip format\n    for piece in pieces:\n        out = compressor.compress(piece)\n        if out:\n            yield out\n    yield compressor.flush()\n\n\ndef encode_response(response, accept_encoding):\n',
      ],
    ],
    firstFailure: "client.fetch-stream",
    says: /^Node \S+'s fetch read the whole body in its first read: the lines were not sent as they were made/,
    twin: "14-stream-gzipped",
  },
];
