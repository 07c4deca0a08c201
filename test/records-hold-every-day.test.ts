/**
 * No recorded report holds the day it was made: a record with a weekday, a month, a year or a time
 * in it holds only on that day, and fails CI on every other (the masks: test/broken/mask-dates.ts).
 * That the masks are enough is shown by making the records with the clock moved: test/days.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { DAY_OR_MONTH_NAME, TIME_OF_DAY } from "./broken/mask-dates.ts";

const REPORTS = path.resolve(import.meta.dirname, "reports");

test("no record holds a weekday, a month, a year or a time of day", () => {
  const found: string[] = [];
  for (const file of readdirSync(REPORTS).filter((name) => name.endsWith(".txt"))) {
    readFileSync(path.join(REPORTS, file), "utf8")
      .split("\n")
      .forEach((line, index) => {
        // A year of this century from 2020 on: the years a record can be made in. (2000 is /stream's ms limit, phase 14.)
        if (DAY_OR_MONTH_NAME.test(line) || TIME_OF_DAY.test(line) || /\b20[2-9]\d\b/.test(line)) found.push(`${file}:${index + 1}: ${line.trim()}`);
      });
  }
  expect(found).toEqual([]);
});
