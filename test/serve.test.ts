/** npm run serve <n>: the student's own server of a phase, or with --solution the lab's reference, on the port the try-it lines use. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { freePort } from "../checker/grader/run.ts";
import { ROOT } from "./broken/harness.ts";
import { listening, waitForPort } from "./net.ts";

const serve = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "checker/student/serve.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 20_000 });

/** The environment without WEB_ROOT, so that a WEB_ROOT of the shell running the tests cannot change what is served. */
function envWithout(name: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env[name];
  return env;
}

/** Starts `serve` with these arguments and waits for its port; stop() sends SIGTERM and waits for it to exit. */
async function started(port: number, args: string[], env: NodeJS.ProcessEnv = envWithout("WEB_ROOT")) {
  const child = spawn(process.execPath, ["--import", "tsx", "checker/student/serve.ts", ...args, "--port", String(port)], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (data: Buffer) => (out += data.toString()));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await waitForPort(port);
  // serve prints its banner before it starts the server, but the test may see the port open before
  // it reads the pipe (both are ready in one turn of the event loop): wait for the banner's end too.
  const banner = args.includes("--solution") && args[0] === "9" ? /Its files: [^\n]*\n/ : /\(Ctrl-C stops it\)\n/;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no banner: ${out}`)), 10_000);
    const check = () => {
      if (!banner.test(out)) return;
      clearTimeout(timer);
      child.stdout.off("data", check);
      resolve();
    };
    child.stdout.on("data", check);
    check();
  });
  return {
    out: () => out,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** GET over Node's fetch, the body as bytes. */
async function get(port: number, target: string): Promise<{ status: number; body: Buffer }> {
  const response = await fetch(`http://127.0.0.1:${port}${target}`);
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

test("serves the phase's own file on the port until stopped, and leaves nothing behind", async () => {
  const port = await freePort();
  const server = await started(port, ["3"], process.env);
  try {
    expect(await listening(port)).toBe(true);
    expect(server.out()).toContain(`Serving phases/3-respond/server.ts on http://127.0.0.1:${port}/`);
  } finally {
    await server.stop();
  }
  expect(await listening(port)).toBe(false);
});

test("--solution in phase 9 serves the phase's sample site with the reference, and leaves nothing behind", async () => {
  const port = await freePort();
  const server = await started(port, ["9", "--solution"]);
  try {
    expect(server.out()).toContain(`Serving the lab's reference solution, solutions/9-static/server.ts, on http://127.0.0.1:${port}/`);
    expect(server.out()).toContain("Its files: phases/9-static/public/, the phase's sample site");
    // GET / is the visitor counter (a route wins over a file), so the files are asked for by name.
    const site = path.join(ROOT, "phases/9-static/public");
    expect(await get(port, "/style.css")).toEqual({ status: 200, body: readFileSync(path.join(site, "style.css")) });
    expect(await get(port, "/docs/")).toEqual({ status: 200, body: readFileSync(path.join(site, "docs/index.html")) });
  } finally {
    await server.stop();
  }
  expect(await listening(port)).toBe(false);
});

test("--solution keeps a WEB_ROOT given in the environment, and says it serves that folder", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "http-lab-serve-"));
  writeFileSync(path.join(root, "mine.txt"), "the instructor's own file\n");
  const port = await freePort();
  const server = await started(port, ["9", "--solution"], { ...process.env, WEB_ROOT: root });
  try {
    expect(server.out()).toContain(`Its files: ${root}/ (your WEB_ROOT).`);
    expect(await get(port, "/mine.txt")).toEqual({ status: 200, body: Buffer.from("the instructor's own file\n") });
    expect((await get(port, "/style.css")).status).toBe(404);
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
  expect(await listening(port)).toBe(false);
});

test("--solution in phase 3 serves solutions/3-respond/server.ts, with no folder of files", async () => {
  const port = await freePort();
  const server = await started(port, ["3", "--solution"]);
  try {
    expect(server.out()).toContain(`Serving the lab's reference solution, solutions/3-respond/server.ts, on http://127.0.0.1:${port}/ (Ctrl-C stops it)`);
    expect(server.out()).not.toContain("Its files");
    const page = await get(port, "/");
    expect([page.status, page.body.toString()]).toEqual([200, expect.stringContaining("<h1>")]);
  } finally {
    await server.stop();
  }
  expect(await listening(port)).toBe(false);
});

test("says so clearly when the port is taken, the phase is unknown, no phase is given, or an option is mistyped", async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  const port = (taken.address() as net.AddressInfo).port;
  try {
    const inUse = serve("3", "--port", String(port));
    expect([inUse.status, inUse.stderr]).toEqual([2, expect.stringContaining(`Port ${port} is in use`)]);
    // The same words for the solution, and the command to retry keeps --solution.
    const solutionInUse = serve("9", "--solution", "--port", String(port));
    expect([solutionInUse.status, solutionInUse.stderr]).toEqual([2, expect.stringContaining(`Port ${port} is in use`)]);
    expect(solutionInUse.stderr).toContain("npm run serve <phase> -- --solution --port 9000");
  } finally {
    taken.close();
  }
  expect(serve("42").stderr).toContain('There is no phase "42"');
  expect(serve("42", "--solution").stderr).toContain('There is no phase "42"');
  expect(serve().stderr).toContain("Usage: npm run serve <phase>");
  expect(serve("3", "--port", "http").stderr).toContain("--port http is not a port number");
  expect(serve("3", "--solution", "--port", "http").stderr).toContain("--port http is not a port number");
  const typo = serve("3", "--solutoin");
  expect([typo.status, typo.stderr]).toEqual([2, expect.stringMatching(/^Unknown option '--solutoin'\.\nUsage: npm run serve <phase>/)]);
});
