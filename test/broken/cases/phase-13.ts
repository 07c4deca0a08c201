/** Phase 13 (gzip): its broken variants, TypeScript first, then Python (a Python twin runs after its TypeScript case). */
import { type BrokenCase, py, ts } from "./common.ts";

/** acceptsGzip()'s reading of the list, in the TypeScript solution (TODO 1). */
const ACCEPTS_BODY =
  '  let gzipWeight: number | null = null;\n  let anyWeight: number | null = null;\n  for (const entry of (acceptEncoding ?? "").split(",")) {\n    const [coding = "", ...parameters] = entry.split(";").map((part) => part.replace(/^[ \\t]+|[ \\t]+$/g, ""));\n    const name = coding.toLowerCase();\n    if (name === "") continue; // empty list elements are allowed (RFC 9110 §5.6.1)\n    let weight = 1;\n    for (const parameter of parameters) {\n      const [key = "", value = ""] = parameter.split("=").map((part) => part.replace(/^[ \\t]+|[ \\t]+$/g, ""));\n      if (key.toLowerCase() === "q") weight = QVALUE.test(value) ? Number(value) : NaN;\n    }\n    if (Number.isNaN(weight)) continue; // a weight that cannot be read: the entry does not count\n    // x-gzip is gzip\'s old name (RFC 9110 §8.4.1.3). Several entries for one coding: the best weight.\n    if (name === "gzip" || name === "x-gzip") gzipWeight = Math.max(gzipWeight ?? 0, weight);\n    else if (name === "*") anyWeight = Math.max(anyWeight ?? 0, weight);\n  }\n  if (gzipWeight !== null) return gzipWeight > 0;\n  return anyWeight !== null && anyWeight > 0;\n';
/** The weight read from an entry's parameters. */
const WEIGHT_TS =
  '    let weight = 1;\n    for (const parameter of parameters) {\n      const [key = "", value = ""] = parameter.split("=").map((part) => part.replace(/^[ \\t]+|[ \\t]+$/g, ""));\n      if (key.toLowerCase() === "q") weight = QVALUE.test(value) ? Number(value) : NaN;\n    }\n    if (Number.isNaN(weight)) continue; // a weight that cannot be read: the entry does not count\n';
const WEIGHT_PY =
  '        weight = 1.0  # no weight is q=1\n        for parameter in parameters:\n            key, _, number = (part.strip(" \\t") for part in parameter.partition("="))\n            if key.lower() == "q":\n                weight = float(number) if QVALUE.fullmatch(number) else None\n        if weight is None:  # "q=2", "q=high": an entry that cannot be read does not count\n            continue\n';
/** accepts_gzip()'s reading of the list, in the Python reference. */
const ACCEPTS_BODY_PY =
  '    for entry in (value or "").split(","):\n        coding, *parameters = [part.strip(" \\t") for part in entry.split(";")]\n        coding = coding.lower()  # codings are case-insensitive (§8.4.1): "GZIP" is gzip\n        if coding == "":  # "gzip,,br": empty list elements are allowed (RFC 9110 §5.6.1)\n            continue\n' +
  WEIGHT_PY +
  '        # x-gzip is gzip\'s old name (§8.4.1.3, SHOULD). Listed twice: the best weight counts\n        if coding in ("gzip", "x-gzip"):\n            gzip_weight = max(gzip_weight or 0.0, weight)\n        elif coding == "*":\n            any_weight = max(any_weight or 0.0, weight)\n    # A weight of 0 is "not acceptable": "gzip;q=0" refuses gzip even beside "*"\n    if gzip_weight is not None:\n        return gzip_weight > 0\n    return any_weight is not None and any_weight > 0\n';
/** encodeBody's two answers for a negotiable body (TODO 2 and 3). */
const NOT_ASKED = '  if (!acceptsGzip(acceptEncoding)) return { body, fields: { Vary: "Accept-Encoding" } };\n';
const COMPRESSED = '  return { body: await gzipAsync(body), fields: { "Content-Encoding": "gzip", Vary: "Accept-Encoding" } };\n';
/** Where the Python reference codes every answer for the request's Accept-Encoding. */
const ENCODE_PY = '        response = encode_response(respond(head, body), headers.get("accept-encoding"))\n';

export const phase13Cases: BrokenCase[] = [
  {
    name: "13-accepts-substring",
    phase: 13,
    base: ts(13),
    mistake: "acceptsGzip() looks for the letters gzip anywhere in the value (the seed's 'gzip' in accepts, in lowercase), so gzip;q=0 accepts gzip",
    patch: [[ACCEPTS_BODY, '  // The client names gzip: it reads gzip.\n  return (acceptEncoding ?? "").toLowerCase().includes("gzip");\n']],
    firstFailure: "gzip.unit-accepts",
    says: /^acceptsGzip\("gzip;q=0"\) returned true: a weight of 0 means "not acceptable"/,
  },
  {
    name: "13-q-zero-as-text",
    phase: 13,
    base: ts(13),
    mistake: 'acceptsGzip() takes a weight for a refusal only when it is written "q=0", so gzip;q=0.000 and GZIP;Q=0 still accept gzip',
    patch: [[WEIGHT_TS, '    // "gzip;q=0" is the client saying no.\n    const weight = parameters.includes("q=0") ? 0 : 1;\n']],
    firstFailure: "gzip.unit-accepts",
    says: /^acceptsGzip\("gzip;q=0\.000"\) returned true: 0\.000 is 0/,
  },
  {
    name: "13-star-not-handled",
    phase: 13,
    base: ts(13),
    mistake: "acceptsGzip() reads only the entries that name gzip, so * (every coding) does not accept gzip",
    patch: [
      ["  let anyWeight: number | null = null;\n", ""],
      ['    else if (name === "*") anyWeight = Math.max(anyWeight ?? 0, weight);\n', ""],
      ["  if (gzipWeight !== null) return gzipWeight > 0;\n  return anyWeight !== null && anyWeight > 0;\n", "  return gzipWeight !== null && gzipWeight > 0;\n"],
    ],
    firstFailure: "gzip.unit-accepts",
    says: /^acceptsGzip\("\*"\) returned false: \* stands for every coding the list does not name/,
  },
  {
    name: "13-no-vary",
    phase: 13,
    base: ts(13),
    mistake: "never says Vary: Accept-Encoding on a 200 (TODO 3 undone), compressed or not",
    patch: [
      [NOT_ASKED, "  if (!acceptsGzip(acceptEncoding)) return { body, fields: {} };\n"],
      [COMPRESSED, '  return { body: await gzipAsync(body), fields: { "Content-Encoding": "gzip" } };\n'],
    ],
    firstFailure: "gzip.compressed",
    says: /with Accept-Encoding: gzip, it has no Vary field: an answer whose coding depends on Accept-Encoding says Vary: Accept-Encoding/,
    // It fails gzip.echo too, where a line the server printed about the connection before (its client leaving) comes
    // before or after the echo's request, as timing decides.
    volatile: true,
  },
  {
    name: "13-length-before-compressing",
    phase: 13,
    base: ts(13),
    mistake: "a compressed file's Content-Length is still the file's size (info.size), not the length of the compressed bytes",
    patch: [['"Content-Length": String(encoded.body.length), "Last-Modified"', '"Content-Length": String(info.size), "Last-Modified"']],
    firstFailure: "gzip.compressed",
    says: /its Content-Length says \d+, the length of the file before compressing \(\d+ bytes\)/,
  },
  {
    name: "13-no-content-encoding",
    phase: 13,
    base: ts(13),
    mistake: "compresses the body but does not say Content-Encoding: gzip, so a client takes the gzip bytes for the file",
    patch: [[COMPRESSED, '  return { body: await gzipAsync(body), fields: { Vary: "Accept-Encoding" } };\n']],
    firstFailure: "gzip.compressed",
    says: /the body starts with 1F 8B \(1F 8B [0-9A-F ]+\): gzip bytes, sent without Content-Encoding/,
  },
  {
    name: "13-deflate-as-gzip",
    phase: 13,
    base: ts(13),
    mistake: "compresses with zlib's deflate() (the zlib format) and says Content-Encoding: gzip",
    patch: [
      ['import { gzip } from "node:zlib";', 'import { deflate } from "node:zlib";'],
      ["const gzipAsync = promisify(gzip);", "const gzipAsync = promisify(deflate);"],
    ],
    firstFailure: "gzip.compressed",
    says: /the answer says Content-Encoding: gzip, but its body does not decode as gzip \(incorrect header check\)\. Its first bytes: 78 9C/,
  },
  {
    name: "13-vary-only-compressed",
    phase: 13,
    base: ts(13),
    mistake: "says Vary: Accept-Encoding only on the answers it compresses, not on the same file sent as it is to a client that did not ask",
    patch: [[NOT_ASKED, "  if (!acceptsGzip(acceptEncoding)) return { body, fields: {} };\n"]],
    firstFailure: "gzip.not-asked",
    says: /without Accept-Encoding, it has no Vary field/,
  },
  {
    name: "13-no-threshold",
    phase: 13,
    base: ts(13),
    mistake: "compresses text whatever its length (no MIN_GZIP_BYTES), so a body of a few bytes comes out longer",
    patch: [["  return compressible(type) && size >= MIN_GZIP_BYTES && size <= MAX_GZIP_BYTES;\n", "  return compressible(type) && size <= MAX_GZIP_BYTES;\n"]],
    firstFailure: "gzip.small-body",
    says: /the \d+-byte body came compressed, as \d+ bytes: gzip's frame alone is about 20 bytes/,
  },
  {
    name: "13-compresses-images",
    phase: 13,
    base: ts(13),
    mistake: "compresses every body long enough, whatever its type (compressible() is never asked), PNG included",
    patch: [["  return compressible(type) && size >= MIN_GZIP_BYTES && size <= MAX_GZIP_BYTES;\n", "  return size >= MIN_GZIP_BYTES && size <= MAX_GZIP_BYTES;\n"]],
    firstFailure: "gzip.not-images",
    says: /the PNG came compressed \(\d+ bytes as \d+\): its bytes are compressed already/,
  },
  {
    name: "13-head-streamed",
    phase: 13,
    base: ts(13),
    mistake: "compresses a file for GET only: a HEAD sends no body, so it gets the head of the file as it is (no Content-Encoding, its own length)",
    patch: [
      [
        "  if (negotiable(type, info.size)) {\n    // Read whole and compressed (or not) before the head: its Content-Length is the bytes sent.\n    // HEAD compresses too, to say the length the GET would have.\n",
        "  // HEAD sends no body: nothing to compress.\n  if (!head && negotiable(type, info.size)) {\n    // Read whole and compressed (or not) before the head: its Content-Length is the bytes sent.\n",
      ],
    ],
    firstFailure: "gzip.head",
    says: /^HEAD with Accept-Encoding: gzip answered Content-Encoding: \(none\), where GET with the same Accept-Encoding answered Content-Encoding: gzip/,
    // It fails gzip.pipelined too, whose evidence is taken at the wrong answer while the answers behind it may still be on their way.
    volatile: true,
  },
  {
    name: "13-no-vary-304",
    phase: 13,
    base: ts(13),
    mistake: "sends a 304 without Vary: it has no body to compress (half of TODO 3)",
    patch: [
      [
        '    const vary: Record<string, string> = negotiable(type, info.size) ? { Vary: "Accept-Encoding" } : {};\n    return { head: responseHead(304, { "Last-Modified": lastModified, ...vary }, connection), file: null };\n',
        '    return { head: responseHead(304, { "Last-Modified": lastModified }, connection), file: null };\n',
      ],
    ],
    firstFailure: "gzip.vary-304",
    says: /^The 304 has no Vary field: a 304 carries the Vary the 200 would carry/,
  },
  {
    name: "13-routes-not-encoded",
    phase: 13,
    base: ts(13),
    mistake: "compresses files only: a route's reply goes as it is, however long, to a client that asked for gzip",
    patch: [
      [
        "  return respond(await chosen.handler({ method, path, query, params: match(chosen.segments, parts)!, headers, body }));",
        "  return generateResponse(await chosen.handler({ method, path, query, params: match(chosen.segments, parts)!, headers, body }), head, connection);",
      ],
    ],
    firstFailure: "gzip.echo",
    says: /^For POST \/api\/echo with a \d+-byte JSON body and Accept-Encoding: gzip, the answer came as it is \(no Content-Encoding, \d+ bytes\)/,
  },
  {
    name: "13-encoding-per-connection",
    phase: 13,
    base: ts(13),
    mistake: "reads a client's Accept-Encoding once per connection, from the first request that sends it, so a request after it that asks for no gzip gets gzip",
    patch: [
      ["    // The connection is closing: what still comes is read and dropped.\n    let done = false;\n", "    // The connection is closing: what still comes is read and dropped.\n    let done = false;\n    // The codings this client reads: the same on every request it sends.\n    let acceptEncoding: string | undefined;\n"],
      [
        "      const keep = await handleRequest(socket, read, body);\n",
        '      acceptEncoding ??= read.headers["accept-encoding"];\n      if (acceptEncoding !== undefined) read.headers["accept-encoding"] = acceptEncoding;\n      const keep = await handleRequest(socket, read, body);\n',
      ],
    ],
    firstFailure: "gzip.pipelined",
    says: /^Answer 2 \(for GET \/\S+\): the answer came compressed \(Content-Encoding: gzip\) to a request without Accept-Encoding/,
    // The check takes its evidence at the wrong answer, while the answers behind it may still be on their way.
    volatile: true,
  },
  {
    name: "13-accept-encoding-as-sent",
    phase: 13,
    base: ts(13),
    mistake: "finds Accept-Encoding in the head by its name as curl and browsers write it, case-sensitive, so fetch's accept-encoding is not seen",
    patch: [
      [
        "  return { line, headers: parseHeaders(head)! };\n",
        '  const headers = parseHeaders(head)!;\n  // The codings the client reads, from its head as clients write the line: "Accept-Encoding: gzip, deflate".\n  const accepted = /\\r\\nAccept-Encoding: *([^\\r\\n]*)/.exec(head);\n  if (accepted) headers["accept-encoding"] = accepted[1]!;\n  else delete headers["accept-encoding"];\n  return { line, headers };\n',
      ],
    ],
    firstFailure: "client.fetch-compressed",
    says: /^Node \S+'s fetch asked with Accept-Encoding: gzip, deflate and got the file as it is, not compressed/,
  },
  {
    name: "py-13-accepts-substring",
    phase: 13,
    base: py(13),
    mistake: "accepts_gzip() looks for the letters gzip anywhere in the value (the seed's 'gzip' in accepts, in lowercase), so * is not gzip and gzip;q=0 is",
    patch: [[ACCEPTS_BODY_PY, '    # The client names gzip: it reads gzip\n    return "gzip" in (value or "").lower()\n']],
    firstFailure: "gzip.any-spelling",
    says: /^For GET \/\S+ with Accept-Encoding: \*, the answer came as it is \(no Content-Encoding, \d+ bytes\), though the client accepts gzip/,
    twin: "13-accepts-substring",
  },
  {
    name: "py-13-q-zero-as-text",
    phase: 13,
    base: py(13),
    mistake: 'accepts_gzip() takes a weight for a refusal only when it is written "q=0", so GZIP;Q=0.000 still accepts gzip',
    patch: [[WEIGHT_PY, '        weight = 0.0 if "q=0" in parameters else 1.0  # "gzip;q=0" is the client saying no\n']],
    firstFailure: "gzip.refused",
    says: /^For GET \/\S+ with Accept-Encoding: deflate, GZIP;Q=0\.000, the answer came gzip-compressed, though the request said "deflate, GZIP;Q=0\.000": gzip is not acceptable there/,
    twin: "13-q-zero-as-text",
  },
  {
    name: "py-13-exact-gzip",
    phase: 13,
    base: py(13),
    mistake: 'accepts_gzip() compares the whole value with "gzip", so a list (curl\'s "deflate, gzip", fetch\'s "gzip, deflate") gets no gzip',
    patch: [[ACCEPTS_BODY_PY, '    # The client asks for gzip\n    return (value or "").strip(" \\t").lower() == "gzip"\n']],
    firstFailure: "gzip.any-spelling",
    says: /^For GET \/\S+ with Accept-Encoding: deflate, gzip;q=0\.5, the answer came as it is \(no Content-Encoding, \d+ bytes\), though the client accepts gzip/,
    // It fails curl's and fetch's checks too, in whose server output the lines of each client's thread come in an order timing decides.
    volatile: true,
  },
  {
    name: "py-13-gzip-unasked",
    phase: 13,
    base: py(13),
    mistake: "accepts_gzip(None) is True (RFC 9110 lets a server send any coding to a request without Accept-Encoding), so nc and curl get gzip they did not ask for",
    patch: [['    for entry in (value or "").split(","):\n', '    if value is None:  # no field: every coding is acceptable (RFC 9110 §12.5.3)\n        return True\n    for entry in (value or "").split(","):\n']],
    firstFailure: "gzip.not-asked",
    says: /without Accept-Encoding, the answer came compressed \(Content-Encoding: gzip\) to a request without Accept-Encoding/,
    // The answers to a client that did not ask come compressed everywhere, pipe.backpressure's too: how much the server
    // read and grew, and the order of its threads' lines, are timing's.
    volatile: true,
  },
  {
    name: "py-13-accept-encoding-as-sent",
    phase: 13,
    base: py(13),
    mistake: "looks Accept-Encoding up in a table of the fields as they were sent (the seed's headers.get('Accept-Encoding')), so fetch's accept-encoding is not seen",
    patch: [
      [
        ENCODE_PY,
        '        # The fields as the client sent them: "Accept-Encoding: gzip, deflate"\n        sent = dict(line.split(": ", 1) for line in head.splitlines()[1:] if ": " in line)\n        response = encode_response(respond(head, body), sent.get("Accept-Encoding"))\n',
      ],
    ],
    firstFailure: "client.fetch-compressed",
    says: /^Node \S+'s fetch asked with Accept-Encoding: gzip, deflate and got the file as it is, not compressed/,
    twin: "13-accept-encoding-as-sent",
  },
];
