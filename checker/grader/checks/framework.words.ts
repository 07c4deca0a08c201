/**
 * The words of phase 15 (framework): the checks' titles and hints, and their findings. Part of the
 * catalog in ../../text.ts (a translation translates this file with it; see there).
 */

import { check } from "./check-words.ts";

/** Phase 15 (checks/framework.ts). */
export const frameworkWords = {
  noApp: (file: string) => `${file} does not export the app (export const app = new Hono()): the checker runs the same app beside your server.`,
  appFailed: (file: string, reason: string) => `The app could not be started beside your server (${file}): ${reason}`,
  appSilent: (label: string) => `The app under @hono/node-server did not answer ${label}: the checker cannot compare (is app.ts as the lab shipped it?).`,
  forRequest: (label: string) => `For ${label},`,
  forAnswer: (n: number, label: string) => `Answer ${n} (for ${label}):`,
  noAnswer: (open: boolean, seconds: number) => (open ? `no whole answer came within ${seconds} s (the connection was still open).` : "no whole answer came; the server closed the connection."),
  statusDiffers: (mine: number | null, app: number | null) => `your server answered ${mine ?? "no status"}, where the app answers ${app ?? "no status"} (under @hono/node-server).`,
  fieldDiffers: (field: string, mine: string, app: string) => `the field ${field} differs: your server sent ${mine}, the app sends ${app} (under @hono/node-server).`,
  cookiesJoined: (count: number) => `the app set ${count} cookies, and your server sent them joined into one Set-Cookie line: a cookie's Expires holds a comma, so a client cannot split them again. Each goes on its own line.`,
  bodyDiffers: (mine: string, app: string) => `the body differs: your server sent ${mine}, the app sends ${app} (under @hono/node-server).`,
  appAnswerNote: "what the same app answers to the same bytes under @hono/node-server",
  notAnAnswer: (bytes: number, before: number, problem: string | null) =>
    `where this answer should start, ${bytes} bytes came that start no answer: answer ${before} ran on past its end${problem ? ` (read alone: ${problem.charAt(0).toLowerCase()}${problem.slice(1).replace(/\.$/, "")})` : ""}.`,
  bytesAfter: (bytes: number) => `${bytes} bytes came after the answer's end, that no request asked for: a client takes them for the start of the next answer.`,
  headLength: (length: string, get: number) => `the answer to HEAD says Content-Length: ${length}, where the GET's body is ${get} bytes: a HEAD's Content-Length, when there is one, is the GET's.`,
  none: "nothing",
  emptyBody: "no body",
  sameExpected: "what the same app answers under @hono/node-server: the same status, the same fields (Date, Server and the framing aside) and the same body bytes",
  crashExpected: "500 when the app's fetch throws, then the next request on the same connection answered as the app answers it",
  keptExpected: "five answers on one connection, each the app's, one after the other",
  pipelinedExpected: "five answers to five requests sent in one write, in order, each the app's",
  streamAllAtOnce: (gapMs: number, appMs: number) =>
    `For GET /stream, the app's three parts came together (${gapMs} ms from the first body bytes to the last), where the app makes them over ${appMs} ms: your server read the whole body before it sent any of it.`,
  streamExpected: "the app's parts sent as the app makes them, each as a chunk, 100 ms apart",
  streamHint: "Send each piece as the body's reader hands it over: write it as a chunk at once, and read the next only then (sendBody's loop).",
  curlFailed: (client: string, target: string, reason: string) => `${client} could not read GET ${target} from your server: ${reason}`,
  curlNoHead: "curl showed no whole head.",
  forCurl: (client: string, target: string) => `${client} -i read GET ${target} from your server, and`,
  fetchFailed: (reason: string) => `fetch failed: ${reason}`,
  clientDiffers: (client: string, label: string, mine: string, app: string) => `${client} read ${label} from your server as ${mine}, and from the app under @hono/node-server as ${app}.`,
};

/** Each check's title and hints: a nudge first, then the near-answer. */
export const frameworkChecks = {
  "framework.hello": check("GET / reaches the app, and its answer comes back as the app made it", [
    "Build a Request from the parsed request (method, http://<Host><target>, the fields, the body), ask app.fetch, and write the Response back.",
    "Build the Request in toRequest (TODO 1) and ask the app with it in handleRequest (TODO 2): writeResponse then writes what the app answered.",
  ]),
  "framework.params": check("route parameters and the query string reach the app", [
    "The app reads the path and the query from request.url: build it from the target as it came, without decoding it yourself.",
    "In toRequest, the URL is http:// and the Host field and the target unchanged, since Hono decodes the path and the query itself (TODO 1).",
  ]),
  "framework.headers": check("request fields reach the app; two lines of one name read as one list", [
    "Every field line goes into the Request's Headers, in order: append, not set, so that two X-Tag lines read as first, second.",
    "In toRequest, append each of the head's field lines to the Headers, one call each (TODO 1).",
  ]),
  "framework.post": check("a POST's body reaches the app, by Content-Length or chunked", [
    "The body your server read (phase 10's Content-Length, phase 14's chunked) is the Request's body.",
    "In toRequest, give the Request the body your server read for a method that has one, and none for GET and HEAD (TODO 1).",
  ]),
  "framework.redirect": check("a redirect: the app's status and Location", [
    "A redirect is the app's status (301) and its Location field: both go on the wire as the app made them.",
    "In appFields, keep every field the Response holds, Location included (TODO 3).",
  ]),
  "framework.cookies": check("two cookies: two Set-Cookie lines", [
    "Set-Cookie is the one field whose lines must stay apart: a cookie's Expires holds a comma, so joined values cannot be split again.",
    "In appFields, write one Set-Cookie line for each value response.headers.getSetCookie() gives (TODO 3).",
  ]),
  "framework.stream": check("a streamed answer: chunked as it comes (HTTP/1.1), to the close (HTTP/1.0)", [
    "A Response whose body is a stream has no Content-Length: its pieces go out in chunks as they come, as phase 14's /stream did.",
    "In framingFor, a body without the app's Content-Length is chunked for HTTP/1.1 and ends with the close for HTTP/1.0 (TODO 4).",
  ]),
  "framework.head": check("HEAD: the app's fields, and no body", [
    "The app answers HEAD with the head of its GET and no body: your server sends the head alone.",
    "In framingFor, an answer to HEAD has no body, whatever the Response holds (TODO 4).",
  ]),
  "framework.no-content": check("204 and the app's own 404", [
    "A 204 has no body and no framing fields; a 404 is the app's answer like any other.",
    "In framingFor, 204 comes first, with no body and no Content-Length (TODO 4).",
  ]),
  "framework.errors": check("the app's 500, and a crash answered 500 with the connection going on", [
    "app.fetch may throw: the request was read whole, so the connection can go on after a 500 of your own.",
    "In handleRequest, ask the app inside a try, and answer 500 in its catch after logging the error (TODO 2).",
  ]),
  "framework.static": check("a file the app serves, byte for byte", [
    "The app reads the file and answers with its bytes and its Content-Length: your server passes them on as they are.",
    "In framingFor, the app's own Content-Length frames the body, whose bytes go out as they come, never turned into text (TODO 4).",
  ]),
  "framework.kept": check("the app's answers on one connection, and in a pipeline", [
    "After each answer, the connection goes on: the next request is read where the last one ended.",
    "Answer each request whole, the app's body written to its end, before the next one's answer starts (phase 12's order).",
  ]),
  "client.curl-app": check("curl reads your server as it reads @hono/node-server", [
    "curl -i shows the status, every field and the body it decoded: cookies on their own lines, the stream joined, the file's bytes.",
    "Try curl -si against your server and against the app under @hono/node-server, and compare.",
  ]),
  "client.fetch-app": check("Node's fetch reads your server as it reads @hono/node-server", [
    "fetch reads the status, the fields (cookies apart) and the body: each must be the app's.",
    "Try the same fetch against your server and against the app under @hono/node-server, and compare.",
  ]),
};
