/**
 * What a recorded report must not hold: the day it was made. A server writes the time in many
 * forms (the right one and the classic wrong ones), the checker quotes them, and a record that kept
 * one would hold only on the day, at the hour, in the month it was recorded. Each form becomes a
 * placeholder of its own shape, so a record still shows which form the server sent (an IMF-fixdate,
 * JavaScript's toString(), an ISO timestamp…), never when.
 *
 * Where a form may be broken across lines by the report's wrapping, the whitespace between its
 * parts is kept, so the record's lines stay as they were wrapped.
 */

const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const DAY_LONG = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const HMS = "\\d{2}:\\d{2}:\\d{2}";

/** A zone after a time: GMT and UTC stay (they are the form, not the day); an offset or a local zone's abbreviation is masked. */
function zone(written: string): string {
  if (written === "GMT" || written === "UTC") return written;
  return /^[+-]\d{4}$/.test(written) ? "+hhmm" : "<zone>";
}

/** Digits of an ISO 8601 timestamp as the letters of its fields, separators and length kept. */
function isoShape(timestamp: string): string {
  const [, date, sep, time, fraction, offset] = /^(\d{4}-\d{2}-\d{2})(?:([T ])(\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(timestamp)!;
  let shape = date!.replace(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD");
  if (time !== undefined) shape += sep + (time.length === 5 ? "hh:mm" : "hh:mm:ss");
  if (fraction !== undefined) shape += `.${"s".repeat(fraction.length - 1)}`;
  if (offset !== undefined) shape += offset === "Z" ? "Z" : offset.includes(":") ? "+hh:mm" : "+hhmm";
  return shape;
}

const FORMS: [RegExp, (...groups: string[]) => string][] = [
  // IMF-fixdate, what Date must be (toUTCString(); Python's formatdate(usegmt=True)); with another
  // zone, what formatdate(localtime=True) or strftime("… %Z") writes.
  [
    new RegExp(`\\b${DAY},(\\s+)\\d{1,2}(\\s+)${MONTH}(\\s+)\\d{4}(\\s+)${HMS}(\\s+)(GMT|UTC|[+-]\\d{4}|[A-Z]{2,5})\\b`, "g"),
    (_match, s1, s2, s3, s4, s5, z) => `Ddd,${s1}DD${s2}Mmm${s3}YYYY${s4}hh:mm:ss${s5}${zone(z!)}`,
  ],
  // RFC 850, the obsolete form a recipient must still read (RFC 9110 §5.6.7).
  [new RegExp(`\\b${DAY_LONG},(\\s+)\\d{2}-${MONTH}-\\d{2}(\\s+)${HMS}(\\s+)GMT\\b`, "g"), (_match, s1, s2, s3) => `Dddddd,${s1}DD-Mmm-YY${s2}hh:mm:ss${s3}GMT`],
  // JavaScript's toString(), and its time-zone name in brackets (what ICU calls the zone).
  [
    new RegExp(`\\b${DAY}(\\s+)${MONTH}(\\s+)\\d{2}(\\s+)\\d{4}(\\s+)${HMS}(\\s+)GMT[+-]\\d{4}(?:(\\s+)\\([^()\\n]*\\))?`, "g"),
    (_match, s1, s2, s3, s4, s5, s6) => `Ddd${s1}Mmm${s2}DD${s3}YYYY${s4}hh:mm:ss${s5}GMT+hhmm${s6 === undefined ? "" : `${s6}(<zone name>)`}`,
  ],
  // toDateString() alone.
  [new RegExp(`\\b${DAY}(\\s+)${MONTH}(\\s+)\\d{2}(\\s+)\\d{4}\\b`, "g"), (_match, s1, s2, s3) => `Ddd${s1}Mmm${s2}DD${s3}YYYY`],
  // asctime (the third form of RFC 9110 §5.6.7), also Python's time.ctime().
  [new RegExp(`\\b${DAY}(\\s+)${MONTH}(\\s+)[ \\d]\\d(\\s+)${HMS}(\\s+)\\d{4}\\b`, "g"), (_match, s1, s2, s3, s4) => `Ddd${s1}Mmm${s2}DD${s3}hh:mm:ss${s4}YYYY`],
  // A common-log timestamp (Python's http.server logs "[07/Dec/2026 01:26:15]").
  [new RegExp(`\\b\\d{2}/${MONTH}/\\d{4}([: ])${HMS}(?: ([+-]\\d{4}))?`, "g"), (_match, sep, z) => `DD/Mmm/YYYY${sep}hh:mm:ss${z === undefined ? "" : ` ${zone(z)}`}`],
  // ISO 8601: toISOString(), Python's isoformat() and str(datetime.now()).
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\d:])/g, (match) => isoShape(match)],
  // toLocaleString() in the en-US form.
  [/\b\d{1,2}\/\d{1,2}\/\d{4},? \d{1,2}:\d{2}:\d{2}(?: [AP]M)?/g, (match) => (match.endsWith("M") ? "M/D/YYYY, h:mm:ss AM" : "M/D/YYYY, h:mm:ss")],
  // A time of day left on its own (toTimeString(), a log line's clock).
  [new RegExp(`\\b${HMS}(?:\\.\\d+)?(?:\\s+GMT[+-]\\d{4}(?:\\s+\\([^()\\n]*\\))?)?`, "g"), (match) => (/GMT/.test(match) ? "hh:mm:ss GMT+hhmm (<zone name>)" : "hh:mm:ss")],
  // Hours and minutes alone; never a file's line and column (server.ts:12:30), which follow a colon.
  [/(?<![:\d])\b\d{2}:\d{2}\b(?!:\d)/g, () => "hh:mm"],
];

export function maskDates(report: string): string {
  return FORMS.reduce((masked, [pattern, shape]) => masked.replace(pattern, (...args) => shape(...(args.slice(0, -2) as string[]))), report);
}

/** Names and digits that give the day away, for the scan of every record (test/records-hold-every-day.test.ts). */
export const DAY_OR_MONTH_NAME = new RegExp(`\\b(?:${DAY_LONG}|${DAY}|${MONTH}|January|February|March|April|June|July|August|September|October|November|December)\\b`);
/**
 * A time of day (h:mm, hh:mm:ss): not a file's line and column (server.ts:34:45), which follow a
 * colon, nor the lab's fixed zone offset (UTC+5:30), which follows a sign.
 */
export const TIME_OF_DAY = /(?<![:\d+-])\b(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?\b/;
