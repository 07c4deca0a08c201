/** npm run serve <n>: the student's own server of a phase, on the port the try-it lines use. */
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import { expect, test } from "vitest";
import { freePort } from "../checker/grader/run.ts";
import { ROOT } from "./broken/harness.ts";
import { listening, waitForPort } from "./net.ts";

const serve = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "checker/student/serve.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 20_000 });

test("serves the phase's own file on the port until stopped, and leaves nothing behind", async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "checker/student/serve.ts", "3", "--port", String(port)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (data: Buffer) => (out += data.toString()));
  await waitForPort(port);
  expect(await listening(port)).toBe(true);
  expect(out).toContain(`Serving phases/3-respond/server.ts on http://127.0.0.1:${port}/`);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
  expect(await listening(port)).toBe(false);
});

test("says so clearly when the port is taken, the phase is unknown, or no phase is given", async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  const port = (taken.address() as net.AddressInfo).port;
  try {
    const inUse = serve("3", "--port", String(port));
    expect([inUse.status, inUse.stderr]).toEqual([2, expect.stringContaining(`Port ${port} is in use`)]);
  } finally {
    taken.close();
  }
  expect(serve("42").stderr).toContain('There is no phase "42"');
  expect(serve().stderr).toContain("Usage: npm run serve <phase>");
  expect(serve("3", "--port", "http").stderr).toContain("--port http is not a port number");
});
