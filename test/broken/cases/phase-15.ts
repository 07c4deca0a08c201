/** Phase 15 (framework): its broken variants, TypeScript first, then Python (a Python twin runs after its TypeScript case). */
import { type BrokenCase, py, ts } from "./common.ts";

/** toRequest's URL: the Host as sent and the target as it came (TODO 1). */
const URL_TS = "  const url = SCHEME_AND_HOST.test(target) ? target : `http://${authority}${target}`;\n";
/** toRequest's fields: each line appended (TODO 1). */
const FIELDS_TS =
  '  // append, never set: two X-Tag lines stay two values, and headers.get("x-tag") reads "a, b".\n  const headers = new Headers();\n  for (const [name, value] of head.fields) headers.append(name, value);\n';
/** Which requests give their body to the Request (TODO 1). */
const CARRIES_BODY_TS = '  const carriesBody = body !== null && method !== "GET" && method !== "HEAD";\n';
/** appFields: every field of the app but the server's own, then the cookies apart (TODO 3). */
const APP_FIELDS_TS = '  for (const [name, value] of headers) {\n    if (!SERVERS_OWN.has(name) && name !== "set-cookie") fields.push([name, value]);\n  }\n';
const COOKIES_TS = '  for (const cookie of headers.getSetCookie()) fields.push(["set-cookie", cookie]);\n';
/** framingFor's last two answers: a body of unknown length, by version (TODO 4). */
const UNKNOWN_LENGTH_TS =
  '  // HTTP/1.0 knows no chunks (RFC 9112 §6.1, MUST NOT): the body ends with the connection (§6.3).\n  if (version === "HTTP/1.0") return { fields: [], end: "close" };\n  // Not known yet: the body goes in chunks as the app makes it (phase 14).\n  return { fields: [["Transfer-Encoding", "chunked"]], end: "chunked" };\n';
/** writeResponse's body, sent as the app makes it (TODO 4). */
const SEND_BODY_TS = "  const whole = await sendBody(socket, response.body, framing.end);\n  return whole && keep;\n";
/** handleRequest asks the app inside a try, and answers 500 for it in the catch (TODO 2). */
const ASK_APP_TS =
  "  let response: Response;\n  try {\n    response = await app.fetch(fetchRequest);\n  } catch (err) {\n    // The app failed, and its own error handler too, so no Response came. The server answers for\n    // it: a 500, logged here, where the app's author will look. The request was read whole, so\n    // the connection goes on: the next request starts where this one ended.\n    // (The stack's first frame says where it was thrown: in the app, or in the adapter.)\n    const where = err instanceof Error ? err.stack?.split(\"\\n\")[1]?.trim() : undefined;\n    console.log(`The app failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}${where ? ` (${where})` : \"\"}`);\n    return answerHere(500);\n  }\n";

export const phase15Cases: BrokenCase[] = [
  {
    name: "15-status-without-space",
    phase: 15,
    base: ts(15),
    mistake: 'writes the status line as the version and the code alone, "HTTP/1.1 200": the app gives no reason, and the space after the code went with it',
    patch: [['    `HTTP/1.1 ${status} ${REASONS[status] ?? ""}`,\n', "    // The app gives a status, no reason phrase.\n    `HTTP/1.1 ${status}`,\n"]],
    firstFailure: "framework.hello",
    says: /^For GET \/, [Tt]he response is not valid HTTP\/1\.1: the status line "HTTP\/1\.1 200" has no space after the code/,
  },
  {
    name: "15-url-from-own-address",
    phase: 15,
    base: ts(15),
    mistake: "builds the Request's URL from the server's own address (http://127.0.0.1:PORT), not from the Host the client sent",
    patch: [
      ["  const authority = head.headers.host || `${HOST}:${PORT}`;\n" + URL_TS, "  // The request came to this server: its address is the URL's.\n  const url = `http://${HOST}:${PORT}${target}`;\n"],
    ],
    firstFailure: "framework.params",
    says: /^For GET \/users\/\w+, the body differs: your server sent "\{\\"id\\":\\"\w+\\",\\"url\\":\\"http:\/\/127\.0\.0\.1:\d+\/users\/\w+\\"\}".*, the app sends "\{\\"id\\":\\"\w+\\",\\"url\\":\\"http:\/\/localhost\/users\/\w+\\"\}"/,
  },
  {
    name: "15-query-dropped",
    phase: 15,
    base: ts(15),
    mistake: "builds the Request's URL from the path alone (phase 8's path, without the query): the app never sees ?q=...",
    patch: [[URL_TS, '  // The path is what the app routes on.\n  const [path] = target.split("?");\n  const url = SCHEME_AND_HOST.test(target) ? target : `http://${authority}${path}`;\n']],
    firstFailure: "framework.params",
    says: /^For GET \/search\?q=a\+b%26c&tag=\w+&tag=x, the body differs: your server sent "\{\\"q\\":null,\\"tags\\":\[\]\}"/,
  },
  {
    name: "15-target-decoded",
    phase: 15,
    base: ts(15),
    mistake: "decodes the target (decodeURIComponent, as phase 8's router did) before it builds the URL, so an escaped & in the query splits it",
    patch: [[URL_TS, "  // Decoded, as the router of phase 8 read it.\n  const url = SCHEME_AND_HOST.test(target) ? target : `http://${authority}${decodeURIComponent(target)}`;\n"]],
    firstFailure: "framework.params",
    says: /^For GET \/search\?q=a\+b%26c&tag=\w+&tag=x, the body differs: your server sent "\{\\"q\\":\\"a b\\",/,
  },
  {
    name: "15-headers-set",
    phase: 15,
    base: ts(15),
    mistake: "puts each field line into the Headers with set(), not append(), so of two X-Tag lines only the last reaches the app",
    patch: [[FIELDS_TS, "  const headers = new Headers();\n  for (const [name, value] of head.fields) headers.set(name, value);\n"]],
    firstFailure: "framework.headers",
    says: /^For GET \/headers, the body differs: your server sent "\{\\"tag\\":\\"second\\",.*, the app sends "\{\\"tag\\":\\"first, second\\",/,
  },
  {
    name: "15-post-body-dropped",
    phase: 15,
    base: ts(15),
    mistake: "gives the Request no body: the app reads an empty body for every POST",
    patch: [
      [
        CARRIES_BODY_TS + "  return new Request(url, { method, headers, body: carriesBody ? body : null });\n",
        "  // The body was read off the wire already.\n  return new Request(url, { method, headers });\n",
      ],
    ],
    firstFailure: "framework.post",
    says: /^For POST \/echo \(\d+ bytes\), your server answered 400, where the app answers 201/,
  },
  {
    name: "15-chunked-body-dropped",
    phase: 15,
    base: ts(15),
    mistake: "gives the Request its body only when the head says a Content-Length, so a chunked body, read whole by phase 14's code, never reaches the app",
    patch: [[CARRIES_BODY_TS, '  const carriesBody = body !== null && method !== "GET" && method !== "HEAD" && head.headers["content-length"] !== undefined;\n']],
    firstFailure: "framework.post",
    says: /^For POST \/echo \(chunked\), your server answered 400, where the app answers 201/,
  },
  {
    name: "15-fields-type-only",
    phase: 15,
    base: ts(15),
    mistake: "writes only the app's Content-Type and cookies (the fields its own answers had), so a redirect loses its Location",
    patch: [[APP_FIELDS_TS, '  const type = headers.get("content-type");\n  if (type !== null) fields.push(["content-type", type]);\n']],
    firstFailure: "framework.redirect",
    says: /^For GET \/old, the field Location differs: your server sent nothing, the app sends "\/"/,
  },
  {
    name: "15-cookies-joined",
    phase: 15,
    base: ts(15),
    mistake: 'writes Set-Cookie as headers.get("set-cookie") gives it: the two cookies joined with ", " on one line',
    patch: [[COOKIES_TS, '  const cookies = headers.get("set-cookie");\n  if (cookies !== null) fields.push(["set-cookie", cookies]);\n']],
    firstFailure: "framework.cookies",
    says: /^For GET \/login, the app set 2 cookies, and your server sent them joined into one Set-Cookie line/,
  },
  {
    name: "15-body-read-whole",
    phase: 15,
    base: ts(15),
    mistake: "reads the app's body to its end (await response.arrayBuffer()) before it sends any of it, so /stream's parts come together at the end",
    patch: [
      [
        SEND_BODY_TS,
        "  // The whole body, then out in one piece.\n  const bytes = new Uint8Array(await response.arrayBuffer());\n  socket.write(framing.end === \"chunked\" ? Buffer.concat([chunk(bytes), chunk(new Uint8Array(0))]) : bytes);\n  return keep;\n",
      ],
    ],
    firstFailure: "framework.stream",
    says: /^For GET \/stream, the app's three parts came together \(\d+ ms from the first body bytes to the last\), where the app makes them over 200 ms/,
  },
  {
    name: "15-head-as-get",
    phase: 15,
    base: ts(15),
    mistake: "asks the app with GET for a HEAD (as its own router did since phase 6) and sends the body the app gives back",
    patch: [
      [
        "  return new Request(url, { method, headers, body: carriesBody ? body : null });\n",
        '  // The app has GET routes: HEAD is a GET whose body is not wanted.\n  return new Request(url, { method: method === "HEAD" ? "GET" : method, headers, body: carriesBody ? body : null });\n',
      ],
      ['  if (method === "HEAD" || status === 204 || status === 304 || response.body === null) {\n', "  if (status === 204 || status === 304 || response.body === null) {\n"],
    ],
    // framework.head reads a HEAD's answer to the end of its head and looks no further: the body
    // after it is met only on a kept connection, as the start of the next answer.
    firstFailure: "framework.head",
    says: /^For HEAD \/, the response is not valid HTTP\/1\.1: \d+ bytes came after the head of a response to HEAD/,
  },
  {
    name: "15-head-without-fields",
    phase: 15,
    base: ts(15),
    mistake: "leaves the app's fields out of the answer to HEAD (no body follows, so it thinks there is nothing to describe): Content-Type is lost",
    patch: [
      [
        '  socket.write(responseHead(status, [...appFields(response.headers), ...framing.fields], endsWithClose ? "close" : connection));\n',
        '  // HEAD gets no body: no fields about one.\n  const described = method === "HEAD" ? [] : appFields(response.headers);\n  socket.write(responseHead(status, [...described, ...framing.fields], endsWithClose ? "close" : connection));\n',
      ],
    ],
    firstFailure: "framework.head",
    says: /^For HEAD \/, the field Content-Type differs: your server sent nothing, the app sends "text\/plain; charset=UTF-8"/,
  },
  {
    name: "15-204-with-length",
    phase: 15,
    base: ts(15),
    mistake: "frames a 204 as any empty body, with Content-Length: 0",
    patch: [["  // 204 never has a body, and says neither a length nor chunked (RFC 9110 §8.6, RFC 9112 §6.1, MUST NOT).\n  if (status === 204) return { fields: [], end: 0 };\n", ""]],
    firstFailure: "framework.no-content",
    says: /^For GET \/empty, [Tt]he response is not valid HTTP\/1\.1: a 204 response carries Content-Length, which it may not/,
  },
  {
    name: "15-crash-kills-server",
    phase: 15,
    base: ts(15),
    mistake: "asks the app without a try: when app.fetch rejects, the rejection is never handled, and Node ends the whole server",
    patch: [[ASK_APP_TS, "  const response = await app.fetch(fetchRequest);\n"]],
    firstFailure: "framework.errors",
    says: /^Answer 1 \(for GET \/crash\): no whole answer came; the server closed the connection/,
  },
  {
    name: "15-length-twice",
    phase: 15,
    base: ts(15),
    mistake: "passes on every field of the app, its Content-Length too, beside the one it writes itself: a file's answer says Content-Length twice",
    patch: [['const SERVERS_OWN = new Set(["date", "server", "connection", "keep-alive", "transfer-encoding", "content-length"]);', 'const SERVERS_OWN = new Set(["date", "server", "connection", "keep-alive", "transfer-encoding"]);']],
    firstFailure: "framework.static",
    says: /^For GET \/static\/hello\.txt, [Tt]he response is not valid HTTP\/1\.1: Content-Length 121 is given 2 times; it is sent once/,
  },
  {
    name: "15-length-in-characters",
    phase: 15,
    base: ts(15),
    mistake: "reads the app's body as text (await response.text()) and says its length in characters, so a body with ü in it is cut short",
    patch: [
      [
        "  const framing = framingFor(response, method, version);\n",
        '  // The body as text: its length is known before the head, so no chunks are needed.\n  const text = method === "HEAD" || status === 204 || status === 304 ? "" : await response.text();\n  const framing: AnswerFraming = status === 204 ? { fields: [], end: 0 } : { fields: [["Content-Length", String(text.length)]], end: text.length };\n',
      ],
      [SEND_BODY_TS, "  socket.write(text);\n  return keep;\n"],
    ],
    firstFailure: "framework.params",
    says: /^For GET \/users\/J%C3%BCrgen, the response is not valid HTTP\/1\.1: Content-Length says 58, but the body is 59 bytes: 58 is its length in characters/,
    // curl (client.curl-app) leaves the byte the length did not count unread, or reads it, as timing
    // has it: the server then sees a reset or a FIN, and prints one or the other.
    volatile: true,
  },
  {
    name: "15-close-delimited",
    phase: 15,
    base: ts(15),
    mistake: "ends every body of unknown length with the close, for HTTP/1.1 too (never in chunks), so no connection outlives an answer of the app",
    patch: [[UNKNOWN_LENGTH_TS, "  // Not known yet: the body ends with the connection (RFC 9112 §6.3).\n  return { fields: [], end: \"close\" };\n"]],
    firstFailure: "framework.kept",
    says: /^Answer 2 \(for POST \/echo \(\d+ bytes\)\): no whole answer came; the server closed the connection/,
  },
  {
    name: "py-15-fields-joined-with-semicolon",
    phase: 15,
    base: py(15),
    mistake: 'joins two lines of one field with "; " (as a Cookie field lists cookies), not with ", "',
    patch: [['        environ[key] = f"{environ[key]}, {value}" if key in environ else value\n', '        environ[key] = f"{environ[key]}; {value}" if key in environ else value\n']],
    firstFailure: "framework.headers",
    says: /^For GET \/headers, the body differs: your server sent "\{\\"tag\\":\\"first; second\\",/,
  },
  {
    name: "py-15-fields-in-a-dict",
    phase: 15,
    base: py(15),
    mistake: "puts the app's fields in a dict (name to value) before writing them, so of two Set-Cookie only the last is left",
    patch: [['        lines += [f"{name}: {value}" for name, value in self.headers]\n', '        lines += [f"{name}: {value}" for name, value in dict(self.headers).items()]\n']],
    firstFailure: "framework.cookies",
    says: /^For GET \/login, the field Set-Cookie differs: your server sent "theme=dark; Path=\/", the app sends "session=abc; Path=\/; HttpOnly", "theme=dark; Path=\/"/,
  },
  {
    name: "py-15-crash-closes",
    phase: 15,
    base: py(15),
    mistake: "closes the connection without a word when the app raises before its answer began, where a 500 is owed and the connection could go on",
    patch: [
      [
        '        status, body, content_type, extra_headers = error_page("500 Internal Server Error")\n        send_body = environ["REQUEST_METHOD"] != "HEAD"\n        page = generate_response(body, status, content_type, extra_headers, send_body, connection)\n        client_connection.sendall(page)\n        return connection\n',
        '        return "close"\n',
      ],
    ],
    firstFailure: "framework.errors",
    says: /^Answer 1 \(for GET \/crash\): no whole answer came; the server closed the connection/,
  },
  {
    name: "py-15-204-with-length",
    phase: 15,
    base: py(15),
    mistake: "forgets that a 204 has no body: it gets Content-Length: 0, as any empty body does",
    patch: [["        no_content = code < 200 or code in (204, 304)  # these never have a body (RFC 9110 §6.4.1)\n", "        no_content = code < 200 or code == 304  # these never have a body\n"]],
    firstFailure: "framework.no-content",
    says: /^For GET \/empty, [Tt]he response is not valid HTTP\/1\.1: a 204 response carries Content-Length, which it may not/,
    twin: "15-204-with-length",
  },
];
