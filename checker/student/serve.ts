/**
 * npm run serve <n> [-- --port 8000] [--slow-ms N] [--solution]: runs your own server of phase n, on
 * the port the "try it" lines of a report talk to, until Ctrl-C. It is `npx tsx phases/<n>-<slug>/server.ts`
 * with the phase's file found for you and a clear word when the port is already taken.
 *
 * --solution (instructors) runs the manifest's reference solution of the phase the same way, so the
 * answer to aim for can be shown by hand. A solution's default folder of files would be `public/`
 * beside it, which solutions/ does not have; so when the phase's folder has a `public/` (its sample
 * site) and WEB_ROOT is not set, WEB_ROOT points there. A WEB_ROOT given in the environment is kept.
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

const list = phases.map((phase) => `${phase.number} ${phase.slug}`).join(", ");

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

/** A folder as the instructor would type it: relative to the lab when inside it, with a trailing slash. */
function shown(dir: string): string {
  // The server runs at the lab's top (cwd ROOT), so that is where a relative WEB_ROOT starts.
  const absolute = path.resolve(ROOT, dir);
  const relative = path.relative(ROOT, absolute);
  const inside = relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
  return `${inside ? relative : absolute}${path.sep}`;
}

function readArgs() {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { port: { type: "string" }, "slow-ms": { type: "string" }, solution: { type: "boolean" } },
    });
  } catch (error) {
    // A mistyped option (--solutoin) gets node's first sentence and the usage, not a stack trace.
    return fail(`${(error as Error).message.split(". ")[0]!.replace(/\.?$/, ".")}\n${text.serve.usage(list)}`);
  }
}

await stopOnNativeWindows();
const { values, positionals } = readArgs();
if (positionals.length !== 1) fail(text.serve.usage(list));
const phase = findPhase(positionals[0]!) ?? fail(text.serve.noSuchPhase(positionals[0]!, list));
const port = values.port === undefined ? 8000 : Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(text.serve.badPort(values.port!));
const solution = values.solution === true;
const file = solution ? phase.solution : studentFile(phase);
if (!existsSync(path.join(ROOT, file))) fail(solution ? text.serve.missingSolution(file) : text.serve.missingFile(file, phase.number));
if (!(await portIsFree(port))) fail(text.serve.portInUse(port, solution));

const env: Record<string, string> = { ...(process.env as Record<string, string>), PORT: String(port) };
if (values["slow-ms"] !== undefined) env.SLOW_MS = values["slow-ms"];
if (solution) {
  // Only a phase with a sample site serves files (phases after 9 serve phase 9's); an empty
  // WEB_ROOT names no folder, so it counts as unset.
  // Phase 15 serves none of its own: its app serves its one file itself.
  const site = !phase.site
    ? undefined
    : [phase, ...phases.filter((each) => each.number < phase.number).reverse()]
        .filter((each) => each.site)
        .map((each) => path.join(ROOT, each.dir, "public"))
        .find((folder) => existsSync(folder));
  const hasSite = site !== undefined;
  const fromEnv = Boolean(env.WEB_ROOT);
  if (site !== undefined && !fromEnv) env.WEB_ROOT = site;
  console.log(text.serve.servingSolution(file, port, phase.number, hasSite ? { dir: shown(env.WEB_ROOT!), fromEnv } : null));
} else {
  console.log(text.serve.serving(file, port));
}
const child = spawn(process.execPath, ["--import", "tsx", file], { cwd: ROOT, env, stdio: "inherit" });
// Ctrl-C reaches the server through the terminal too; a SIGTERM or a closed terminal is passed on.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => {
  if (code !== 0 && signal === null) console.error(solution ? text.serve.exitedSolution(code ?? 1) : text.serve.exited(code ?? 1));
  process.exit(code ?? 0);
});
