/**
 * Makes bytes readable for a beginner without hiding anything: CR and LF are shown as \r and \n
 * (each LF also breaks the line, so a response still looks like a response), other control
 * bytes and invalid UTF-8 as \xNN. Printable text, including non-ASCII letters, stays as it is.
 */
import { text } from "../text.ts";

export interface VisibleOptions {
  /** Show at most this many bytes, then say how many were left out. */
  maxBytes?: number;
}

export function visibleLines(data: Buffer | string, options: VisibleOptions = {}): string[] {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const maxBytes = options.maxBytes ?? 800;
  const shown = bytes.subarray(0, maxBytes);
  const lines: string[] = [];
  let line = "";
  let i = 0;
  while (i < shown.length) {
    const byte = shown[i]!;
    if (byte === 0x0a) {
      lines.push(line + "\\n");
      line = "";
      i += 1;
    } else if (byte === 0x0d) {
      line += "\\r";
      i += 1;
    } else if (byte === 0x09) {
      line += "\\t";
      i += 1;
    } else if (byte === 0x5c) {
      line += "\\\\";
      i += 1;
    } else if (byte >= 0x20 && byte < 0x7f) {
      line += String.fromCharCode(byte);
      i += 1;
    } else {
      const length = utf8SequenceLength(shown, i);
      if (length > 0) {
        line += shown.subarray(i, i + length).toString("utf8");
        i += length;
      } else {
        line += "\\x" + byte.toString(16).padStart(2, "0");
        i += 1;
      }
    }
  }
  if (line !== "") lines.push(line);
  if (bytes.length > shown.length) {
    lines.push(text.tools.moreBytes(bytes.length - shown.length));
  }
  return lines;
}

/**
 * A line of text from the student's server (already decoded), safe to print: CR, LF and TAB
 * shown as \r, \n and \t, every other control character (C0, DEL, C1; ESC among them, so no
 * colour, title or clear-screen sequence reaches the terminal) as \xNN or \uNNNN. Backslashes are
 * doubled only when `backslashes` says so (wire bytes, where \r must be unambiguous; not in
 * the server's output, where a Windows path should read as one).
 */
export function printable(line: string, options: { backslashes?: boolean } = {}): string {
  const escaped = options.backslashes ? line.replaceAll("\\", "\\\\") : line;
  return escaped.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => {
    if (char === "\r") return "\\r";
    if (char === "\n") return "\\n";
    if (char === "\t") return "\\t";
    const code = char.charCodeAt(0);
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

export function visible(data: Buffer | string, options: VisibleOptions = {}): string {
  return visibleLines(data, options).join("\n");
}

/** Length of a valid, printable UTF-8 sequence for a non-ASCII character at `at`, or 0. */
function utf8SequenceLength(bytes: Buffer, at: number): number {
  const first = bytes[at]!;
  const length = first >= 0xf0 && first <= 0xf4 ? 4 : first >= 0xe0 ? 3 : first >= 0xc2 && first < 0xe0 ? 2 : 0;
  if (length === 0 || at + length > bytes.length) return 0;
  for (let k = 1; k < length; k++) {
    if ((bytes[at + k]! & 0xc0) !== 0x80) return 0;
  }
  const text = bytes.subarray(at, at + length).toString("utf8");
  // C1 controls and the replacement character would be invisible or misleading, and so would the
  // spaces that are not ASCII's (a no-break space looks like a space, and is not one in HTTP).
  if (/[\u0080-\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff\ufffd]/u.test(text)) return 0;
  return length;
}

/** Shell-safe printf argument that sends exactly these bytes (for "try it by hand" lines). */
export function printfArgument(data: Buffer | string): string {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let out = "";
  for (const byte of bytes) {
    if (byte === 0x0d) out += "\\r";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x09) out += "\\t";
    else if (byte === 0x5c) out += "\\\\";
    else if (byte === 0x25) out += "%%";
    else if (byte === 0x27) out += "'\\''";
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += "\\" + byte.toString(8).padStart(3, "0");
  }
  return `'${out}'`;
}

/** The end of a body from byte `from` (moved back to a character's start), escaped and at most 40 bytes: "…</h1". */
export function visibleTail(bytes: Buffer, from: number, max = 40): string {
  let start = Math.min(from, bytes.length);
  while (start > 0 && (bytes[start]! & 0xc0) === 0x80) start--;
  const slice = bytes.subarray(start, start + max);
  const shown = printable(slice.toString("utf8"), { backslashes: true });
  return `${start > 0 ? "…" : ""}${shown}${start + max < bytes.length ? "…" : ""}`;
}
