/**
 * A real browser for the checks that need one (--browser): find Chromium or Chrome on this
 * machine, start it headless, and drive it over the DevTools protocol (CDP).
 *
 * No npm package: the browser speaks CDP over two pipes when started with
 * --remote-debugging-pipe. It reads commands on its fd 3 and writes replies and events on its
 * fd 4, each message one JSON object followed by a NUL byte. That is all this module needs.
 *
 * Like the student's server (server-process.ts), the browser is always ended: when the check is
 * done, when a step times out, and when the checker exits or is interrupted (killAllBrowsers).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { guardGroup, releaseGroup } from "./reaper.ts";
import { text } from "../text.ts";

/** How to get a browser, said once for every place that reports a missing one. */
export const INSTALL_CHROMIUM = text.tools.installChromium;

const NAMES_ON_PATH = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

function installPaths(env: NodeJS.ProcessEnv): string[] {
  if (process.platform === "darwin") {
    const apps = ["Google Chrome.app/Contents/MacOS/Google Chrome", "Chromium.app/Contents/MacOS/Chromium"];
    return [...apps.map((app) => `/Applications/${app}`), ...apps.map((app) => path.join(os.homedir(), "Applications", app))];
  }
  if (process.platform === "win32") {
    const roots = [env.PROGRAMFILES, env["PROGRAMFILES(X86)"], env.LOCALAPPDATA].filter((root): root is string => !!root);
    return roots.flatMap((root) => [path.join(root, "Google", "Chrome", "Application", "chrome.exe"), path.join(root, "Chromium", "Application", "chrome.exe")]);
  }
  return [];
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (process.platform !== "win32") accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  const extensions = process.platform === "win32" ? [".exe", ".cmd", ""] : [""];
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    for (const extension of extensions) {
      const file = path.join(dir, name + extension);
      if (isExecutable(file)) return file;
    }
  }
  return null;
}

export type Found = { found: string } | { missing: string };

/** The browser to drive: LAB_CHROMIUM, then the usual names on PATH, then the usual install folders. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): Found {
  const chosen = env.LAB_CHROMIUM;
  if (chosen) {
    return isExecutable(chosen)
      ? { found: chosen }
      : { missing: text.tools.badLabChromium(chosen) };
  }
  for (const name of NAMES_ON_PATH) {
    const file = onPath(name, env);
    if (file) return { found: file };
  }
  const installed = installPaths(env).find(isExecutable);
  if (installed) return { found: installed };
  const where = text.tools.onPath(NAMES_ON_PATH.join(", "), installPaths(env).length > 0);
  return { missing: text.tools.noChromium(where, INSTALL_CHROMIUM) };
}

/** A browser that exited, refused to start, or did not answer in time. */
export class BrowserError extends Error {}

type Message = { id?: number; method?: string; params?: any; result?: any; error?: { message: string }; sessionId?: string };
export type CdpEvent = { method: string; params: any; sessionId?: string };

/** Waits for `promise`, but no longer than `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

const running = new Set<Chromium>();
let cleanupInstalled = false;

/** Ends every browser still running; safe to call from an exit handler (synchronous). */
export function killAllBrowsers(): void {
  for (const browser of running) browser.kill();
}

export interface LaunchOptions {
  executable: string;
  /** How long the browser may take to answer its first command. */
  startTimeoutMs?: number;
  /** How long any one command may take. */
  commandTimeoutMs?: number;
}

export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: any) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private readonly listeners = new Set<(event: CdpEvent) => void>();
  private stderrTail = "";
  private exitNote: string | null = null;
  private readonly exited: Promise<void>;
  private readonly commandTimeoutMs: number;

  private constructor(
    private readonly child: ChildProcess,
    private readonly profileDir: string,
    commandTimeoutMs: number,
  ) {
    this.commandTimeoutMs = commandTimeoutMs;
    const toBrowser = child.stdio[3] as Writable;
    const fromBrowser = child.stdio[4] as Readable;
    // A write to a browser that just died must not crash the checker.
    toBrowser.on("error", () => {});
    fromBrowser.on("error", () => {});
    let buffered = Buffer.alloc(0);
    fromBrowser.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let end = buffered.indexOf(0); end >= 0; end = buffered.indexOf(0)) {
        const text = buffered.subarray(0, end).toString("utf8");
        buffered = buffered.subarray(end + 1);
        let message: Message;
        try {
          message = JSON.parse(text) as Message;
        } catch {
          continue; // not JSON: nothing a check could use (the command waiting for it times out)
        }
        this.receive(message);
      }
    });
    child.stdout!.resume();
    child.stderr!.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-2000);
    });
    this.exited = new Promise((resolve) => {
      const done = (note: string): void => {
        this.exitNote ??= note;
        running.delete(this);
        for (const [id, waiter] of this.pending) {
          clearTimeout(waiter.timer);
          waiter.reject(new BrowserError(text.tools.theBrowser(this.exitNote)));
          this.pending.delete(id);
        }
        resolve();
      };
      child.once("error", (error) => done(text.tools.couldNotBeStarted(error.message)));
      child.once("exit", (code, signal) => done(signal ? text.tools.endedBy(signal) : text.tools.exitedWith(code)));
    });
  }

  /** Starts a headless browser with a fresh profile and waits until it answers. */
  static async launch(options: LaunchOptions): Promise<Chromium> {
    if (!cleanupInstalled) {
      cleanupInstalled = true;
      process.on("exit", killAllBrowsers);
    }
    const profileDir = mkdtempSync(path.join(os.tmpdir(), "http-lab-chromium-"));
    const args = [
      "--headless=new",
      // We run as root in containers, where Chromium's sandbox cannot start.
      "--no-sandbox",
      "--disable-gpu",
      // The student's server speaks TCP only; never try HTTP/3.
      "--disable-quic",
      // A fresh profile each time: no first-run pages, no updates or sync talking to the network.
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      // The server is on 127.0.0.1: a proxy from the environment must not get in between.
      "--no-proxy-server",
      `--user-data-dir=${profileDir}`,
      "--remote-debugging-pipe",
      "about:blank",
    ];
    const child = spawn(options.executable, args, {
      // stdin, stdout, stderr, then the two protocol pipes: fd 3 (to the browser), fd 4 (from it).
      stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"],
      // Its own process group, so that ending it ends its renderer and GPU processes too.
      detached: process.platform !== "win32",
    });
    const browser = new Chromium(child, profileDir, options.commandTimeoutMs ?? 10_000);
    running.add(browser);
    if (process.platform !== "win32" && child.pid !== undefined) guardGroup(child.pid);
    try {
      await browser.send("Browser.getVersion", {}, undefined, options.startTimeoutMs ?? 15_000);
    } catch (error) {
      await browser.close();
      const output = browser.stderrTail.trim().split("\n").slice(-3).join(" | ");
      throw new BrowserError(text.tools.didNotStart(options.executable, (error as Error).message, output));
    }
    return browser;
  }

  private receive(message: Message): void {
    if (message.id !== undefined) {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.error) waiter.reject(new BrowserError(message.error.message));
      else waiter.resolve(message.result ?? {});
    } else if (message.method) {
      const event: CdpEvent = { method: message.method, params: message.params ?? {}, sessionId: message.sessionId };
      for (const listener of [...this.listeners]) listener(event);
    }
  }

  /** Sends one command (to a page when sessionId is given) and waits for its reply, within a time bound. */
  send(method: string, params: object = {}, sessionId?: string, timeoutMs = this.commandTimeoutMs): Promise<any> {
    if (this.exitNote) return Promise.reject(new BrowserError(text.tools.theBrowser(this.exitNote)));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BrowserError(text.tools.noBrowserAnswer(method, timeoutMs / 1000)));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      (this.child.stdio[3] as Writable).write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + "\0");
    });
  }

  /** Calls `listener` with every event until the returned function is called. */
  listen(listener: (event: CdpEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The first event that matches, or null after `timeoutMs`. Start waiting before the action that causes it. */
  waitFor(match: (event: CdpEvent) => boolean, timeoutMs: number): { event: Promise<CdpEvent | null>; cancel: () => void } {
    let stop = (): void => {};
    const event = new Promise<CdpEvent | null>((resolve) => {
      const timer = setTimeout(() => finish(null), timeoutMs);
      const unlisten = this.listen((candidate) => {
        if (match(candidate)) finish(candidate);
      });
      const finish = (found: CdpEvent | null): void => {
        clearTimeout(timer);
        unlisten();
        resolve(found);
      };
      stop = () => finish(null);
    });
    return { event, cancel: () => stop() };
  }

  /** Opens a new tab and attaches to it; commands for the tab carry the returned session id. */
  async openTab(): Promise<string> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    // flatten: the tab's messages travel on the same pipe, marked with their sessionId.
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    return sessionId as string;
  }

  /** Ends the browser: politely first, then by force; removes its profile folder. Never throws. */
  async close(): Promise<void> {
    if (!this.exitNote) {
      this.send("Browser.close", {}, undefined, 2000).catch(() => {});
      await within(this.exited, 2000);
    }
    // Whatever is left of it (renderers included) goes too.
    this.kill();
    await within(this.exited, 2000);
    try {
      rmSync(this.profileDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
    } catch {
      // A leftover folder in the system's temporary folder is not worth failing a check for.
    }
  }

  /** Kills the browser's whole process group at once; synchronous, so exit handlers can call it. */
  kill(): void {
    const pid = this.child.pid;
    // The group, even when the browser itself has just exited: its renderers may not have yet.
    if (pid !== undefined) {
      try {
        if (process.platform === "win32") this.child.kill("SIGKILL");
        else process.kill(-pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    running.delete(this);
    if (process.platform !== "win32" && pid !== undefined) releaseGroup(pid);
    // From an exit handler no later tick comes: remove the profile now (best effort; close() retries).
    try {
      rmSync(this.profileDir, { recursive: true, force: true });
    } catch {
      // A leftover folder in the system's temporary folder is not worth failing for.
    }
  }
}
