/**
 * The bytes the lab's client (checker/student/client.ts) sends: `--send` text with its escapes turned into
 * bytes, and typed or piped lines with their line ends made consistent (\r\n, or \n with --lf).
 */
import { text } from "../text.ts";

export type LineEnd = "\r\n" | "\n";

export class SendTextError extends Error {}

const ESCAPES = new Map<string, number>([
  ["r", 0x0d],
  ["n", 0x0a],
  ["t", 0x09],
  ["\\", 0x5c],
]);

export const ESCAPES_HELP = text.tools.escapesHelp;

/**
 * `GET / HTTP/1.1\r\n\r\n` (backslash, r, ...) → the bytes it stands for. Text outside the escapes
 * is sent as UTF-8; \xNN is one byte, so `caf\xc3\xa9` and `café` are the same bytes.
 */
export function parseSendText(input: string): Buffer {
  const parts: Buffer[] = [];
  let literal = "";
  const flush = (): void => {
    if (literal !== "") parts.push(Buffer.from(literal, "utf8"));
    literal = "";
  };
  for (let i = 0; i < input.length; i++) {
    const char = input[i]!;
    if (char !== "\\") {
      literal += char;
      continue;
    }
    const next = input[i + 1];
    if (next === undefined) {
      throw new SendTextError(text.tools.loneBackslash(ESCAPES_HELP));
    }
    const byte = ESCAPES.get(next);
    if (byte !== undefined) {
      flush();
      parts.push(Buffer.of(byte));
      i += 1;
    } else if (next === "x") {
      const hex = input.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new SendTextError(text.tools.badHex(i + 1, hex));
      }
      flush();
      parts.push(Buffer.of(Number.parseInt(hex, 16)));
      i += 3;
    } else {
      throw new SendTextError(text.tools.unknownEscape(next, i + 1, ESCAPES_HELP));
    }
  }
  flush();
  return Buffer.concat(parts);
}

/**
 * Turns every line end of a byte stream, \n or \r\n, into `lineEnd`; everything else passes
 * unchanged, a lone \r included. It works on chunks as they arrive: a \r at the end of a chunk
 * waits for the next byte, to see whether a \n follows.
 */
export class LineEnds {
  private pendingCR = false;

  constructor(private readonly lineEnd: LineEnd) {}

  push(chunk: Buffer): Buffer {
    const ending = Buffer.from(this.lineEnd, "latin1");
    const out: Buffer[] = [];
    let start = 0;
    const take = (end: number): void => {
      if (end > start) out.push(chunk.subarray(start, end));
    };
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.pendingCR) {
        this.pendingCR = false;
        // The \r held back from the previous chunk: part of a \r\n, or a lone \r sent as it is.
        if (byte !== 0x0a) out.push(Buffer.of(0x0d));
      }
      if (byte === 0x0d && i === chunk.length - 1) {
        take(i);
        this.pendingCR = true;
        start = i + 1;
      } else if (byte === 0x0a) {
        const crBefore = i > start && chunk[i - 1] === 0x0d;
        take(crBefore ? i - 1 : i);
        out.push(ending);
        start = i + 1;
      }
    }
    take(chunk.length);
    return Buffer.concat(out);
  }

  /** At the end of the input: a \r still held back is sent as it is. */
  end(): Buffer {
    const rest = this.pendingCR ? Buffer.of(0x0d) : Buffer.alloc(0);
    this.pendingCR = false;
    return rest;
  }
}
