/**
 * Watch mode: grade again whenever the student saves their file, showing only the newest result.
 * File-change events are unreliable (some editors save twice, by renaming; WSL2 drives and network
 * mounts send none), so the folder is watched AND the file's content is polled every second; a run
 * starts only when the content really changed.
 */
import { watch, readFileSync, type FSWatcher } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { text } from "../text.ts";

export interface WatchOptions {
  file: string;
  label: string;
  /** Grades once; resolves when the run (and its server) is done. */
  run: () => Promise<void>;
  clearScreen: boolean;
  log: (line: string) => void;
}

function fingerprint(file: string): string {
  try {
    return createHash("sha1").update(readFileSync(file)).digest("hex");
  } catch {
    return "missing";
  }
}

/** Runs now, then on every change, until `stop()` is called. */
export function watchAndRun(options: WatchOptions): { stop: () => void; done: Promise<void> } {
  let last = fingerprint(options.file);
  let running = false;
  let again = false;
  let stopped = false;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const runOnce = async (reason?: string): Promise<void> => {
    if (running) {
      again = true; // one more run after this one, however many saves came meanwhile
      return;
    }
    running = true;
    if (options.clearScreen) process.stdout.write("\x1b[2J\x1b[H");
    if (reason) options.log(reason);
    try {
      await options.run();
    } finally {
      running = false;
    }
    if (stopped) return;
    options.log("\n" + text.watch.watching(options.label));
    if (again) {
      again = false;
      await runOnce(text.watch.changed(options.label, new Date().toTimeString().slice(0, 8)));
    }
  };

  const check = (): void => {
    if (stopped) return;
    const now = fingerprint(options.file);
    if (now === last) return; // a save without a change, or the second event of the same save
    last = now;
    void runOnce(text.watch.changed(options.label, new Date().toTimeString().slice(0, 8)));
  };

  // Events first (fast); a short delay lets an editor finish writing.
  let watcher: FSWatcher | null = null;
  let debounce: NodeJS.Timeout | undefined;
  const wsl = Boolean(process.env.WSL_DISTRO_NAME) && options.file.startsWith("/mnt/");
  if (wsl) {
    options.log(text.watch.polling(text.lab.wslDrive));
  } else {
    try {
      watcher = watch(path.dirname(options.file), (_event, name) => {
        if (name && name.toString() !== path.basename(options.file)) return;
        clearTimeout(debounce);
        debounce = setTimeout(check, 150);
      });
      watcher.on("error", (error) => {
        options.log(text.watch.polling(error.message));
        watcher?.close();
        watcher = null;
      });
    } catch (error) {
      options.log(text.watch.polling((error as Error).message));
    }
  }
  // Polling, always: it catches what the events miss.
  const poll = setInterval(check, 1000);

  void runOnce();

  const stop = (): void => {
    stopped = true;
    clearInterval(poll);
    clearTimeout(debounce);
    watcher?.close();
    finish();
  };
  return { stop, done };
}
