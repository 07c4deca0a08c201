/** Which folders of files a new run removes: judged by whether their checker lives, never by age. */
import { spawnSync } from "node:child_process";
import { existsSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, expect, test } from "vitest";
import { createRng } from "../../checker/grader/rng.ts";
import { keepSite, makeSite, removeSite, type Site } from "../../checker/grader/site.ts";

const made: Site[] = [];
const site = (seed: number, removeKept = false): Site => {
  const next = makeSite(createRng(seed), removeKept);
  made.push(next);
  return next;
};
afterEach(() => made.splice(0).forEach(removeSite));

/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

test("a site whose checker still runs stays, however old its folder looks", () => {
  const other = site(1);
  // As under a moved clock, or a file system whose clock differs: the folder looks two days old.
  const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
  utimesSync(other.dir, twoDaysAgo, twoDaysAgo);
  site(2, true);
  expect(existsSync(other.root)).toBe(true);
});

test("a site whose checker is gone (killed before it could remove it) goes", () => {
  const orphan = site(3);
  writeFileSync(path.join(orphan.dir, ".owner"), String(deadPid()));
  site(4);
  expect(existsSync(orphan.dir)).toBe(false);
});

test("a site kept for the try-it lines goes only when a run that may keep its own starts", () => {
  const kept = site(5);
  keepSite(kept);
  site(6, false);
  expect(existsSync(kept.root), "a run that keeps nothing (the tests, the grader) leaves it").toBe(true);
  site(7, true);
  expect(existsSync(kept.dir), "npm run phase removes it").toBe(false);
});
