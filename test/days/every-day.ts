/**
 * npm run test:days: all of the suite's record-making (every broken variant, the skeletons, the
 * browser records) on each of the seven days after today, one day after another, with libfaketime.
 * npm test runs the cases that carry the time (test/days.test.ts); this is the whole proof, for a
 * change to the masks or to a message with a date in it. About 2-3 minutes a day on two cores.
 *   npm run test:days [-- <vitest file or filter>...]
 */
import { libfaketime, runOnMovedClock, weekOfDays } from "./moved-clock.ts";

const FILES = ["test/broken-phase-1.test.ts", "test/broken-phase-2.test.ts", "test/broken-phase-3.test.ts", "test/broken-phase-4.test.ts", "test/broken-phase-5.test.ts",
  "test/broken-phase-6.test.ts", "test/broken-phase-7.test.ts", "test/broken-phase-8.test.ts", "test/broken-phase-9.test.ts", "test/skeletons.test.ts", "test/browser.test.ts"];

const library = libfaketime();
if (library === null) {
  console.error("libfaketime is not installed: apt install faketime (Debian, Ubuntu).");
  process.exit(2);
}
const files = process.argv.length > 2 ? process.argv.slice(2) : FILES;
let failed = 0;
for (const day of weekOfDays()) {
  const started = performance.now();
  const { ok, output } = await runOnMovedClock(library, day, files);
  const counts = /^\s*Tests\s+(\d[^\n]*)$/m.exec(output)?.[1]?.trim() ?? "no count";
  console.log(`${ok ? "ok  " : "FAIL"} ${day.label}: ${counts} (${Math.round((performance.now() - started) / 1000)} s)`);
  if (!ok) {
    failed += 1;
    console.log(output.split("\n").filter((line) => /^\s*(×|FAIL|[-+] )/.test(line)).slice(0, 60).join("\n"));
  }
}
console.log(failed === 0 ? "Every record matched on every day." : `${failed} of 7 days had records that did not match.`);
process.exit(failed === 0 ? 0 : 1);
