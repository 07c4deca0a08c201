/**
 * The words of phase 13 (gzip): the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

/** Phase 13 (checks/gzip.ts). */
export const gzipWords = {
  // acceptsGzip()
  unitReturned: (call: string, got: string, why: string) => `${call} returned ${got}: ${why}`,
  notBoolean: "it should return true or false.",
  unitWhy: {
    plain: "the client lists gzip, with no weight (q=1).",
    caseless: "content codings are case-insensitive (RFC 9110 §8.4.1): GZIP is gzip.",
    list: "the value is a list: gzip is in it, after deflate, with a weight above 0.",
    spaces: "spaces and tabs may stand around the ; and the = of a weight (RFC 9110 §5.6.6).",
    qZero: "a weight of 0 means \"not acceptable\" (RFC 9110 §12.4.2): this client refuses gzip.",
    qZeroDecimals: "0.000 is 0: this client refuses gzip.",
    qCaseless: "the q of a weight is case-insensitive: Q=0 refuses gzip too.",
    star: "* stands for every coding the list does not name (RFC 9110 §12.5.3), gzip included.",
    starZero: "*;q=0 refuses every coding the list does not name, gzip included.",
    starButGzipZero: "gzip is named with q=0: that holds, whatever * says.",
    gzipOverStarZero: "gzip is named with a weight above 0: that holds, whatever * says.",
    notListed: "gzip is not in the list, and there is no *: only the codings listed are acceptable.",
    empty: "an empty Accept-Encoding asks for no content coding at all (RFC 9110 §12.5.3).",
    missing: "without Accept-Encoding the lab sends no gzip (this lab's rule: nc, and curl without --compressed, would print the compressed bytes).",
    xGzip: "x-gzip is gzip's old name, to be read as gzip (RFC 9110 §8.4.1.3).",
    substring: "gzip must be a whole coding: x-gzip2 is not gzip, whatever letters it holds.",
  } as Record<string, string>,
  // Compressed answers.
  forAsked: (url: string, acceptEncoding: string | null) => `For GET ${url} ${acceptEncoding === null ? "without Accept-Encoding" : `with Accept-Encoding: ${JSON.stringify(acceptEncoding).slice(1, -1) || "(empty)"}`},`,
  notCompressed: (size: number) => `the answer came as it is (no Content-Encoding, ${size} bytes), though the client accepts gzip and the body is text worth compressing.`,
  compressedExpected: (coding: string) => `200 with Content-Encoding: ${coding}, a body that decompresses to the file, the Content-Length of the compressed bytes, and Vary: Accept-Encoding`,
  codingNotAccepted: (coding: string) => `the answer says Content-Encoding: ${coding}, a coding this request did not accept.`,
  unknownCoding: (coding: string) => `the answer says Content-Encoding: ${coding}, a coding the checker does not decode (it reads gzip, x-gzip, deflate, br and zstd): this phase is about gzip.`,
  tooManyCodings: (count: number, most: number) => `the answer lists ${count} content codings, more than the ${most} that fetch and curl accept: they refuse the whole answer.`,
  notDecoded: (coding: string, error: string, start: string) =>
    `the answer says Content-Encoding: ${coding}, but its body does not decode as ${coding} (${error}). Its first bytes: ${start}${coding === "gzip" && !start.startsWith("1F 8B") ? " (gzip starts with 1F 8B)" : ""}.`,
  compressedTwice: (coding: string) => `once the ${coding} coding was undone, the body was gzip again (1F 8B): it was compressed twice, and said once.`,
  decodedOther: (coding: string, size: number, want: number) => `the body decodes as ${coding} to ${size} bytes, where the file has ${want}, and they differ.`,
  unlabelled: (start: string) =>
    `the body starts with 1F 8B (${start}): gzip bytes, sent without Content-Encoding, so a client takes them for the file itself.`,
  identityLabel: "the answer's Content-Encoding names identity: that is Accept-Encoding's word for \"no coding\" (RFC 9110 §12.5.3), not a coding applied to a body. A body sent as it is has no Content-Encoding at all.",
  lengthOfOriginal: (length: string, identity: number) =>
    `its Content-Length says ${length}, the length of the file before compressing (${identity} bytes): the length counts the bytes sent, the compressed ones, or the client reads past the answer's end.`,
  typeChanged: (got: string, want: string) => `its Content-Type is ${got}, where the file's type (${want}) was expected: Content-Encoding says how the body was compressed, and Content-Type stays the type of what was compressed.`,
  noVary: (vary: string | undefined) =>
    `${vary === undefined ? "it has no Vary field" : `its Vary says ${JSON.stringify(vary)}`}: an answer whose coding depends on Accept-Encoding says Vary: Accept-Encoding, or a cache may hand it to a client that asked otherwise.`,
  notAskedExpected: "200 with the file's bytes as they are, no Content-Encoding, and Vary: Accept-Encoding (the answer would differ for a client that asked for gzip)",
  sentUnasked: (coding: string) =>
    `the answer came compressed (Content-Encoding: ${coding}) to a request without Accept-Encoding: nc, and curl without --compressed, print those bytes as they are.`,
  refusedExpected: "200 with the file's bytes as they are (or a coding the request still accepts), never gzip; where even the bytes as they are are refused (identity;q=0, *;q=0), 406 also passes",
  refusedGzip: (acceptEncoding: string) =>
    `the answer came gzip-compressed, though the request said ${JSON.stringify(acceptEncoding)}: ${acceptEncoding.trim() === "" ? "an empty Accept-Encoding asks for no coding at all" : "gzip is not acceptable there"}.`,
  // Small bodies and images.
  forBody: (what: string) => `For ${what} with Accept-Encoding: gzip,`,
  compressedSmall: (size: number, compressed: number) => `the ${size}-byte body came compressed, as ${compressed} bytes: gzip's frame alone is about 20 bytes, so a body this small gains nothing.`,
  compressedImage: (type: string, size: number, compressed: number) =>
    `the ${type} came compressed (${size} bytes as ${compressed}): its bytes are compressed already, so gzip only costs time.`,
  asIsExpected: "200 with the bytes as they are, no Content-Encoding",
  // HEAD.
  headDiffers: (field: string, head: string | undefined, get: string | undefined) =>
    `HEAD with Accept-Encoding: gzip answered ${field}: ${head ?? "(none)"}, where GET with the same Accept-Encoding answered ${field}: ${get ?? "(none)"}: a HEAD gets the head the GET would get.`,
  headBody: (bytes: number) => `HEAD with Accept-Encoding: gzip got a body (${bytes} bytes after the head): an answer to HEAD ends with its head.`,
  headExpected: "the head GET gets with the same Accept-Encoding (its Content-Encoding, Vary, and the compressed Content-Length), and no body",
  // 304.
  not304: (status: number | null) => `A GET with If-Modified-Since after the file's date got ${status ?? "no status"}, where 304 was expected (phase 9).`,
  noVary304: (vary: string | undefined) =>
    `The 304 ${vary === undefined ? "has no Vary field" : `says Vary: ${vary}`}: a 304 carries the Vary the 200 would carry (RFC 9110 §15.4.5), or a cache that refreshes its copy with it loses the Vary.`,
  vary304Expected: "304 Not Modified with Vary: Accept-Encoding, and no body",
  // The echo.
  echoNotJson: (coding: string | null) => `the echo's body${coding === null ? "" : `, decoded (${coding}),`} is not the JSON that was sent.`,
  forEcho: (size: number) => `For POST /api/echo with a ${size}-byte JSON body and Accept-Encoding: gzip,`,
  echoExpected: "200 with the same JSON, gzip-compressed (Content-Encoding: gzip, the compressed Content-Length), and Vary: Accept-Encoding",
  // A pipeline.
  forAnswer: (n: number, label: string) => `Answer ${n} (for ${label}):`,
  pipelineExpected: "four answers in order: the file compressed, the file as it is, the compressed head, and /about; each framed by its own Content-Length",
  notAResponse: (n: number, bytes: number, start: string) =>
    `Where answer ${n} should start, ${bytes} bytes came that start no response (${start}): the answer before it was longer than its Content-Length said.`,
  noAnswer: (n: number, label: string, open: boolean) => `Answer ${n} (for ${label}) did not come${open ? " (the connection was still open)" : "; the server closed the connection"}.`,
  decodedNote: (coding: string, size: number, decoded: number, start: string) => `its ${size}-byte body, decoded (${coding}), is ${decoded} bytes that start ${JSON.stringify(start)}`,
  rawDeflate: "it is raw deflate, without the zlib wrapper that the deflate coding has (RFC 9110 §8.4.1.2 calls raw deflate non-conformant)",
  otherBody: (size: number, want: number) => `the body (${size} bytes, no Content-Encoding) is not what was asked for (${want} bytes).`,
  varyHint: "Add Vary: Accept-Encoding to every answer whose body could be compressed for another client, compressed or not, and to the 304 for such a file (TODO 3).",
  lengthHint: "Make the head after compressing, with the length of the bytes you send: Content-Length counts the compressed body.",
  unaskedHint: "Decide for each request, from its own Accept-Encoding: a request without the field gets the body as it is, whatever the requests before it on the connection asked.",
  headHint: "Run the same encoding step for HEAD as for GET, and leave only the body out (TODO 4).",
  // Real clients.
  clientFailed: (client: string, reason: string) => `${client} failed: ${reason}`,
  clientGotOther: (client: string, size: number, want: number) => `${client} got ${size} bytes, where the file has ${want}, and they differ.`,
  clientNotCompressed: (client: string, acceptEncoding: string) =>
    `${client} asked with Accept-Encoding: ${acceptEncoding} and got the file as it is, not compressed.`,
  clientExpected: "the file's exact bytes, sent compressed",
  chromiumTryIt: (port: number, url: string) => `open http://127.0.0.1:${port}${url} in a browser (your server started with WEB_ROOT set to a folder with that file), and look at the developer tools' Network tab: the answer's Content-Encoding, its size on the wire and its error, if any`,
  curlBadEncoding: (client: string, error: string) => `${client} could not decode the body: ${error}`,
};

/** Each check's title and hints: a nudge first, then the near-answer. */
export const gzipChecks = {
  "gzip.unit-accepts": check("acceptsGzip() reads Accept-Encoding as a list with weights", [
    "Accept-Encoding is a comma-separated list of codings, each with an optional ;q= weight: split it, and look at each coding whole, in lowercase.",
    "A weight of 0 means never: gzip;q=0 refuses gzip, and * stands for every coding the list does not name (TODO 1).",
  ]),
  "gzip.compressed": check("a long text file, asked for with gzip: compressed, with its own length and Vary", [
    "When acceptsGzip() says yes and the body is text of at least MIN_GZIP_BYTES, send gzip(body), with Content-Encoding: gzip (TODO 2).",
    "Content-Length counts the compressed bytes: set it from the body you send, after compressing. Add Vary: Accept-Encoding (TODO 3).",
  ]),
  "gzip.not-asked": check("the same file without Accept-Encoding: as it is, with Vary", [
    "No Accept-Encoding, no gzip: the lab sends compressed bytes only to a client that said it reads them.",
    "The answer still says Vary: Accept-Encoding: it would be different for a client that asked (TODO 3).",
  ]),
  "gzip.any-spelling": check("gzip asked in any spelling: GZIP, in a list, with a weight, or as *", [
    "Codings are case-insensitive, and the field is a list: deflate, gzip;q=0.5 accepts gzip.",
    "Split on commas, then on semicolons, trim the spaces and tabs, and compare in lowercase (TODO 1).",
  ]),
  "gzip.refused": check("gzip refused: q=0, identity alone, an empty value", [
    "A weight of 0 means not acceptable: a client that says gzip;q=0 cannot read gzip.",
    "Read the weight of gzip, not whether the letters gzip appear: a substring test compresses for gzip;q=0 (TODO 1).",
  ]),
  "gzip.small-body": check("a body of a few bytes: sent as it is", [
    "gzip's frame alone is about 20 bytes: a short body gets longer.",
    "Compress only bodies of at least MIN_GZIP_BYTES (TODO 2).",
  ]),
  "gzip.not-images": check("a PNG: sent as it is", [
    "PNG, JPEG, GIF and WebP are compressed already: gzip makes them no smaller, and costs time at both ends.",
    "Compress only the types compressible() says yes to: text, JSON, SVG (TODO 2).",
  ]),
  "gzip.head": check("HEAD with gzip: the head of the GET, without the body", [
    "A HEAD gets the head its GET would get (RFC 9110 §9.3.2): with gzip asked, that is the compressed Content-Length and Content-Encoding.",
    "Compress for HEAD too, to know the length, and leave the body out (TODO 4).",
  ]),
  "gzip.vary-304": check("a 304 for a compressible file says Vary", [
    "A 304 carries the Vary the 200 would have (RFC 9110 §15.4.5).",
    "Where serveFile answers 304, add Vary: Accept-Encoding when the file is one that gets compressed (TODO 3).",
  ]),
  "gzip.echo": check("a large JSON echo, with gzip: compressed too", [
    "A route's answer is a body like a file's: a long JSON answer is compressed when asked.",
    "Pass every reply through the same encoding step before its head is made (TODO 2).",
  ]),
  "gzip.pipelined": check("compressed and plain answers in one pipeline, each framed right", [
    "On a kept connection, each answer's Content-Length is where the next one starts: it must count the bytes sent.",
    "Build the head after compressing, from the compressed body's length.",
  ]),
  "client.curl-compressed": check("curl --compressed gets the file", [
    "curl asks with Accept-Encoding and decompresses what says Content-Encoding: gzip.",
    "Try curl -v --compressed and look at the Content-Encoding and Content-Length of the answer.",
  ]),
  "client.chromium-compressed": check("Chromium shows the file, compressed on the way", [
    "A browser asks for gzip by itself and shows nothing when the compressed bytes and their labels disagree (ERR_CONTENT_DECODING_FAILED).",
    "Open the file in a browser and look at the Network tab: Content-Encoding, and the size on the wire.",
  ]),
  "client.fetch-compressed": check("fetch gets the file, compressed on the way", [
    "fetch asks for gzip by itself, with its field names in lowercase (accept-encoding), and decompresses the body before your code sees it: look the field up by its name in any case, as phase 7 does.",
    "Try node -e with fetch and print the content-encoding header and the body's length.",
  ]),
};
