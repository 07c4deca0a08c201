/** What a broken variant is (cases.ts), and what the phases' lists of them share. */
export interface BrokenCase {
  /** Unique name; also the file name of its recorded report. */
  name: string;
  phase: number;
  /** The solution it breaks, relative to the lab's root. */
  base: string;
  mistake: string;
  /** [text in the base, its replacement]; each text must occur in the base exactly once. */
  patch: Array<[string, string]>;
  /** The first check that must not pass, and how. */
  firstFailure: string;
  status?: "fail" | "error";
  /** The words that name the mistake, in that check's message. */
  says: RegExp;
  /** For a Python case: the TypeScript case with the same mistake, which must get the same verdicts. */
  twin?: string;
  /**
   * Where a real client inside the checker (fetch, http) reads this variant's bytes differently on
   * different Node lines: the checks whose verdict or words differ, and why. Its report is then
   * recorded once per supported line (<name>.node<line>.txt), and every other check must get the
   * same verdict in each of those records.
   */
  byNode?: { checks: string[]; why: string };
  /** Timing decides some numbers (concurrency): mask numbers and the server output in the record. */
  volatile?: boolean;
  startupTimeoutMs?: number;
}

// Why some reports are recorded per Node line: Node's fetch (undici, with its own copy of llhttp)
// changed between the lines the lab supports. Node's http client (3.17) reads these alike on each.
export const BARE_LF_IN_FETCH =
  "Node 22's fetch (undici 6) reads a head whose lines end in a bare \\n leniently: it takes the canned response " +
  "and stumbles only later ('Invalid header value char'); from Node 24 (undici 7) it rejects the first bare \\n " +
  "('Missing expected CR after response line'). RFC 9112 §2.2 allows a recipient either.";
export const START_LINE_IN_FETCH =
  "fetch's parser names what it expected first as 'Expected HTTP/' on Node 22 and 'Expected HTTP/, RTSP/ or ICE/' " +
  "on Node 24 and 26: the same verdict in other words.";

export const ts = (phase: number): string => `solutions/${["", "1-bind", "2-parse", "3-respond", "4-counter", "5-threads", "6-route", "7-headers", "8-query", "9-static", "10-post", "11-keep-alive", "12-pipelining", "13-gzip", "14-chunked", "15-framework"][phase]}/server.ts`;
export const py = (phase: number): string => `test/python/solution_${phase}.py`;

