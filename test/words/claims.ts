/**
 * What the lessons say about the untouched skeleton: what it answers, and where the checker stops
 * on it. Each claim quotes its lesson word for word (line ends and runs of spaces read as one
 * space), and its probe starts the untouched skeleton over real sockets, calls its exports as the
 * checker does, or grades it with the real checker, and says whether the claim holds and what it saw.
 *
 * Claims about the skeleton that the untouched skeleton cannot show (it does not listen yet, or
 * never reaches the code the claim is about) are not here: lesson 1's "The skeleton already
 * listens for "error"" and "reads process.env.PORT", lesson 2's "caps the head at MAX_HEAD_BYTES",
 * lesson 6's "wraps each request in a try/catch", lesson 7's "parseHeaders does this part for
 * you", lesson 9's "finds the folder from import.meta.url", "as the skeleton does until TODO 4"
 * (readFile) and "The skeleton already does this part" (HEAD and 405 of a file).
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { phases, studentFile } from "../../checker/manifest.ts";
import { ModuleCaller } from "../../checker/grader/module-caller.ts";
import type { CheckResult, Phase } from "../../checker/types.ts";
import { ask, get, shown, type Answer, type Running } from "./claims-kit.ts";
import type { Verdicts } from "./grade.ts";
import { ROOT } from "./sources.ts";

export interface ProbeContext {
  phase: Phase;
  /** Starts the untouched skeleton of this phase (or another phase's file); stopped after the probe. */
  start(env?: Record<string, string>, other?: { phase: Phase; file: string }): Promise<Running>;
  /** The checker's verdicts on the untouched skeleton. */
  verdicts(): Promise<Verdicts>;
}

export interface Verdict {
  holds: boolean;
  saw: string;
}

export interface Claim {
  phase: number;
  /** The lesson's words. */
  quote: string;
  /** What the probe does, in a few words. */
  probes: string;
  probe(context: ProbeContext): Promise<Verdict>;
}

function phase(number: number): Phase {
  return phases.find((each) => each.number === number)!;
}

function firstProblem(verdicts: Verdicts): CheckResult | undefined {
  return [...verdicts.values()].find((result) => result.status === "fail" || result.status === "error");
}

function describeResult(result: CheckResult | undefined): string {
  return result ? `${result.number} ${result.id}: ${result.status}: ${result.finding?.message.split("\n")[0] ?? ""}` : "no check failed";
}

/** The first check that does not pass is `number`, and its message says `says`. */
function failsFirst(number: string, says: string | RegExp): (context: ProbeContext) => Promise<Verdict> {
  return async ({ verdicts }) => {
    const first = firstProblem(await verdicts());
    const message = first?.finding?.message ?? "";
    const said = typeof says === "string" ? message.includes(says) : says.test(message);
    return { holds: first?.number === number && said, saw: `first failure: ${describeResult(first)}` };
  };
}

function isAbout(answer: Answer): boolean {
  return answer.status === 200 && answer.body.startsWith("<h1>About</h1>");
}

export const CLAIMS: Claim[] = [
  {
    phase: 1,
    quote: "On the untouched skeleton, the first check stops everything: *Your server exited (code 0) without ever listening on a port.*",
    probes: "grades the skeleton: 1.1 is the first failure, says so, and every later check is not run",
    async probe({ verdicts }) {
      const all = [...(await verdicts()).values()];
      const first = firstProblem(new Map(all.map((each) => [each.number, each])));
      const rest = all.filter((each) => each !== first);
      const holds = first?.number === "1.1" && (first.finding?.message ?? "").includes("Your server exited (code 0) without ever listening on a port.") && rest.every((each) => each.status === "skip");
      return { holds, saw: `first failure: ${describeResult(first)}; then ${rest.map((each) => `${each.number} ${each.status}`).join(", ")}` };
    },
  },
  {
    phase: 2,
    quote: "The untouched skeleton prints `GET /sl` and hangs up.",
    probes: "sends the first piece, GET /sl, alone: the skeleton prints it and closes the connection",
    async probe({ start }) {
      const { port, server } = await start();
      const mark = server.mark();
      // Bound: a server that waits for the rest of the head keeps the connection open; 2 s is far
      // more than a close takes on 127.0.0.1.
      const answer = await ask(port, "GET /sl", 2000);
      const printed = await server.waitForOutput(mark, (line) => line.includes("GET /sl"), 2000);
      return { holds: answer.ending === "server-closed" && printed, saw: `the connection: ${answer.ending}; printed GET /sl: ${printed}` };
    },
  },
  {
    phase: 2,
    quote: 'On the untouched skeleton the first failure is 2.2: `parseRequest("GET / HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n") returned "".`',
    probes: "grades the skeleton: the first failure is 2.2, with those words",
    probe: failsFirst("2.2", 'parseRequest("GET / HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n") returned "".'),
  },
  {
    phase: 3,
    quote: "On the untouched skeleton, 3.2 fails first: `generateResponse(...) returned nothing: an empty Buffer (0 bytes)`",
    probes: "grades the skeleton: the first failure is 3.2, with those words",
    probe: failsFirst("3.2", /^generateResponse\(.*\) returned nothing: an empty Buffer \(0 bytes\)/),
  },
  {
    phase: 4,
    quote: 'On the untouched skeleton, 4.2 fails first: *The page for / does not say "This page has been accessed N times."*',
    probes: "grades the skeleton: the first failure is 4.2, with those words",
    probe: failsFirst("4.2", 'The page for / does not say "This page has been accessed N times."'),
  },
  {
    phase: 5,
    quote: "The untouched skeleton passes 5.1 to 5.6 and fails 5.7.",
    probes: "grades the skeleton: 5.1 to 5.6 pass, 5.7 fails",
    async probe({ verdicts }) {
      const all = await verdicts();
      const passes = ["5.1", "5.2", "5.3", "5.4", "5.5", "5.6"].every((number) => all.get(number)?.status === "pass");
      return { holds: passes && all.get("5.7")?.status === "fail", saw: [...all.values()].slice(0, 7).map((each) => `${each.number} ${each.status}`).join(", ") };
    },
  },
  {
    phase: 5,
    quote: "The skeleton works, but one client at a time: a second visitor waits 5 s for the first, then 5 s for their own page.",
    probes: "two clients at once, SLOW_MS=400: both get the page, the second one SLOW_MS after the first",
    async probe({ start }) {
      const slowMs = 400;
      const { port } = await start({ SLOW_MS: String(slowMs) });
      const answers = await Promise.all([ask(port, get("/")), ask(port, get("/"))]);
      const [first, second] = answers.sort((a, b) => a.ms - b.ms) as [Answer, Answer];
      // One at a time: the second answer comes a whole SLOW_MS after the first (load only adds to it).
      const holds = answers.every((answer) => answer.status === 200) && second.ms - first.ms >= 0.9 * slowMs;
      return { holds, saw: `answers after ${Math.round(first.ms)} ms and ${Math.round(second.ms)} ms (${shown(first)}; ${shown(second)})` };
    },
  },
  {
    phase: 6,
    quote: "Your server knows one page and answers 404 to everything else.",
    probes: "GET / is the counter page, GET /about and GET /nope are 404",
    async probe({ start }) {
      const { port } = await start();
      const root = await ask(port, get("/"));
      const about = await ask(port, get("/about"));
      const nope = await ask(port, get("/nope"));
      return {
        holds: root.status === 200 && root.body.includes("This page has been accessed") && about.status === 404 && nope.status === 404,
        saw: `GET /: ${shown(root)}; GET /about: ${shown(about)}; GET /nope: ${shown(nope)}`,
      };
    },
  },
  {
    phase: 6,
    quote: "The untouched skeleton answers as phase 5 did: the counter on `/`, and 404 for every other path, `/about` included.",
    probes: "GET / twice counts 1 and 2; GET /about, GET /hello/ana and GET /nope are 404 with phase 5's page",
    async probe({ start }) {
      const { port } = await start();
      const first = await ask(port, get("/"));
      const second = await ask(port, get("/"));
      const others = [await ask(port, get("/about")), await ask(port, get("/hello/ana")), await ask(port, get("/nope"))];
      const counts = first.body === "<h1>This page has been accessed 1 times.</h1>" && second.body === "<h1>This page has been accessed 2 times.</h1>";
      return {
        holds: counts && others.every((answer) => answer.status === 404 && answer.body === "<h1>404 Not Found</h1>"),
        saw: `GET / twice: ${shown(first)}, ${shown(second)}; /about, /hello/ana, /nope: ${others.map(shown).join(", ")}`,
      };
    },
  },
  {
    phase: 6,
    quote: 'On the untouched skeleton, 6.2 fails first: `dispatch("GET", "/about") returned nothing: an empty response.`',
    probes: "grades the skeleton: the first failure is 6.2, with those words",
    probe: failsFirst("6.2", 'dispatch("GET", "/about") returned nothing: an empty response.'),
  },
  {
    phase: 7,
    quote: "Your server reads the request line and ignores everything below it.",
    probes: "GET /about with a malformed field line, and HTTP/1.1 without Host, still get the about page",
    async probe({ start }) {
      const { port } = await start();
      const malformed = await ask(port, "GET /about HTTP/1.1\r\nHost : x\r\nX Lab: 1\r\n\r\n");
      const noHost = await ask(port, "GET /about HTTP/1.1\r\n\r\n");
      return { holds: isAbout(malformed) && isAbout(noHost), saw: `malformed field: ${shown(malformed)}; no Host: ${shown(noHost)}` };
    },
  },
  {
    phase: 7,
    quote: "The untouched skeleton serves phase 6's pages without Date or Server, and answers 404 to `/user-agent` and `/headers`.",
    probes: "GET /about and GET /hello/ana answer 200 without Date and Server; /user-agent and /headers are 404",
    async probe({ start }) {
      const { port } = await start();
      const about = await ask(port, get("/about"));
      const hello = await ask(port, get("/hello/ana"));
      const agent = await ask(port, get("/user-agent"));
      const headers = await ask(port, get("/headers"));
      const bare = (answer: Answer): boolean => !answer.fields.has("date") && !answer.fields.has("server");
      const holds = isAbout(about) && hello.status === 200 && hello.body === "Hello, ana!" && bare(about) && bare(hello) && agent.status === 404 && headers.status === 404;
      const fields = (answer: Answer): string => [...answer.fields.keys()].join(", ");
      return { holds, saw: `/about: ${shown(about)} [${fields(about)}]; /hello/ana: ${shown(hello)} [${fields(hello)}]; /user-agent: ${shown(agent)}; /headers: ${shown(headers)}` };
    },
  },
  {
    phase: 7,
    quote: "Phase 6's solution, your skeleton, already finds the heads over the limit, and closes them without a word.",
    probes: "a 16 KiB head is served; a head of 40 KiB, ended or not, is closed without a word",
    async probe({ start }) {
      const { port } = await start();
      const filler = (kib: number): string => "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(kib * 16);
      const served = await ask(port, `GET /about HTTP/1.1\r\nHost: x\r\n${filler(15)}\r\n`);
      // Bound: a server that holds a head that has not ended keeps the connection open; one that
      // closes does so as soon as it has read the bytes, well within 1.5 s on 127.0.0.1.
      const unended = await ask(port, `GET / HTTP/1.1\r\nHost: x\r\n${filler(40)}`, 1500);
      const ended = await ask(port, `GET / HTTP/1.1\r\nHost: x\r\n${filler(40)}\r\n`, 1500);
      const silent = (answer: Answer): boolean => answer.ending !== "open" && answer.received.length === 0;
      return {
        holds: isAbout(served) && silent(unended) && silent(ended),
        saw: `16 KiB: ${shown(served)}; 40 KiB without an end: ${shown(unended)}; 40 KiB with its end: ${shown(ended)}`,
      };
    },
  },
  {
    phase: 8,
    quote: "Ask your server for `/hello/J%C3%BCrgen`, and it greets `J%C3%BCrgen`: it hands back the path as it came, escapes and all.",
    probes: "GET /hello/J%C3%BCrgen answers Hello, J%C3%BCrgen!",
    async probe({ start }) {
      const { port } = await start();
      const answer = await ask(port, get("/hello/J%C3%BCrgen"));
      return { holds: answer.status === 200 && answer.body === "Hello, J%C3%BCrgen!", saw: shown(answer) };
    },
  },
  {
    phase: 9,
    quote: "The untouched skeleton gets `null` back for every path, so it answers 404 for every file.",
    probes: "every file of phases/9-static/public (the default root) is 404",
    async probe({ start }) {
      const { port } = await start();
      const files = filesUnder(path.join(ROOT, "phases/9-static/public"));
      const answers = await Promise.all(files.map((file) => ask(port, get(`/${file.split("/").map(encodeURIComponent).join("/")}`))));
      const served = files.map((file, index) => ({ file, answer: answers[index]! })).filter(({ answer }) => answer.status !== 404);
      return { holds: served.length === 0, saw: served.length === 0 ? `all ${files.length} files: 404` : `not 404: ${served.map(({ file, answer }) => `${file}: ${shown(answer)}`).join("; ")}` };
    },
  },
  {
    phase: 9,
    quote: "The untouched skeleton answers its routes as in phase 8, and 404 for every file.",
    probes: "each route of phase 8 gets the same status, Content-Type and body from the skeleton and from phase 8's solution; /index.html is 404",
    async probe({ start }) {
      const skeleton = await start();
      const eight = await start({}, { phase: phase(8), file: path.join(ROOT, phase(8).solution) });
      const targets = ["/", "/about", "/hello/J%C3%BCrgen", "/hello/a%2Fb", "/search?q=caf%C3%A9+au+lait&tag=a&tag=b", "/user-agent", "/headers", "/hello/%zz", "/about?x=1"];
      const differ: string[] = [];
      for (const target of targets) {
        const [mine, theirs] = [await ask(skeleton.port, get(target)), await ask(eight.port, get(target))];
        const same = mine.status === theirs.status && mine.fields.get("content-type") === theirs.fields.get("content-type") && mine.body === theirs.body;
        if (!same) differ.push(`${target}: skeleton ${shown(mine)}, phase 8 ${shown(theirs)}`);
      }
      const index = await ask(skeleton.port, get("/index.html"));
      return { holds: differ.length === 0 && index.status === 404, saw: `${differ.length === 0 ? `the ${targets.length} routes answer as phase 8's` : differ.join("; ")}; /index.html: ${shown(index)}` };
    },
  },
  {
    phase: 11,
    quote: "On the untouched skeleton, the check of `persistent` fails first: it returns `false` for everything, and `persistent(\"HTTP/1.1\", undefined)` must be `true`.",
    probes: "grades the skeleton: the first failure is 11.2, persistent(\"HTTP/1.1\") returned false",
    probe: failsFirst("11.2", 'persistent("HTTP/1.1") returned false.'),
  },
  {
    phase: 11,
    quote: "Untouched, it closes the connection after every answer, as phase 10 does.",
    probes: "two requests on one connection: the first answered with Connection: close, then the close, the second unanswered",
    async probe({ start }) {
      const { port } = await start();
      const answer = await ask(port, get("/about"));
      return { holds: answer.status === 200 && /\bclose\b/i.test(answer.fields.get("connection") ?? "") && answer.ending === "server-closed", saw: shown(answer) };
    },
  },
  {
    phase: 12,
    quote: "On the untouched skeleton, the check of three requests in one write fails first: 1 of the 3 requests got an answer.",
    probes: "grades the skeleton: the first failure is 12.3, with those words",
    probe: failsFirst("12.3", "1 of the 3 requests got an answer"),
  },
  {
    phase: 13,
    quote: "On the untouched skeleton, the check of `acceptsGzip` fails first",
    probes: "grades the skeleton: the first failure is 13.3, acceptsGzip(\"gzip\") returned false",
    probe: failsFirst("13.3", 'acceptsGzip("gzip") returned false'),
  },
  {
    phase: 13,
    quote: "Untouched, it passes phase 12's checks and never compresses anything.",
    probes: "a 6 KiB JSON echo asked for with Accept-Encoding: gzip comes back as it is, without Content-Encoding",
    async probe({ start }) {
      const { port } = await start();
      const body = JSON.stringify({ items: Array.from({ length: 300 }, (_, id) => ({ id, word: "gzip me" })) });
      const request = `POST /api/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n${body}`;
      const answer = await ask(port, request);
      return { holds: answer.status === 200 && !answer.fields.has("content-encoding") && answer.body === body, saw: `${shown(answer).slice(0, 60)} content-encoding: ${answer.fields.get("content-encoding") ?? "none"}` };
    },
  },
  {
    phase: 14,
    quote: "On the untouched skeleton, the check of `chunk` fails first",
    probes: "grades the skeleton: the first failure is 14.3, chunk(Buffer.from(\"hello\")) returned \"hello\"",
    probe: failsFirst("14.3", 'chunk(Buffer.from("hello")) returned "hello"'),
  },
  {
    phase: 14,
    quote: "Untouched, `/stream` is a 404, `chunk` returns the data without its frame, and every chunked request body gets 501, as in phase 13.",
    probes: "GET and HEAD /stream (with a query too) are 404; chunk(hello) and chunk(empty), called as the checker calls them, give the bytes back as they were; a chunked POST to /api/echo and /api/form gets 501 and the close from the skeleton and from phase 13's solution",
    async probe({ phase: fourteen, start }) {
      const skeleton = await start();
      const thirteen = await start({}, { phase: phase(13), file: path.join(ROOT, phase(13).solution) });
      const close = "Connection: close\r\n";
      const streams = [await ask(skeleton.port, get("/stream", close)), await ask(skeleton.port, get("/stream?n=2&ms=0", close)), await ask(skeleton.port, `HEAD /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n${close}\r\n`)];
      const caller = new ModuleCaller(path.join(ROOT, studentFile(fourteen)), undefined, ROOT);
      const frames: string[] = [];
      let unframed = true;
      try {
        for (const data of [Buffer.from("hello"), Buffer.alloc(0)]) {
          const outcome = await caller.call("chunk", [data]);
          const same = outcome.kind === "value" && Buffer.isBuffer(outcome.value) && outcome.value.equals(data);
          unframed &&= same;
          frames.push(`chunk(${JSON.stringify(data.toString())}): ${outcome.kind === "value" ? JSON.stringify(Buffer.isBuffer(outcome.value) ? outcome.value.toString("latin1") : outcome.value) : outcome.kind}`);
        }
      } finally {
        caller.stop();
      }
      const posts = [
        ["/api/echo", "application/json", "2\r\n{}\r\n0\r\n\r\n"],
        ["/api/form", "application/x-www-form-urlencoded", "3\r\na=b\r\n0\r\n\r\n"],
      ].map(([target, type, body]) => `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
      const refused = (answer: Answer): boolean => answer.status === 501 && /\bclose\b/i.test(answer.fields.get("connection") ?? "") && answer.ending === "server-closed";
      const mine = await Promise.all(posts.map((request) => ask(skeleton.port, request)));
      const theirs = await Promise.all(posts.map((request) => ask(thirteen.port, request)));
      const holds = streams.every((answer) => answer.status === 404) && unframed && [...mine, ...theirs].every(refused);
      return {
        holds,
        saw: `/stream: ${streams.map((answer) => answer.status).join(", ")}; ${frames.join(", ")}; chunked POSTs: skeleton ${mine.map(shown).join(", ")}, phase 13 ${theirs.map(shown).join(", ")}`,
      };
    },
  },
  {
    phase: 15,
    quote: "Untouched, it never asks the app: every request gets a 501 whose body says",
    probes: "GET /, GET /users/1 and a POST /echo to the untouched skeleton each get 501 with that body and Connection: close",
    async probe({ start }) {
      const { port } = await start();
      const body = "Not implemented yet: this server does not ask the app (TODO 2).\n";
      const answers = [
        await ask(port, get("/")),
        await ask(port, get("/users/1")),
        await ask(port, 'POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}'),
      ];
      const holds = answers.every((answer) => answer.status === 501 && answer.body === body && /\bclose\b/i.test(answer.fields.get("connection") ?? ""));
      return { holds, saw: answers.map(shown).join(" | ") };
    },
  },
  {
    phase: 15,
    quote: "On the untouched skeleton the first check fails: for `GET /`, your server answered 501, where",
    probes: "grades the skeleton: the first failure is 15.2, with those words",
    probe: failsFirst("15.2", "For GET /, your server answered 501, where the app answers 200"),
  },
];

/** The files under a folder, as paths relative to it ("docs/index.html"). */
function filesUnder(root: string, under = ""): string[] {
  return readdirSync(path.join(root, under))
    .sort()
    .flatMap((name) => {
      const relative = under ? `${under}/${name}` : name;
      return statSync(path.join(root, relative)).isDirectory() ? filesUnder(root, relative) : [relative];
    });
}
