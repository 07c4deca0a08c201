/**
 * npm run serve <n> [-- --port 8000] [--slow-ms N]: runs your own server of phase n, on the port
 * the "try it" lines of a report talk to, until Ctrl-C. It is `npx tsx phases/<n>-<slug>/server.ts`
 * with the phase's file found for you and a clear word when the port is already taken.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { findPhase, phases, studentFile } from "../manifest.ts";
import { text } from "../text.ts";
import { stopOnNativeWindows } from "../grader/native-windows.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** Whether the port can be listened on now (the same address the student's server uses). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

await stopOnNativeWindows();
const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { port: { type: "string" }, "slow-ms": { type: "string" } },
});
const list = phases.map((phase) => `${phase.number} ${phase.slug}`).join(", ");
if (positionals.length !== 1) fail(text.serve.usage(list));
const phase = findPhase(positionals[0]!) ?? fail(text.serve.noSuchPhase(positionals[0]!, list));
const port = values.port === undefined ? 8000 : Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(text.serve.badPort(values.port!));
const file = studentFile(phase);
if (!existsSync(path.join(ROOT, file))) fail(text.serve.missingFile(file, phase.number));
if (!(await portIsFree(port))) fail(text.serve.portInUse(port));

const env: Record<string, string> = { ...(process.env as Record<string, string>), PORT: String(port) };
if (values["slow-ms"] !== undefined) env.SLOW_MS = values["slow-ms"];
console.log(text.serve.serving(file, port));
const child = spawn(process.execPath, ["--import", "tsx", file], { cwd: ROOT, env, stdio: "inherit" });
// Ctrl-C reaches the server through the terminal too; a SIGTERM or a closed terminal is passed on.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => {
  if (code !== 0 && signal === null) console.error(text.serve.exited(code ?? 1));
  process.exit(code ?? 0);
});
