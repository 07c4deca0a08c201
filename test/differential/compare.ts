/**
 * The reader's verdict beside the real clients'. The reader judges a server (does it break a MUST?),
 * a client only decides whether it can use the bytes, so some disagreement is right: the RFC lets a
 * recipient be lenient where it forbids the sender. Every disagreement is either a bug to fix or a
 * row of REASONED, with the RFC's reason the lab is right.
 */
import { mustProblems, readResponse, type ParsedResponse, type ProblemCode } from "../../checker/grader/http-reader.ts";
import type { Case } from "./cases.ts";
import { startCaseServer, viaFetch, viaNodeHttp, type ClientName, type Outcome } from "./clients.ts";

export type Direction = "client-accepts" | "client-rejects" | "body-differs";

export interface Reason {
  /** The reader's problems this row explains (for "client-accepts": every MUST problem must have a row). */
  codes?: ProblemCode[];
  /** Or a property of the case, for a disagreement where the reader finds no problem. */
  when?: (item: Case, response: ParsedResponse) => boolean;
  /** Where `when` holds, the client's reading parted from the reader's there: every later problem is explained too. */
  explainsAll?: boolean;
  clients: ClientName[];
  direction: Direction;
  why: string;
}

const framing = (response: ParsedResponse) => response.framing;

const firstLine = (item: Case): string => item.bytes.toString("latin1").split(/\r?\n/)[0] ?? "";
const headOf = (item: Case): string => item.bytes.toString("latin1").split(/\r?\n\r?\n/)[0] ?? "";

/**
 * The table of reasoned disagreements: where a real client reads the bytes otherwise than the
 * reader, and why the reader's verdict (on the server) is the RFC's. "client-accepts": the server
 * broke a MUST, and the client copes, as the RFC lets (or tells) it. "client-rejects": the bytes are
 * valid, and the client is stricter than the RFC.
 */
export const REASONED: Reason[] = [
  {
    codes: ["bare-lf"],
    clients: ["undici"],
    direction: "client-accepts",
    why: "bare LF ending a line of the head: RFC 9112 §2.2 lets a recipient accept it (MAY), and forbids the sender to send it",
  },
  {
    codes: ["no-status-line"],
    when: (item) => /(^|\r\n\r\n)(\r?\n|\r)+HTTP\//.test(item.bytes.toString("latin1")),
    clients: ["llhttp", "undici"],
    direction: "client-accepts",
    why: "empty line before a status line: llhttp skips it as RFC 9112 §2.2 lets a server skip one before a request; a response starts with its status line (RFC 9112 §2.1)",
  },
  {
    codes: ["bad-status-line"],
    when: (item) => /^HTTP\/\d\.\d \d{3}$/.test(firstLine(item)),
    clients: ["llhttp", "undici"],
    direction: "client-accepts",
    why: 'no space after the status code: the grammar has "SP [ reason-phrase ]" (RFC 9112 §4); clients ignore the reason, and its space with it',
  },
  {
    codes: ["bad-status-line"],
    when: (item) => /^HTTP\/\d\.\d \d{3} /.test(firstLine(item)),
    clients: ["llhttp", "undici"],
    direction: "client-accepts",
    why: "control byte in the reason phrase: the grammar forbids it (RFC 9112 §4), and a client SHOULD ignore the reason phrase (RFC 9112 §4), so they do not look",
  },
  {
    codes: ["bad-status-code"],
    clients: ["llhttp", "undici"],
    direction: "client-accepts",
    why: "status code outside 100-599: invalid (RFC 9110 §15); llhttp hands any three digits to the application, and undici keeps those it can",
  },
  {
    codes: ["bad-version"],
    when: (item) => /^HTTP\/(2\.0|0\.9) /.test(firstLine(item)),
    clients: ["llhttp", "undici"],
    direction: "client-accepts",
    why: "HTTP/2.0 or HTTP/0.9 in a status line: a server MUST NOT send a version it does not conform to (RFC 9110 §6.2); llhttp knows the names and reads on",
  },
  {
    codes: ["bad-header"],
    clients: ["undici"],
    direction: "client-accepts",
    why: "a header line that is not a field line (no token before the colon): RFC 9112 §5 forbids it; undici's parser skips the line",
  },
  {
    codes: ["obs-fold"],
    clients: ["undici"],
    direction: "client-accepts",
    why: "obs-fold: the sender MUST NOT fold (RFC 9112 §5.2), and a user agent MUST unfold with spaces, which undici does",
  },
  {
    codes: ["length-in-characters", "body-longer", "content-after-head"],
    clients: ["undici"],
    direction: "client-accepts",
    why: "bytes after the framed end: they are not this response's (RFC 9112 §6.3); undici reads the response as framed and drops the rest when the server closes, so its page is the framed one (cut if the length was short)",
  },
  {
    codes: ["bad-transfer-encoding"],
    when: (item) => /transfer-encoding:[^\r\n]*chunked[ \t]*,[ \t]*chunked|transfer-encoding:[^\r\n]*chunked[\s\S]*transfer-encoding:[^\r\n]*chunked/i.test(headOf(item)),
    clients: ["llhttp", "undici"],
    direction: "client-accepts",
    why: "chunked applied twice: a sender MUST NOT (RFC 9112 §7); llhttp decodes one layer, which here is all there is",
  },
  {
    codes: ["bad-transfer-encoding"],
    when: (item) => /^HTTP\/1\.0 /.test(firstLine(item)),
    clients: ["llhttp", "undici"],
    direction: "client-accepts",
    why: "Transfer-Encoding on an HTTP/1.0 response: RFC 9112 §6.1 tells the client to treat its framing as faulty (MUST); llhttp decodes the chunks anyway",
  },
  {
    codes: ["length-on-no-content"],
    clients: ["llhttp", "undici"],
    direction: "client-accepts",
    why: "Content-Length or Transfer-Encoding on a 1xx or 204: a server MUST NOT send them (RFC 9110 §8.6, RFC 9112 §6.1); a client ignores them, as RFC 9112 §6.3 (1) says",
  },
  {
    codes: ["bare-cr", "bare-lf", "no-blank-line", "bad-chunk", "bad-status-line", "bad-header"],
    when: (item) => /\r[^\n]/.test(item.bytes.toString("latin1")),
    explainsAll: true,
    clients: ["undici"],
    direction: "client-accepts",
    why: "a CR not followed by LF: a sender MUST NOT send one, and a recipient MUST take the element as invalid or read the CR as a space (RFC 9112 §2.2); undici takes CR plus any byte for a line end",
  },
  {
    codes: ["bare-cr"],
    when: (item) => /^[^\n]*\r[^\n]/.test(item.bytes.toString("latin1")) && (process.versions.llhttp ?? "").startsWith("9.3."),
    explainsAll: true,
    clients: ["llhttp"],
    direction: "client-accepts",
    why: "a CR not followed by LF in the status line: a sender MUST NOT send one (RFC 9112 §2.2); llhttp 9.3 (Node 20, which the lab no longer supports) ends the line there",
  },
  {
    codes: ["bad-chunk", "body-shorter"],
    when: (_item, response) => response.framing === "chunked" && (process.versions.undici ?? "").startsWith("6."),
    clients: ["undici"],
    direction: "client-accepts",
    why: "a chunk's data or the end of a chunked body not followed by CRLF: RFC 9112 §7.1 has CRLF there (the bare-LF leniency of §2.2 is for the start line and fields); undici 6 (Node 22) takes a bare LF, or any byte before it",
  },
  {
    codes: ["content-after-head", "body-longer", "length-in-characters"],
    when: (_item, response) => /^[\r\n]+$/.test(response.extra.toString("latin1")),
    clients: ["llhttp"],
    direction: "client-accepts",
    why: "empty lines after the end of a response: not part of it (RFC 9112 §6.3); llhttp skips them while it waits for a next response, as RFC 9112 §2.2 lets a server skip them before a request",
  },
  {
    codes: ["body-shorter", "incomplete", "bad-chunk"],
    when: (_item, response) => response.statusLine?.status === 205,
    clients: ["undici"],
    direction: "client-accepts",
    why: "a 205 whose framing announces content that never comes: RFC 9112 §6.3 (1) ends only HEAD, 1xx, 204 and 304 at the head (RFC 9110 §15.3.6 tells a 205 to frame its empty content); undici ends a 205 there too",
  },
  {
    when: (item) => /\r\ncontent-length:[ \t]*\d+ +(\r\n|$)/i.test(headOf(item)),
    clients: ["undici"],
    direction: "client-rejects",
    why: "a space after the Content-Length value: optional whitespace, not part of the value (RFC 9112 §5.1); undici 8 (Node 26) compares the body with the value as written and calls it a mismatch",
  },
  {
    codes: ["bad-transfer-encoding"],
    when: (item) => /\r\ntransfer-encoding:([^\r\n]*,[ \t]*(,|\r|$)|[ \t]*,)/im.test(headOf(item)),
    clients: ["llhttp", "undici"],
    direction: "client-accepts",
    why: 'an empty element in the Transfer-Encoding list ("chunked,"): a sender MUST NOT send one and a recipient MUST ignore it (RFC 9110 §5.6.1), so chunked is last; llhttp does not ignore it and reads to the close',
  },
  {
    codes: ["bad-status-line"],
    when: (item) => /^HTTP\/\d\.\d \d{4,}/.test(firstLine(item)),
    clients: ["undici"],
    direction: "client-accepts",
    why: "a status code of four digits or more: the grammar has exactly three (RFC 9112 §4); undici reads 0204 as 204",
  },
  {
    codes: ["unasked-upgrade"],
    clients: ["undici"],
    direction: "client-accepts",
    why: "101 to a request without Upgrade: the server MUST NOT switch (RFC 9110 §15.2.2); undici skips it like an interim 1xx and reads the response after it",
  },
  {
    when: (_item, response) => response.interim.some((line) => line.version === "1.0"),
    clients: ["llhttp"],
    direction: "client-rejects",
    why: "an interim 1xx labelled HTTP/1.0: llhttp ends an HTTP/1.0 message's connection with it (RFC 9112 §9.3), though an interim response is not the end of the exchange (RFC 9110 §15.2)",
  },
  {
    codes: ["unasked-upgrade"],
    clients: ["llhttp"],
    direction: "client-accepts",
    why: "101 to a request without Upgrade: the server MUST NOT switch (RFC 9110 §15.2.2); node:http passes the 101 on as a response",
  },
  {
    when: (_item, response) => response.interim.length > 0,
    clients: ["undici"],
    direction: "client-rejects",
    why: 'interim 1xx before the final response: a client MUST be able to parse them (RFC 9110 §15.2); undici\'s fetch fails with "bad response"',
  },
  {
    when: (item) => /\r\ncontent-length:[^\r\n]*\t/i.test(headOf(item)),
    clients: ["llhttp", "undici"],
    direction: "client-rejects",
    why: "HTAB after a Content-Length value: optional whitespace after a field value is allowed (RFC 9112 §5.1); llhttp refuses a tab there",
  },
];

export interface Verdict {
  item: Case;
  index: number;
  reader: { accepted: boolean; codes: ProblemCode[]; status: number | null; body: Buffer };
  clients: Record<ClientName, Outcome>;
  disagreements: Array<{ client: ClientName; direction: Direction; reason: Reason | null }>;
}

function readerVerdict(item: Case): { response: ParsedResponse; accepted: boolean; codes: ProblemCode[] } {
  const response = readResponse(item.bytes, true, { method: item.method });
  const musts = mustProblems(response);
  return { response, accepted: musts.length === 0 && response.complete, codes: musts.map((problem) => problem.code) };
}

function explain(item: Case, response: ParsedResponse, codes: ProblemCode[], client: ClientName, direction: Direction): Reason | null {
  const rows = REASONED.filter((row) => row.direction === direction && row.clients.includes(client));
  if (direction === "client-accepts") {
    // The client took what the reader refused: each MUST the server broke must be one a client may tolerate.
    const parted = rows.find((row) => row.explainsAll && row.when?.(item, response));
    if (parted) return parted;
    const explained = codes.map((code) => rows.find((row) => row.codes?.includes(code) && (!row.when || row.when(item, response))));
    return explained.every(Boolean) && explained.length > 0 ? explained[0]! : null;
  }
  return rows.find((row) => (row.codes ? row.codes.some((code) => codes.includes(code)) : true) && (!row.when || row.when(item, response))) ?? null;
}

export async function compareAll(cases: Case[], parallel = 8): Promise<Verdict[]> {
  const server = await startCaseServer(cases);
  try {
    const verdicts: Verdict[] = new Array(cases.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const index = next++;
        const item = cases[index]!;
        const [llhttp, undici] = await Promise.all([viaNodeHttp(server.port, index, item.method), viaFetch(server.port, index, item.method)]);
        const { response, accepted, codes } = readerVerdict(item);
        const clients = { llhttp, undici };
        const disagreements: Verdict["disagreements"] = [];
        for (const client of ["llhttp", "undici"] as const) {
          const outcome = clients[client];
          let direction: Direction | null = null;
          if (outcome.accepted && !accepted) direction = "client-accepts";
          else if (!outcome.accepted && accepted) direction = "client-rejects";
          else if (outcome.accepted && accepted && (outcome.status !== response.statusLine?.status || !outcome.body.equals(response.body))) direction = "body-differs";
          if (direction) disagreements.push({ client, direction, reason: explain(item, response, codes, client, direction) });
        }
        verdicts[index] = { item, index, reader: { accepted, codes, status: response.statusLine?.status ?? null, body: response.body }, clients, disagreements };
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    return verdicts;
  } finally {
    await server.close();
  }
}

/** Escaped, short: for tables. */
export function show(bytes: Buffer, max = 90): string {
  let out = "";
  for (const byte of bytes.subarray(0, max)) {
    if (byte === 0x0d) out += "\\r";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x5c) out += "\\\\";
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return bytes.length > max ? `${out}…` : out;
}

export function describeOutcome(outcome: Outcome): string {
  return outcome.accepted ? `${outcome.status} ${JSON.stringify(show(outcome.body, 30))}` : `rejects (${outcome.error.slice(0, 80)})`;
}

export { framing };
