/**
 * The words of phase 14 (chunked): the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

/** Phase 14 (checks/chunked.ts). */
export const chunkedWords = {
  // chunk()
  unitChunkReturned: (call: string, got: string, why: string) => `${call} returned ${got}: ${why}`,
  notBytes: "it should return a Buffer (or a string) with the chunk's bytes.",
  chunkWhy: {
    hex: "the size is written in hex (RFC 9112 §7.1): 26 bytes are 1a (or 1A), not 26.",
    bytes: "the size counts bytes, not characters: ü is two bytes in UTF-8.",
    plain: "a chunk is its size in hex, CRLF, the bytes, CRLF.",
    last: "no data gives the last chunk: 0, CRLF, and the CRLF that ends the (empty) trailer section: 0\\r\\n\\r\\n.",
  } as Record<string, string>,
  chunkExpected: (data: string) => `${data}`,
  // readChunked()
  unitReadReturned: (call: string, got: string, why: string) => `${call} returned ${got}: ${why}`,
  readWhy: {
    one: "one chunk of 5 bytes, then the last chunk: the body is hello, and the framing took all 15 bytes.",
    two: "two chunks make one body, hello world; the framing ends after the empty line, and the request behind it is not part of it.",
    capitals: "hex is case-insensitive: 1A is 26, as 1a is.",
    zeros: "leading zeros are allowed (chunk-size is 1*HEXDIG): 005 is 5.",
    extensions: "a chunk extension (;name or ;name=value, the value a token or a quoted string) follows the size and is ignored (RFC 9112 §7.1.1).",
    trailers: "after the last chunk come trailer fields, then the empty line that ends the body (RFC 9112 §7.1.2).",
    empty: "0, CRLF, CRLF is an empty body: nothing, in 5 bytes of framing.",
    cutSize: "the size line has not ended: more bytes are needed (null).",
    cutData: "the chunk's data has not all come: more bytes are needed (null).",
    cutCrlf: "the CRLF after the data has not all come: more bytes are needed (null).",
    cutSizeCrlf: "the size line's CR came, its LF not yet: more bytes are needed (null), not a bare CR.",
    cutTrailer: "the last chunk came, but not the empty line that ends the trailer section: more bytes are needed (null).",
    nothing: "no bytes yet: more are needed (null).",
    notHex: "zz is not a hex number: the framing is broken, 400.",
    prefix: "0x is no part of a chunk size: only hex digits, 400.",
    space: "nothing may stand before the size, not even a space: 400 (a reader that skips it disagrees with one that does not, and that is how requests are smuggled).",
    sign: "a chunk size has no sign: 400.",
    bareLf: "a chunk line ends with CRLF: a bare LF is broken framing, 400.",
    longer: "the data is longer than its size said (3, then hello0): the two bytes after the data must be CRLF, not skipped, 400.",
    spaceAfter: "nothing may stand between the size and its CRLF but an extension, and an extension starts with ;: 400.",
    noExtensionName: "a chunk extension has a name after its ; (RFC 9112 §7.1.1): 5; is broken framing, 400.",
    tooBig: "the size alone says the body is over MAX_BODY_BYTES (2 MiB): 413, before its data comes.",
  } as Record<string, string>,
  notAResult: "it should return { body, size }, { status } or null.",
  // The stream.
  forStream: (target: string, version = "HTTP/1.1") => `For GET ${target}${version === "HTTP/1.1" ? "" : ` (${version})`},`,
  notChunked: (length: string | undefined) =>
    `the answer has no Transfer-Encoding: chunked${length === undefined ? ", and no Content-Length: it ends only when the connection closes" : `, but a Content-Length of ${length}: the whole body was made before the head went out`}.`,
  withLength: "the answer says Transfer-Encoding: chunked and Content-Length: a sender MUST NOT send both (RFC 9112 §6.2), and a client does not know which to believe.",
  streamBody: (got: string, want: string) => `the body is ${got}, where ${want} was expected.`,
  streamType: (type: string | undefined) => `its Content-Type is ${type ?? "missing"}, where text/plain; charset=utf-8 was expected.`,
  allAtOnce: (gapMs: number, wantMs: number, totalMs: number) =>
    `the lines came together: ${gapMs} ms between the first body bytes and the last chunk, where the lines are ${wantMs} ms apart (the answer took ${totalMs} ms in all). They were kept until the last was made, which is what chunked is there to avoid.`,
  streamExpected: (n: number, ms: number) => `200 with Transfer-Encoding: chunked, no Content-Length, Content-Type: text/plain; charset=utf-8, and the lines "chunk 1 of ${n}" to "chunk ${n} of ${n}", each sent as it is made, ${ms} ms apart, then the last chunk`,
  lastChunkHint: "After the last line, send the last chunk, chunk(Buffer.alloc(0)): without it a client cannot tell the end of the body from a connection that broke.",
  frameHint: "Send each piece framed by chunk(): its size in hex, CRLF, its bytes, CRLF; and nothing between two chunks.",
  streamHint: "Write the head first, then each line as a chunk as soon as it is made (socket.write(chunk(line))), then the last chunk: never collect the lines into one body (TODO 2).",
  // HEAD.
  headNoChunked: (te: string | undefined, length: string | undefined) =>
    `HEAD /stream answered ${te === undefined ? "without Transfer-Encoding" : `Transfer-Encoding: ${te}`}${length === undefined ? "" : ` and Content-Length: ${length}`}: a HEAD gets the head the GET would get, with Transfer-Encoding: chunked (or, as a field known only while the body is made, none) and never a Content-Length the GET does not have.`,
  headBody: (label: string) => `Answer 2 (for ${label}) did not start where the HEAD's head ended: bytes came after the head of the answer to HEAD, which has no body.`,
  headExpected: "the head GET /stream gets (200, Transfer-Encoding: chunked or none, no Content-Length) and no body, then the answer to the next request",
  // HTTP/1.0.
  chunkedTo10: "the answer to an HTTP/1.0 request says Transfer-Encoding: an HTTP/1.0 client does not know transfer codings, and would show the chunks' sizes as part of the body (RFC 9112 §6.1: MUST NOT).",
  http10NotClosed: "the body has no Content-Length, so only the close can end it, and the connection stayed open: the client waits forever.",
  http10Expected: (n: number) => `200 without Transfer-Encoding, with Connection: close, the ${n} lines as they are made, and then the close (or the whole body with its Content-Length)`,
  http10Hint: "An HTTP/1.0 client cannot read chunks: write its lines as they are, say Connection: close, and close when the last is out (TODO 2).",
  // Bad queries.
  forQuery: (target: string) => `For GET ${target},`,
  queryExpected: "400 with a JSON error: n is a whole number from 1 to 100, ms from 0 to 2000",
  queryHint: "Read n and ms as whole numbers (digits only, once) and answer 400 when one is out of range, before anything is streamed.",
  // The stream on a kept connection.
  pipelineExpected: "the stream's chunks, its last chunk, then the answer to the GET /about sent behind it, on the same connection",
  forAnswer: (n: number, label: string) => `Answer ${n} (for ${label}):`,
  noAnswer: (n: number, label: string, open: boolean) => `Answer ${n} (for ${label}) did not come${open ? " (the connection was still open)" : "; the server closed the connection"}.`,
  afterLeaving: (status: number | null) =>
    `A client read the first chunk of /stream?n=20&ms=200 and left; then a new connection's GET /about got ${status === null ? "no answer" : status}, where 200 was expected: a stream whose client has gone must stop, and the server go on.`,
  leftExpected: "the stream stops when its client leaves; the server answers the next client as before",
  leftHint: "Stop the stream when the socket closes (an AbortSignal, or a flag the loop checks), and never write to a socket that has closed.",
  // Chunked requests.
  forPost: (what: string) => `For POST /api/echo with ${what},`,
  echoExpected: "200 with the JSON that was sent, the connection open for the next request",
  echoSaysClose: "the echo came with Connection: close: the body was read whole, so the connection can go on, and from phase 11 on this lab's server keeps it open.",
  echoSaysCloseHint: "After a chunked body read to its end, the connection is as good as after a Content-Length body: answer without Connection: close, and read the next request after the body.",
  refusedChunked: (status: number) =>
    `the server answered ${status}: from this phase on it reads a chunked body (a recipient MUST be able to parse the chunked coding, RFC 9112 §7.1).`,
  echoOther: (got: string) => `the echo is ${got}, not the JSON that was sent in chunks: the chunks' data, joined, is the body.`,
  afterEcho: (status: number | null, open: boolean) =>
    `After the echo, a GET /about on the same connection got ${status === null ? (open ? "no answer" : "no answer: the server closed the connection") : status}: the body ends after the empty line that ends its last chunk, and the next request starts right there.`,
  requestHint: "When bodyFraming says { chunked: true }, read the body with readChunked on the bytes after the head, and start the next request at the size it returns (TODO 4).",
  cutWhere: {
    size: "a size line cut in two",
    crlf: "a CRLF cut between CR and LF",
    data: "a chunk's data cut in the middle",
    last: "the last chunk cut after its 0",
    trailer: "a trailer field cut in two",
    end: "the final empty line alone",
  } as Record<string, string>,
  cutSegments: (count: number) => `the body sent in ${count} pieces, 60 ms apart, cut in a size line, between CR and LF, in the data, in the last chunk and in a trailer`,
  // Forms.
  form: {
    capitals: "sizes in capital hex with leading zeros (001A)",
    extensions: "chunk extensions (;name=value, ; name=\"quoted; value\", ;flag)",
    trailers: "trailer fields after the last chunk",
    caseless: "Transfer-Encoding:  Chunked (any case, spaces around it)",
    tiny: "one byte per chunk",
  } as Record<string, string>,
  // Refusals.
  badForm: {
    notHex: "a chunk size that is not hex (zz)",
    prefix: "a chunk size written 0x5",
    space: "a space before the chunk size",
    sign: "a chunk size with a sign (+5)",
    bareLf: "a size line ended by a bare LF",
    longer: "data longer than its size (3, then hello0)",
    spaceAfter: "a space after the chunk size",
    noExtensionName: "a chunk extension without a name (5;)",
    huge: "a size of 17 hex digits",
  } as Record<string, string>,
  badExpected: "400, then the close: where this body ends cannot be known, so the bytes after it cannot be read as a request",
  badAnswered: (status: number | null) =>
    `the server answered ${status === null ? "nothing" : status}, where 400 was expected: the chunked framing is broken, and a reader that guesses ends the body where another reader does not (RFC 9112 §7.1, §11.2).`,
  badKeptOpen: "the server answered, then kept the connection open: the rest of the broken body is still in it, and would be read as the next request. Close after the 400.",
  hiddenAnswered: "the request sent behind the broken body was answered: the server read on past broken framing, which is how requests are smuggled past a proxy.",
  badHint: "In readChunked, a size line is 1 to 16 hex digits then optional ;extensions, then CRLF; the data is followed by CRLF. Anything else: { status: 400 }, and the server closes after answering it.",
  // Too big.
  tooBigWhat: {
    one: "one chunk of 3 MiB (300000 in hex), its first 64 KiB sent",
    sum: "a chunk of 1 MiB, then one of 1 MiB and a byte",
  } as Record<string, string>,
  tooBigExpected: "413 as soon as the sizes say the body is over 2 MiB, without waiting for its data, then the close",
  tooBigWaited: (status: number | null) =>
    `${status === null ? "no answer came" : `the server answered ${status}`} while the checker held back the rest: the sizes already said the body is over MAX_BODY_BYTES (2 MiB), so 413 can come at once.`,
  tooBigHint: "Add each chunk's size to the total as soon as its size line is read, and return { status: 413 } once the total is over MAX_BODY_BYTES, before the data comes.",
  // Transfer-Encoding refused.
  teForm: {
    withLength: "Transfer-Encoding: chunked and Content-Length: 4",
    chunkedIdentity: "Transfer-Encoding: chunked, identity",
    identity: "Transfer-Encoding: identity",
    twice: "Transfer-Encoding: chunked on two field lines (chunked, chunked)",
    gzip: "Transfer-Encoding: gzip, chunked",
    http10: "Transfer-Encoding: chunked in an HTTP/1.0 request",
  } as Record<string, string>,
  teExpected: (want: string) => `${want}, then the close (the request behind the body is never answered)`,
  teStatus: (status: number | null, want: string) => `the server answered ${status === null ? "nothing" : status}, where ${want} was expected.`,
  teKeptOpen: "the server kept the connection open: the body's framing is in doubt, so the bytes after it cannot be trusted as a request. The server MUST close.",
  teHint: "In bodyFraming: Transfer-Encoding in an HTTP/1.0 request, or beside a Content-Length, or a list whose last coding is not chunked: { status: 400 }; chunked after a coding you cannot undo: { status: 501 }. Close after either.",
  // A pipeline.
  pipelineLabel: {
    first: "POST /api/echo, chunked",
    second: "POST /api/echo, chunked, with a trailer",
    third: "GET /about",
  } as Record<string, string>,
  pipelinedExpected: "three answers in order: the two echoes and /about, on one connection",
  // Real clients.
  clientFailed: (client: string, reason: string) => `${client} failed: ${reason}`,
  clientGotOther: (client: string, got: string, want: string) => `${client} got ${got}, where ${want} was expected.`,
  curlUploadExpected: "200 with the JSON curl sent in chunks",
  curlStreamExpected: "the lines of /stream, as curl -N prints them",
  fetchAllAtOnce: (client: string) => `${client} read the whole body in its first read: the lines were not sent as they were made.`,
  fetchStreamExpected: "the lines of /stream, the first readable before the last is made",
  fetchUploadExpected: "200 with the JSON fetch sent as a stream (Transfer-Encoding: chunked)",
  chromiumExpected: "the three lines of /stream?n=3&ms=50, shown as text, and a load that ends with the last chunk",
  chromiumTryIt: (port: number) => `open http://127.0.0.1:${port}/stream?n=100&ms=100 in a browser and watch the lines come; the developer tools' Network tab shows the answer's Transfer-Encoding and its error, if any`,
};

/** Each check's title and hints: a nudge first, then the near-answer. */
export const chunkedChecks = {
  "chunked.unit-chunk": check("chunk() frames one chunk, and the last one", [
    "A chunk on the wire is its size in hex, CRLF, its bytes, CRLF; the last chunk is 0\\r\\n\\r\\n.",
    "In chunk: return Buffer.concat([Buffer.from(`${data.length.toString(16)}\\r\\n`, \"latin1\"), data, CRLF]);",
  ]),
  "chunked.unit-read": check("readChunked() reads a chunked body cut anywhere, and refuses broken framing", [
    "Read a size line (hex, then optional ;extensions, then CRLF), that many bytes, then CRLF; until a size of 0; then trailer lines until an empty one.",
    "Return null whenever a line or the data has not all come, a status of 400 for anything that is not the grammar, and a status of 413 once the sizes pass MAX_BODY_BYTES (TODO 3).",
  ]),
  "chunked.stream": check("GET /stream sends each line as a chunk as soon as it is made", [
    "A body whose length is not known when it starts goes out in chunks: Transfer-Encoding: chunked in the head, no Content-Length.",
    "Write the head, then each line with socket.write(chunk(line)) as it comes, then the last chunk (TODO 2).",
  ]),
  "chunked.stream-head": check("HEAD /stream: the chunked head, no body", [
    "A HEAD gets the head the GET would get, Transfer-Encoding: chunked included, and nothing after it.",
    "Send the head and stop: no chunks, not even the last one.",
  ]),
  "chunked.stream-http10": check("GET /stream over HTTP/1.0: no chunks, the close ends the body", [
    "An HTTP/1.0 client knows no transfer codings (RFC 9112 §6.1): it would print the sizes as text.",
    "For HTTP/1.0 write the lines as they are, with Connection: close, and close when the last is out (TODO 2).",
  ]),
  "chunked.stream-query": check("/stream with a bad n or ms: 400", [
    "n is a whole number from 1 to 100 and ms from 0 to 2000: anything else is the client's mistake.",
    "Check the query before the head goes out: once a 200 is sent, no 400 can follow.",
  ]),
  "chunked.stream-kept": check("after a stream, the connection goes on; a client that leaves stops it", [
    "The last chunk ends the body: the next request on the connection is answered after it.",
    "When the client's socket closes, stop making lines: a timer that writes on after the close is wasted, or worse.",
  ]),
  "chunked.request": check("a chunked POST body is read: the echo, and the connection goes on", [
    "From this phase on, Transfer-Encoding: chunked is a framing the server reads, not one it refuses.",
    "When bodyFraming says chunked, read the body with readChunked on the bytes after the head, and start the next request where its framing ended (TODO 4).",
  ]),
  "chunked.request-cut": check("a chunked body cut anywhere, with pauses: read the same", [
    "TCP delivers bytes in any pieces: a size line, a CRLF or a trailer may be cut between two reads.",
    "Call readChunked on all the bytes so far after each read: null means wait for more (TODO 3).",
  ]),
  "chunked.request-forms": check("hex in capitals, extensions, trailers, Chunked in any case: all read", [
    "Hex is case-insensitive, a size may have leading zeros, a chunk extension follows the size, and trailer fields follow the last chunk.",
    "Ignore the extensions and trailer fields, but read past them: the body ends at the empty line after the trailers.",
  ]),
  "chunked.request-bad": check("broken chunked framing: 400, then the close", [
    "A reader that guesses where a broken body ends disagrees with other readers on the way: that is request smuggling.",
    "Anything that is not hex digits, optional extensions and CRLF on a size line, or not CRLF after the data: 400, and close the connection.",
  ]),
  "chunked.request-too-big": check("chunks over 2 MiB in all: 413 at once, then the close", [
    "The sizes say how big the body will be before its data comes.",
    "Sum the sizes as they are read, and once the sum is over MAX_BODY_BYTES answer 413 and close without reading the rest.",
  ]),
  "chunked.te-refused": check("Transfer-Encoding that cannot be trusted: 400 (or 501), then the close", [
    "Transfer-Encoding beside a Content-Length, a list not ending in chunked, two chunked, HTTP/1.0 with Transfer-Encoding: the body's end is in doubt.",
    "Answer 400 (501 for a coding before chunked that you cannot undo) and close the connection (TODO 4).",
  ]),
  "chunked.pipelined": check("chunked bodies in a pipeline: each read to its end, answers in order", [
    "The next request starts right after the empty line that ends the chunked body.",
    "After a chunked body, keep the bytes after readChunked's size for the next request.",
  ]),
  "client.curl-chunked": check("curl sends a chunked body, and prints /stream as it comes", [
    "curl -H 'Transfer-Encoding: chunked' --data-binary @- sends its input in chunks; curl -N prints each chunk as it arrives.",
    "Try both by hand, with -v to see the heads.",
  ]),
  "client.chromium-stream": check("Chromium shows /stream, and its load ends with the last chunk", [
    "A browser reads chunked answers, and calls a body whose last chunk never comes broken (net::ERR_INCOMPLETE_CHUNKED_ENCODING).",
    "After the loop of lines, send the last chunk, chunk(Buffer.alloc(0)), before the connection goes on or closes.",
  ]),
  "client.fetch-stream": check("fetch reads /stream as it comes, and sends a stream as a chunked body", [
    "fetch's response.body is a stream: its first read returns what has come, before the body ends.",
    "fetch sends a ReadableStream body (duplex: 'half') with Transfer-Encoding: chunked: your server reads it with readChunked.",
  ]),
};
