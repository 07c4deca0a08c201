/**
 * npm run bench:connection-close: which real clients break when a server closes the connection
 * after each response without saying `Connection: close`, measured on this machine.
 *
 * A script that prints figures, not a test: the answer depends on the client and its version (that
 * is the point), so lesson 3 and check 3.11 quote what this prints on each supported Node line.
 * On every supported Node line: `bash .ci/each-node npm run bench:connection-close`; the Python,
 * curl and Chromium rows do not depend on Node.
 *
 * Two tiny servers on 127.0.0.1, each a process of its own that closes after every response as a
 * phase-3 server does (socket.end(response)); one says `Connection: close`, the other does not.
 * Every client asks for ROUNDS pages, each as soon as the previous one has arrived: the moment a
 * client that reuses connections sends its next request into a connection the server has closed.
 */
import { execFile, spawn, spawnSync } from "node:child_process";
import http from "node:http";
import { Chromium, findChromium } from "../checker/grader/chromium.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);
const PAGE = "ok";

// The server runs in a process of its own, as a student's does: in the same process, the client would
// see the server's close at a better moment than it does in class.
const SERVER = `
const net = require("node:net");
const [sayClose, rounds] = [process.argv[1] === "close", Number(process.argv[2])];
const html = '<!doctype html><title>-</title><script>(async () => { let ok = 0; const errors = [];' +
  'for (let i = 0; i < ' + rounds + '; i++) { try { const r = await fetch("/page" + i, { cache: "no-store" });' +
  'if ((await r.text()) === "${PAGE}") ok++; } catch (e) { errors.push(String(e)); } }' +
  'document.title = JSON.stringify({ ok, errors: errors.slice(0, 1) }); })();</script>';
const server = net.createServer((socket) => {
  socket.on("error", () => {});
  let head = "";
  socket.on("data", (chunk) => {
    head += chunk.toString("latin1");
    if (!head.includes("\\r\\n\\r\\n")) return;
    const page = head.startsWith("GET / ");
    const body = page ? html : "${PAGE}";
    socket.end("HTTP/1.1 200 OK\\r\\nContent-Type: " + (page ? "text/html" : "text/plain") +
      "\\r\\nContent-Length: " + Buffer.byteLength(body) + "\\r\\n" + (sayClose ? "Connection: close\\r\\n" : "") + "\\r\\n" + body);
  });
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

async function rawServer(sayClose: boolean): Promise<{ port: number; close: () => void }> {
  const child = spawn(process.execPath, ["-e", SERVER, sayClose ? "close" : "silent", String(ROUNDS)], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) => child.stdout.once("data", (data: Buffer) => resolve(Number(String(data).trim()))));
  return { port, close: () => child.kill() };
}

type Outcome = { ok: number; firstError?: string };

async function nodeHttp(port: number): Promise<Outcome> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let ok = 0;
  let firstError: string | undefined;
  for (let i = 0; i < ROUNDS; i++) {
    try {
      await new Promise<void>((resolve, reject) => {
        const request = http.get({ host: "127.0.0.1", port, path: `/page${i}`, agent, timeout: 3000 }, (response) => {
          let body = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (body += chunk));
          response.on("end", () => (body === PAGE ? resolve() : reject(new Error(`body ${JSON.stringify(body)}`))));
        });
        request.on("timeout", () => request.destroy(new Error("no answer within 3 s")));
        request.on("error", reject);
      });
      ok++;
    } catch (error) {
      firstError ??= `${(error as Error).message}${(error as NodeJS.ErrnoException).code ? ` (${(error as NodeJS.ErrnoException).code})` : ""}`;
    }
  }
  agent.destroy();
  return { ok, firstError };
}

async function nodeFetch(port: number): Promise<Outcome> {
  let ok = 0;
  let firstError: string | undefined;
  for (let i = 0; i < ROUNDS; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/page${i}`, { signal: AbortSignal.timeout(3000) });
      if ((await response.text()) === PAGE) ok++;
    } catch (error) {
      const cause = (error as { cause?: Error }).cause;
      firstError ??= `${(error as Error).message}${cause ? `: ${cause.message}` : ""}`;
    }
  }
  return { ok, firstError };
}

// Python's http.client keeps one connection and sends the next request on it unless the response
// said close (or was HTTP/1.0).
const PYTHON = `
import http.client, sys
port, rounds = int(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
ok, first = 0, ""
for i in range(rounds):
    try:
        conn.request("GET", "/page%d" % i)
        if conn.getresponse().read() == b"${PAGE}": ok += 1
    except Exception as e:
        first = first or "%s: %s" % (type(e).__name__, e)
        conn.close()
print(ok); print(first)
`;

// Python and curl run while the measurement waits for them, not blocking it.
const run = (command: string, args: string[]): Promise<{ stdout: string; stderr: string; error?: NodeJS.ErrnoException }> =>
  new Promise((resolve) =>
    execFile(command, args, { encoding: "utf8", timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ stdout, stderr, error: (error as NodeJS.ErrnoException | null)?.code === "ENOENT" ? (error as NodeJS.ErrnoException) : undefined }),
    ),
  );

async function python(port: number): Promise<Outcome | string> {
  const ran = await run("python3", ["-c", PYTHON, String(port), String(ROUNDS)]);
  if (ran.error) return "python3 not found";
  const [ok, first] = ran.stdout.split("\n");
  return { ok: Number(ok), firstError: first || undefined };
}

function pythonVersion(): string {
  const run = spawnSync("python3", ["--version"], { encoding: "utf8" });
  return run.error ? "python3" : run.stdout.trim();
}

// curl reuses its connection for every URL on one command line.
async function curl(port: number): Promise<Outcome | string> {
  const urls = Array.from({ length: ROUNDS }, (_, i) => `http://127.0.0.1:${port}/page${i}`);
  const ran = await run("curl", ["-sS", "--http1.1", "--max-time", "10", "-w", "\\n%{http_code}\\n", ...urls]);
  if (ran.error) return "curl not found";
  const ok = ran.stdout.split("\n").filter((line, index, lines) => line === "200" && lines[index - 1] === PAGE).length;
  return { ok, firstError: ran.stderr.trim().split("\n")[0] || undefined };
}

function curlVersion(): string {
  const run = spawnSync("curl", ["--version"], { encoding: "utf8" });
  return run.error ? "curl" : run.stdout.split(" ").slice(0, 2).join(" ");
}

async function chromium(port: number): Promise<{ version: string; outcome: Outcome } | string> {
  const found = findChromium();
  if ("missing" in found) return "Chromium not found";
  const browser = await Chromium.launch({ executable: found.found });
  try {
    const { product } = await browser.send("Browser.getVersion");
    const session = await browser.openTab();
    await browser.send("Page.navigate", { url: `http://127.0.0.1:${port}/` }, session);
    for (let waited = 0; waited < 20_000; waited += 100) {
      const { result } = await browser.send("Runtime.evaluate", { expression: "document.title", returnByValue: true }, session);
      if (typeof result.value === "string" && result.value.startsWith("{")) {
        const seen = JSON.parse(result.value) as { ok: number; errors: string[] };
        return { version: String(product), outcome: { ok: seen.ok, firstError: seen.errors[0] } };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return "the page did not finish within 20 s";
  } finally {
    await browser.close();
  }
}

function cell(outcome: Outcome | string): string {
  if (typeof outcome === "string") return outcome;
  return `${outcome.ok}/${ROUNDS}${outcome.firstError ? ` (${outcome.firstError})` : ""}`;
}

const silent = await rawServer(false);
const saying = await rawServer(true);
const rows: [string, (port: number) => Promise<Outcome | string>][] = [
  [`Node ${process.versions.node} http.Agent keepAlive`, nodeHttp],
  [`Node ${process.versions.node} fetch (undici ${process.versions.undici ?? "?"})`, nodeFetch],
  [`${pythonVersion()} http.client`, python],
  [curlVersion(), curl],
];
console.log(`${ROUNDS} pages in a row, each requested as soon as the previous one arrived; the server closes after each.\n`);
console.log(`${"client".padEnd(44)} ${"without Connection: close".padEnd(60)} with it`);
for (const [name, run] of rows) {
  console.log(`${name.padEnd(44)} ${cell(await run(silent.port)).padEnd(60)} ${cell(await run(saying.port))}`);
}
const withoutBrowser = await chromium(silent.port);
const withBrowser = await chromium(saying.port);
const browserName = typeof withoutBrowser === "string" ? "Chromium" : `${withoutBrowser.version} fetch()`;
const browserCell = (seen: typeof withoutBrowser): string => cell(typeof seen === "string" ? seen : seen.outcome);
console.log(`${browserName.padEnd(44)} ${browserCell(withoutBrowser).padEnd(60)} ${browserCell(withBrowser)}`);
silent.close();
saying.close();
