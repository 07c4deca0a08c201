import { spawnSync } from "node:child_process";
import { expect, test } from "vitest";
import { DAY_OR_MONTH_NAME, TIME_OF_DAY, maskDates } from "../broken/mask-dates.ts";
import { hasPython } from "../broken/harness.ts";

/** Nothing of the day may be left: no name of a day or month, no time, no year. */
function expectNothingOfTheDay(masked: string, from: string): void {
  expect(masked, from).not.toMatch(DAY_OR_MONTH_NAME);
  expect(masked, from).not.toMatch(TIME_OF_DAY);
  expect(masked, from).not.toMatch(/\b20\d\d\b/);
}

// Instants that test the edges: a one-digit day, the last second of a year, a day in May (a month
// whose short name is its whole name), midnight, a leap day.
const INSTANTS = ["2026-01-05T03:04:05.006Z", "2026-12-31T23:59:59.999Z", "2027-05-09T00:00:00.000Z", "2028-02-29T18:30:00.000Z", "2026-09-13T12:34:56.789Z"];

test("each of JavaScript's forms of a date is masked to its shape, whatever the day", () => {
  for (const instant of INSTANTS) {
    const date = new Date(instant);
    const forms: [string, string][] = [
      [date.toUTCString(), "Ddd, DD Mmm YYYY hh:mm:ss GMT"],
      [date.toISOString(), "YYYY-MM-DDThh:mm:ss.sssZ"],
      [date.toString().replace(/GMT[+-]\d{4} \(.*\)$/, "GMT+0530 (India Standard Time)"), "Ddd Mmm DD YYYY hh:mm:ss GMT+hhmm (<zone name>)"],
      [date.toDateString(), "Ddd Mmm DD YYYY"],
      [date.toLocaleString("en-US", { timeZone: "UTC" }), "M/D/YYYY, h:mm:ss AM"],
      [date.toTimeString().replace(/GMT.*$/, "GMT+0530 (India Standard Time)"), "hh:mm:ss GMT+hhmm (<zone name>)"],
    ];
    for (const [written, shape] of forms) {
      const masked = maskDates(`Date: ${written}\r\n`);
      expect(masked, written).toBe(`Date: ${shape}\r\n`);
      expectNothingOfTheDay(masked, written);
    }
  }
});

test("the forms RFC 9110 §5.6.7 names, a zone other than GMT, and a log line's clock are masked", () => {
  const cases: [string, string][] = [
    ["Sunday, 06-Nov-94 08:49:37 GMT", "Dddddd, DD-Mmm-YY hh:mm:ss GMT"],
    ["Sun Nov  6 08:49:37 1994", "Ddd Mmm DD hh:mm:ss YYYY"],
    ["Sun, 06 Nov 1994 14:19:37 +0530", "Ddd, DD Mmm YYYY hh:mm:ss +hhmm"],
    ["Sun, 06 Nov 1994 14:19:37 IST", "Ddd, DD Mmm YYYY hh:mm:ss <zone>"],
    ['127.0.0.1 - - [06/Nov/1994 08:49:37] "GET / HTTP/1.1" 200 -', '127.0.0.1 - - [DD/Mmm/YYYY hh:mm:ss] "GET / HTTP/1.1" 200 -'],
    ["1994-11-06 14:19:37.123456+05:30", "YYYY-MM-DD hh:mm:ss.ssssss+hh:mm"],
    ["started at 08:49", "started at hh:mm"],
  ];
  for (const [written, shape] of cases) expect(maskDates(written), written).toBe(shape);
});

test("a date broken across two lines by the report's wrapping keeps its line break", () => {
  expect(maskDates("the Date says Mon, 05 Jan 2026\n      03:04:05 GMT: it is")).toBe("the Date says Ddd, DD Mmm YYYY\n      hh:mm:ss GMT: it is");
});

test("what is not a date stays: a file's line and column, a seed, a status line, an address", () => {
  const text = "at parseRequest (<TMP>/server.ts:12:30)\nseed 20261125\nHTTP/1.1 200 OK\n127.0.0.1:<client port>\nContent-Length: 2026\nMayday";
  expect(maskDates(text)).toBe(text);
  expect(text.split("\n")[0]).not.toMatch(TIME_OF_DAY);
});

test.runIf(hasPython)("each of Python's usual ways to write the time is masked", () => {
  const script = [
    "import datetime, email.utils, time",
    "print(email.utils.formatdate(usegmt=True))",
    "print(email.utils.formatdate(localtime=True))",
    "print(time.ctime())",
    "print(time.strftime('%a, %d %b %Y %H:%M:%S %Z'))",
    "print(datetime.datetime.now())",
    "print(datetime.datetime.now(datetime.timezone.utc).isoformat())",
  ].join("\n");
  const python = spawnSync("python3", ["-c", script], { encoding: "utf8", env: { ...process.env, TZ: "Asia/Kolkata" } });
  expect(python.status, python.stderr).toBe(0);
  for (const line of python.stdout.trim().split("\n")) expectNothingOfTheDay(maskDates(line), line);
});
