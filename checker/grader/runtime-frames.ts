/**
 * A crash in the server's output ends in a stack trace, and most of its frames are Node's own
 * (node:internal/..., node:events) or a package's (tsx, esbuild in node_modules). Those say nothing
 * to a beginner, push the lines that matter (the error, the student's own frames) out of the
 * report's short tail, and change with every Node release. A run of them becomes one line.
 *
 * A Python server's traceback is read the same way: the frames of Python's own library (threading,
 * socketserver) and of installed packages fold into one line, the student's own frames stay. The
 * lines of ^ and ~ under a frame's source (Python 3.11 on) go: they underline what the line above
 * already shows, differ from one Python release to the next, and would push the error itself out of
 * the tail.
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

/** A Python frame's first line: `  File "/usr/lib/python3.11/threading.py", line 1045, in _bootstrap_inner`. */
const PYTHON_FRAME = /^(\s*)File "([^"]*)", line \d+(?:, in .*)?$/;

type PythonPlace = "library" | "package";

/** Where a Python frame's code lives, or null for the student's own code. */
function pythonPlace(file: string): PythonPlace | null {
  if (/[\\/](?:site|dist)-packages[\\/]/.test(file)) return "package";
  if (/^<frozen /.test(file) || /[\\/]lib[\\/]python3\.\d+[\\/]/i.test(file) || /[\\/]Lib[\\/]/.test(file)) return "library";
  return null;
}

/** Python's frames: each frame with its source line, without the underlining; runs of the library's and packages' folded. */
function foldPythonFrames(lines: string[]): string[] {
  const folded: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const frame = PYTHON_FRAME.exec(lines[i]!);
    if (!frame) {
      folded.push(lines[i]!);
      i += 1;
      continue;
    }
    // One frame: its File line, the source line under it (indented deeper), and the underlining.
    const frameEnd = (start: number): number => {
      const indent = PYTHON_FRAME.exec(lines[start]!)![1]!.length;
      let end = start + 1;
      const deeper = (line: string | undefined): boolean => line !== undefined && /^\s*/.exec(line)![0].length > indent && !PYTHON_FRAME.test(line);
      if (deeper(lines[end]) && !isUnderline(lines[end]!)) end += 1;
      while (end < lines.length && isUnderline(lines[end]!)) end += 1;
      return end;
    };
    const place = pythonPlace(frame[2]!);
    if (!place) {
      const end = frameEnd(i);
      folded.push(...lines.slice(i, end).filter((line) => !isUnderline(line)));
      i = end;
      continue;
    }
    const places = new Set<PythonPlace>();
    let count = 0;
    let end = i;
    for (let next = PYTHON_FRAME.exec(lines[end] ?? ""); next && pythonPlace(next[2]!); next = PYTHON_FRAME.exec(lines[end] ?? "")) {
      places.add(pythonPlace(next[2]!)!);
      count += 1;
      end = frameEnd(end);
    }
    folded.push(`${frame[1]}${text.tools.pythonFrames(count, places.has("library"), places.has("package"))}`);
    i = end;
  }
  return folded;
}

/** A line of only ^ and ~ under a frame's source: Python 3.11's pointer to the failing expression. */
function isUnderline(line: string): boolean {
  return /^\s+[~^]+[~^ ]*$/.test(line);
}

export function foldRuntimeFrames(lines: string[]): string[] {
  return foldNodeFrames(foldPythonFrames(lines));
}

function foldNodeFrames(lines: string[]): string[] {
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
