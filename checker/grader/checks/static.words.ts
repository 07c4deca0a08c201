/**
 * The words of phase 9 (static): its checks' titles and hints, and its findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

export const staticWords = {
  noSite: "not run: the checker makes the folder of files (WEB_ROOT) when it starts the server itself; with --port it cannot",
  forFile: (url: string) => `For GET ${url}:`,
  forHead: (url: string) => `For HEAD ${url}:`,
  fileHint: "A path no route has is a file under WEB_ROOT: split it into decoded segments, join them to the root, and send the file's bytes.",
  otherBytes: (url: string, got: number, want: number) => `GET ${url} answered a body of ${got} bytes that is not the file (${want} bytes).`,
  bytesExpected: (bytes: number) => `the file's ${bytes} bytes, exactly`,
  bytesHint:
    "A file is bytes, not text: send it as the Buffer it was read as. readFile(file, \"utf8\") gives a string, and sending that string changes every byte that is not UTF-8; " +
    "readFile(file) gives a Buffer, and createReadStream(file).pipe(socket) sends the bytes as they are. (Python: open(file, \"rb\").)",
  notTheFile: (url: string, got: number, want: number, at: number, fileBytes: string, gotBytes: string, why: "replaced" | "latin1" | null) =>
    `GET ${url} has the right head (Content-Length: ${want}, the file's size), but the ${got} bytes after it are not the file's: ` +
    `from byte ${at} on, the file has ${fileBytes}, the answer ${gotBytes}.` +
    (why === "replaced"
      ? " EF BF BD is U+FFFD, the replacement character: the file was decoded as UTF-8 text, each byte that is not UTF-8 became that character, and the text was encoded again."
      : why === "latin1"
        ? " Each byte from 80 to FF came as two (C2 or C3, then one more): the file was decoded as Latin-1 text and encoded again as UTF-8."
        : ""),
  noMoreBytes: "nothing more",
  cutShort: (url: string, got: number, want: number) =>
    `GET ${url} has the right head (Content-Length: ${want}, the file's size), ` +
    (got === 0
      ? "then the connection ended without one byte of the file: the server stopped sending after the head."
      : `but only ${got} of the file's ${want} bytes came before the connection ended: the server stopped sending partway through the file.`),
  cutShortHint:
    "The head went out and the file did not follow: look in the server output below for the error that stopped it. " +
    "Send the file as the bytes it was read as, to the last one: in Node a Buffer, or createReadStream(file).pipe(socket); " +
    "in Python open(file, \"rb\") and sendall of each piece (a file opened as text gives str, which sendall refuses).",
  encodedNameHint: "The name comes percent-encoded (%20 for a space, %C3%A9 for é): look the file up by the decoded segments of phase 8.",
  wrongLength: (url: string, got: string | undefined, want: number) => `GET ${url} says Content-Length: ${got ?? "(none)"}, where the file has ${want} bytes.`,
  lengthHint: "Content-Length is the file's size in bytes: (await stat(file)).size.",
  noType: "the answer has no Content-Type.",
  wrongType: (got: string) => `the answer says Content-Type: ${got}.`,
  noCharset: (got: string) => `the answer says Content-Type: ${got}, without charset=utf-8: a browser then guesses the text's encoding.`,
  typeHint: "Look the type up by the file's extension in a table (.html text/html; charset=utf-8, .js text/javascript; charset=utf-8, .png image/png, ...); application/octet-stream for what the table lacks.",
  caseHint: "Lowercase the extension before looking it up: STYLE.CSS is a stylesheet too. path.extname(fileName).toLowerCase()",
  unitType: (call: string, got: string, want: string, missingCharset: boolean) =>
    `${call} returned ${got}, where the contract has ${want}.${missingCharset ? " Without charset=utf-8 a browser guesses the text's encoding." : ""}`,
  indexHint: "A path that ends in \"/\" and names a folder is answered with the folder's index.html.",
  badLocation: (url: string, location: string) => `GET ${url} answered a redirect to ${JSON.stringify(location)}; the folder with a slash is ${url}/.`,
  bareFolder: (url: string, status: number | null) => `GET ${url} (a folder, without the final slash) answered ${status ?? "without a status"}.`,
  bareFolderExpected: (url: string) => `301 Moved Permanently with Location: ${url}/ (or the folder's index.html at once)`,
  redirectHint: "A folder asked for without its final slash gets 301 with Location: the same path and \"/\": the page's relative links (style.css) then resolve inside the folder.",
  noListingHint: "A folder without index.html is 404 (or 403): this server lists no folders.",
  notFoundHint: "A path that is neither a route nor a file is 404 Not Found, with a small page.",
  headBody: (url: string, bytes: number) => `HEAD ${url} sent ${bytes} bytes after the head. A response to HEAD has no body.`,
  headHint: "For HEAD, send the head a GET would have (Content-Length: the file's size) and do not open the file's stream.",
  headLength: (url: string, got: string | undefined, want: number) => `HEAD ${url} says Content-Length: ${got ?? "(none)"}, where the file has ${want} bytes.`,
  headType: (url: string, got: string | undefined) => `HEAD ${url} says Content-Type: ${got ?? "(none)"}, not the type GET sends.`,
  lastModified: (got: string | undefined) => `The file came with Last-Modified: ${got ?? "(none)"}, not its modification time.`,
  lastModifiedHint: "Last-Modified is the file's mtime as an HTTP date, whole seconds: new Date(Math.floor(info.mtimeMs / 1000) * 1000).toUTCString().",
  not304: (status: number | null, since: string) => `With If-Modified-Since: ${since} (the file's own Last-Modified), the answer was ${status ?? "without a status"}.`,
  notModifiedHint: "When If-Modified-Since is a date and the file's mtime (whole seconds) is not later, answer 304 Not Modified: the head alone, no body.",
  bodyOn304: (bytes: number) => `The 304 came with ${bytes} bytes after its head. A 304 has no body.`,
  withSince: (since: string) => `With If-Modified-Since: ${since}:`,
  olderSinceHint: "A date before the file's mtime means the client's copy is old: send the whole file, 200.",
  invalidSinceHint: "An If-Modified-Since that is not a date is ignored (RFC 9110 §13.1.3): Date.parse gives NaN; send the whole file, 200.",
  largeTryIt: (url: string, port: number) => `curl -s http://127.0.0.1:${port}${url} | wc -c      (and watch your server's memory meanwhile, e.g. in top)`,
  largeStatus: (url: string, status: number | null, ending: string) => `GET ${url} (32 MiB) answered ${status ?? `nothing readable (${ending})`}.`,
  largeBytes: (url: string, got: string, want: string, ending: string) => `GET ${url} gave ${got} MiB that are not the file's ${want} MiB (${ending === "complete" ? "all of it came" : `then: ${ending}`}).`,
  largeMemory: (url: string, size: string, grew: string) =>
    `GET ${url} came whole, but when the checker had read 1 MiB and waited, the server held ${grew} MiB more than before, for a file of ${size} MiB: it reads the file whole before it sends it.`,
  largeMemoryExpected: (limit: string) => `the file streamed in pieces: memory growing by less than ${limit} MiB`,
  streamHint: "Stream the file: socket.write(reply.head), then createReadStream(reply.file).pipe(socket). pipe sends 64 KiB at a time and waits while the socket's buffer is full; readFile would hold the whole file.",
  attack: {
    dotDot: "\"..\" to climb out of the root",
    encodedDots: "\"..\" written %2e%2e",
    encodedSlash: "a climb written all in escapes, its slash %2F",
    encodedSlashAfter: "\"..\" followed by a slash written %2f",
    doubleEncoded: "%252e%252e, which is \"..\" only when decoded twice",
    dotThenDotDot: "\"./..\"",
    deeper: "a climb from a folder inside the root",
    absoluteEncoded: "the secret's absolute path, its slashes written %2F",
    absoluteDoubleSlash: "the secret's absolute path after a second slash",
    backslash: "a backslash, written %5c, for a slash (Windows' separator)",
    backslashRaw: "a backslash for a slash (Windows' separator)",
    nul: "a NUL byte (%00) in the name",
    siblingPrefix: "a folder beside the root whose name starts with the root's name, which a string-prefix check lets through",
    symlinkFile: "a symlink inside the root that points to the secret",
    symlinkFolder: "a symlink inside the root to the folder above it",
  },
  forAttack: (target: string) => `For GET ${target}:`,
  leaked: (target: string, what: string, token: string, file: string, sibling: boolean) =>
    `GET ${target} tries ${what}, and got a file from OUTSIDE the root: the answer holds ${token}, the text of ` +
    (sibling ? `${file}, a file in the folder the checker put beside WEB_ROOT.` : `the secret file ${file} that the checker put beside WEB_ROOT.`),
  notRefused: (target: string, what: string, status: number | null) => `GET ${target} tries ${what}, and was answered ${status ?? "without a status"}; a way out of the root is refused with 404 (or 403, or 400).`,
  refusedExpected: "404 Not Found (or 403 or 400), and nothing from outside the root",
  attackHint: (what: string) =>
    `However the way out is spelled (here: ${what}), no segment may be "..", or hold "/", "\\" or a NUL once decoded; and the file's real path (await realpath(joined)) must be the root's real path (await REAL_ROOT) or start with it and path.sep.`,
  attackCrashHint: "Whatever the path, answer: an fs call that throws (a NUL byte, a name too long) must end in a 404, never in a crash or a silent close.",
  afterTraversal: "ways out of the root",
  screenshot: (file: string) => `\nThe browser's screenshot of the page: ${file}`,
  consoleSaid: (lines: string) => `The browser's console said:\n${lines}`,
  browserTryIt: (port: number, url: string) => `open http://127.0.0.1:${port}${url} in a browser (your server started with WEB_ROOT set to a folder with that page), and look at the developer tools' Network and Console tabs`,
  pageFailed: (url: string, error: string) => `Chromium could not show ${url}: ${error}.`,
  noStyle: (got: string, want: string, type: string) =>
    `Chromium showed the page without its stylesheet: the background is ${got || "unset"}, where style.css makes it ${want}${type ? `; style.css came as ${type}` : ""}. A browser applies a stylesheet only when it comes as text/css.`,
  noImage: (width: number, height: number, wantWidth: number, wantHeight: number, type: string) =>
    `Chromium could not show the image: it is ${width}×${height}, where logo.svg is ${wantWidth}×${wantHeight}${type ? `; logo.svg came as ${type}` : ""}. An SVG is an image only as image/svg+xml.`,
  noScript: (type: string) =>
    `Chromium did not run the page's module script app.js${type ? `, which came as ${type}` : ""}: a <script type="module"> runs only when its type is a JavaScript one (text/javascript).`,
  browserTypeHint: "The browser trusts the Content-Type, not the name: send each file with the type of its extension (contentType), text types with charset=utf-8.",
  lookAlikeHint: "\"..\" is only a climb when it is a whole segment: a..b.txt and v1..2/ are ordinary names. Check the segments, not the text of the path.",
};

export const staticChecks = {
  "static.browser": check("a real browser shows the checker's page: its stylesheet, its image and its module script (with --browser)", [
    "Chromium opens a page of the checker's site: it applies style.css, shows logo.svg and runs app.js only when each comes with the right Content-Type.",
    "Open the page yourself and look at the developer tools: the Network tab shows each file's type, the Console what the browser refused.",
    "In serveFile: const fields = { \"Content-Type\": contentType(file), \"Content-Length\": String(info.size) };  // .css text/css, .svg image/svg+xml, .js text/javascript",
  ]),
  "static.unit-types": check("contentType gives each extension its media type (any case), application/octet-stream otherwise", [
    "contentType(fileName) looks the extension up in a table; text types say charset=utf-8.",
    "Lowercase the extension first (path.extname(fileName).toLowerCase()); a name without a known extension is application/octet-stream.",
    "In contentType: return TYPES[path.extname(fileName).toLowerCase()] ?? \"application/octet-stream\";",
  ]),
  "static.files": check("serves the files of WEB_ROOT byte for byte (text, an image, an empty file, names with spaces and é)", [
    "A path no route has names a file under WEB_ROOT: serveFile hands its decoded segments to resolveFile, which returns null (a 404) for every path until TODO 2 is done.",
    "In resolveFile: refuse a segment that is \"..\" or holds \"/\", \"\\\\\" or \"\\0\"; join the rest to WEB_ROOT with path.join; find the real path with await realpath(joined) (it throws when nothing is there: null); return it only when it is inside the root's real path, await REAL_ROOT.",
    "In resolveFile: if (segments.some((segment) => segment === \"..\" || /[/\\\\\\0]/.test(segment))) return null; const real = await realpath(path.join(WEB_ROOT, ...segments)).catch(() => null); const root = await REAL_ROOT; return real !== null && (real === root || real.startsWith(root + path.sep)) ? real : null;",
  ]),
  "static.types": check("sends each file with the Content-Type of its extension", [
    "The browser decides what a file is by its Content-Type, not its name: a stylesheet sent as text/plain is ignored, a module script refused.",
    "Use contentType(file) for every file you serve.",
    "const fields = { \"Content-Type\": contentType(file), \"Content-Length\": String(info.size) };",
  ]),
  "static.index": check("a folder's index.html, a 301 to the folder's slash, and 404 for what is not there", [
    "/docs/ is the folder's index.html; /docs is 301 to /docs/ (or the index at once); a folder without index.html and a missing file are 404.",
    "stat() tells a folder from a file: info.isDirectory().",
    "In serveFile, after the stat: if (info.isDirectory()) { if (parts.at(-1) !== \"\") return generateResponse({ status: 301, body: \"<h1>301 Moved Permanently</h1>\", headers: { Location: `${rawPath}/` } }, head); file = await resolveFile([...parts.slice(0, -1), \"index.html\"]); info = file ? await stat(file).catch(() => null) : null; if (!file || !info) return generateResponse(error(404), head); }",
  ]),
  "static.head": check("answers HEAD for a file with its head and no body", [
    "HEAD of a file: the same status and fields as GET, Content-Length the file's size, and no body.",
    "Build the head as for GET; for HEAD, give handleRequest no file to send after it (file: null): it then ends the socket after the head.",
    "In serveFile: return { head: responseHead(200, fields), file: head ? null : file };",
  ]),
  "static.conditional": check("sends Last-Modified, and 304 Not Modified for If-Modified-Since", [
    "Last-Modified tells the file's date; a browser asks again with If-Modified-Since, and the server answers 304 when the file has not changed.",
    "Compare whole seconds: Math.floor(info.mtimeMs / 1000) * 1000 <= Date.parse(since) means not modified. A value that is not a date (NaN) is ignored.",
    "In serveFile, after the folder's part, the tail for a file (the skeleton's isFile() and 405 lines, then the date in whole seconds, the 304, and Last-Modified on the 200 too): if (!info.isFile()) return generateResponse(error(404), head); if (method !== \"GET\" && method !== \"HEAD\") return generateResponse(error(405, { Allow: \"GET, HEAD\" })); const modified = Math.floor(info.mtimeMs / 1000) * 1000; const lastModified = new Date(modified).toUTCString(); const since = Date.parse(headers[\"if-modified-since\"] ?? \"\"); if (!Number.isNaN(since) && modified <= since) return { head: responseHead(304, { \"Last-Modified\": lastModified }), file: null }; const fields = { \"Content-Type\": contentType(file), \"Content-Length\": String(info.size), \"Last-Modified\": lastModified }; return { head: responseHead(200, fields), file: head ? null : file };",
  ]),
  "static.large": check("streams a 32 MiB file without holding it in memory", [
    "A big file must not be read whole: the server would hold 32 MiB per client downloading it.",
    "Stream it: createReadStream(reply.file).pipe(socket) reads and sends it in pieces, waiting whenever the socket's buffer is full.",
    "In handleRequest, instead of the readFile line: socket.write(reply.head); const stream = createReadStream(reply.file); stream.on(\"error\", () => socket.destroy()); stream.pipe(socket);",
  ]),
  "static.traversal": check("never serves a file from outside WEB_ROOT, however the path is spelled, and lives on", [
    "A client can spell \"the folder above\" in many ways: .., %2e%2e, %2F, a second slash, a symlink. None may leave the root.",
    "Refuse a segment that is \"..\" or holds \"/\", \"\\\" or NUL after decoding; join with path.join (never path.resolve); check the real path against the root's real path plus path.sep.",
    "In resolveFile, refuse the segments that climb or hide a separator, join what is left with path.join, and keep the real path only when it is the root's or under it: if (segments.some((segment) => segment === \"..\" || /[/\\\\\\0]/.test(segment))) return null; const real = await realpath(path.join(WEB_ROOT, ...segments.filter((segment) => segment !== \".\"))).catch(() => null); const root = await REAL_ROOT; return real !== null && (real === root || real.startsWith(root + path.sep)) ? real : null;",
  ]),
  "static.look-alikes": check("serves names with \"..\" inside them (a..b.txt, v1..2/), which are not a climb", [
    "Only a whole segment \"..\" climbs: a..b.txt is a file name like any other.",
    "Test the segments (segment === \"..\"), not the path's text (rawPath.includes(\"..\")).",
    "In resolveFile: if (segments.some((segment) => segment === \"..\")) return null;  // not: segment.includes(\"..\")",
  ]),
};
