/**
 * A crash in the server's output ends in a stack trace, and most of its frames are Node's own
 * (node:internal/..., node:events) or a package's (tsx, esbuild in node_modules). Those say nothing
 * to a beginner, push the lines that matter (the error, the student's own frames) out of the
 * report's short tail, and change with every Node release. A run of them becomes one line.
 */
import { text } from "../text.ts";

type Place = "node" | "package";

/** Where a stack frame's code lives, or null for the student's own code (or not a frame at all). */
function runtimePlace(line: string): Place | null {
  const frame = /^\s+at (.*)$/.exec(line);
  if (!frame) return null;
  const where = frame[1]!;
  // "at fn (location)" or "at location"; "at async fn (location)"; "at new Promise (<anonymous>)".
  const location = /\(([^()]*)\)(?: \{)?$/.exec(where)?.[1] ?? where.replace(/^async /, "").replace(/ \{$/, "");
  if (/^node:/.test(location) || location === "<anonymous>" || /^index \d+$/.test(location)) return "node";
  if (/[\\/]node_modules[\\/]/.test(location)) return "package";
  return null;
}

export function foldRuntimeFrames(lines: string[]): string[] {
  const folded: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const place = runtimePlace(lines[i]!);
    if (!place) {
      folded.push(lines[i]!);
      i += 1;
      continue;
    }
    const places = new Set<Place>();
    let end = i;
    while (end < lines.length && runtimePlace(lines[end]!)) places.add(runtimePlace(lines[end++]!)!);
    const indent = /^\s*/.exec(lines[i]!)![0];
    // A frame that opens the error's own properties ("... {") keeps its brace, so they still read as a block.
    const opens = lines[end - 1]!.endsWith(" {") ? " {" : "";
    folded.push(`${indent}${text.tools.runtimeFrames(end - i, places.has("node"), places.has("package"))}${opens}`);
    i = end;
  }
  return folded;
}
