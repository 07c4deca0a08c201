/**
 * Native Windows: the lab does not run there, and says so in one line before anything else.
 *
 * The checker ends a server by its process group, first with SIGTERM and then SIGKILL, a `sh`
 * watchdog ends what is left if the checker dies, and on Linux it reads /proc for the server's
 * memory, its listening sockets and the processes that left its group (reaper.ts,
 * server-process.ts). Windows has none of these, so a run there could leave servers holding their
 * ports, and the checks that read memory or wait for a server to exit would give other verdicts
 * than the same file gets under Linux, where a class is graded. A clear stop is better than
 * verdicts that quietly differ, so the checker's entry points stop; WSL 2 runs the lab as Linux.
 */
import { text } from "../text.ts";

/** The one line to print (on stderr) on native Windows, or null. WSL reports "linux". */
export function nativeWindowsNote(platform: NodeJS.Platform = process.platform): string | null {
  return platform === "win32" ? text.cli.nativeWindows : null;
}

/** On native Windows, prints the note and ends the process with status 1; elsewhere returns at once. */
export async function stopOnNativeWindows(platform: NodeJS.Platform = process.platform): Promise<void> {
  const note = nativeWindowsNote(platform);
  if (note === null) return;
  // A Windows terminal takes stderr asynchronously: exit only once the line is out.
  await new Promise<void>((resolve) => process.stderr.write(`${note}\n`, () => resolve()));
  process.exit(1);
}
