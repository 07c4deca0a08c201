/**
 * --browser: phase 4's counter page in a real, headless Chromium, refreshed as a person does (the
 * seed tutorial's own test). Skipped, and said so, where no Chromium is installed.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { findChromium, INSTALL_CHROMIUM } from "../checker/grader/chromium.ts";
import { brokenCases } from "./broken/cases.ts";
import { ROOT, expectRecord, grade, gradeBroken, hasPython } from "./broken/harness.ts";

const chromium = findChromium();
const missing = "missing" in chromium;

describe.skipIf(missing)("phase 4 with --browser (headless Chromium)", () => {
  test("the solution passes: each refresh shows one more, favicon requests included", async () => {
    const label = "solutions/4-counter/server.ts";
    const graded = await grade(4, { kind: "file", file: path.join(ROOT, label), label }, { browser: true });
    const result = graded.report.results.find((r) => r.id === "counter.browser");
    expect(result?.status, graded.text).toBe("pass");
    expect(graded.firstProblem, graded.text).toBeUndefined();
  });

  test("4-counts-favicon fails it: the browser's favicon requests are counted too", async () => {
    const brokenCase = brokenCases.find((c) => c.name === "4-counts-favicon")!;
    const graded = await gradeBroken(brokenCase, { browser: true });
    const result = graded.report.results.find((r) => r.id === "counter.browser");
    expect(result?.status, graded.text).toBe("fail");
    expect(result!.finding!.message, graded.text).toMatch(/that is 1, 3, 5, where one more per load gives 1, 2, 3\. Each refresh adds 2: the favicon request was counted too/);
    expect(result!.hint, graded.text).toMatch(/favicon/);
    await expectRecord(graded.text, "browser-4-counts-favicon.txt");
  });
});

describe.skipIf(missing)("phase 9 with --browser: the checker's page, its stylesheet, image and module script", () => {
  test("the solution passes, and the screenshot is saved where the report says", async () => {
    const shots = mkdtempSync(path.join(tmpdir(), "http-lab-shots-"));
    process.env.LAB_SCREENSHOTS = shots;
    try {
      const label = "solutions/9-static/server.ts";
      const graded = await grade(9, { kind: "file", file: path.join(ROOT, label), label }, { browser: true });
      const result = graded.report.results.find((r) => r.id === "static.browser");
      expect(result?.status, graded.text).toBe("pass");
      expect(existsSync(path.join(shots, "phase-9.png"))).toBe(true);
    } finally {
      delete process.env.LAB_SCREENSHOTS;
      rmSync(shots, { recursive: true, force: true });
    }
  });

  test.skipIf(!hasPython)("py-9-js-as-plain-text fails it: Chromium refuses a module script sent as text/plain", async () => {
    // A fixed folder: the report names the screenshot, and the report is recorded.
    const shots = path.join(tmpdir(), "http-lab-screenshots-test");
    process.env.LAB_SCREENSHOTS = shots;
    try {
      const graded = await gradeBroken(brokenCases.find((c) => c.name === "py-9-js-as-plain-text")!, { browser: true });
      const result = graded.report.results.find((r) => r.id === "static.browser");
      expect(result?.status, graded.text).toBe("fail");
      expect(result!.finding!.message, graded.text).toMatch(/Chromium did not run the page's module script app\.js, which came as text\/plain; charset=utf-8/);
      expect(result!.finding!.message, graded.text).toContain(path.join(shots, "phase-9.png"));
      await expectRecord(graded.text, "browser-py-9-js-as-plain-text.txt");
    } finally {
      delete process.env.LAB_SCREENSHOTS;
      rmSync(shots, { recursive: true, force: true });
    }
  });
});

describe.skipIf(missing)("phase 13 with --browser: a long text file, compressed on the way", () => {
  test("the solution passes: Chromium shows the file, and it came compressed", async () => {
    const label = "solutions/13-gzip/server.ts";
    const graded = await grade(13, { kind: "file", file: path.join(ROOT, label), label }, { browser: true });
    const result = graded.report.results.find((r) => r.id === "client.chromium-compressed");
    expect(result?.status, graded.text).toBe("pass");
    expect(graded.firstProblem, graded.text).toBeUndefined();
  });

  test("a server that labels raw deflate as gzip fails it: Chromium shows ERR_CONTENT_DECODING_FAILED", async () => {
    const graded = await gradeBroken(
      {
        name: "browser-13-raw-deflate-as-gzip",
        phase: 13,
        base: "solutions/13-gzip/server.ts",
        mistake: "compresses with deflateRaw and says Content-Encoding: gzip",
        patch: [['import { gzip } from "node:zlib";', 'import { deflateRaw as gzip } from "node:zlib";']],
        firstFailure: "gzip.compressed",
        says: /does not decode as gzip/,
      },
      { browser: true },
    );
    const result = graded.report.results.find((r) => r.id === "client.chromium-compressed");
    expect(result?.status, graded.text).toBe("fail");
    expect(result!.finding!.message, graded.text).toMatch(/^Chromium failed: net::ERR_CONTENT_DECODING_FAILED/);
    // Only the browser check's own words are recorded: this variant fails a dozen checks, and where
    // the lines a server prints as one check's client leaves fall (that check's tail or the next
    // one's) is timing. The other checks' words are the wire variants' records.
    const block = /^ {2}✗ 13\.16 [^\n]*\n(?: {6}(?!server output)[^\n]*\n| {16}[^\n]*\n)*/m.exec(graded.text)?.[0];
    expect(block, graded.text).toBeDefined();
    // The report's first line says which phase the block is of (the coverage test reads it).
    await expectRecord(`${graded.text.split("\n")[0]}\n${block!}`, "browser-13-raw-deflate-as-gzip.txt");
  });
});

describe.skipIf(missing)("phase 14 with --browser: /stream, chunk by chunk", () => {
  test("the solution passes: Chromium shows the lines, and the load ends with the last chunk", async () => {
    const label = "solutions/14-chunked/server.ts";
    const graded = await grade(14, { kind: "file", file: path.join(ROOT, label), label }, { browser: true });
    for (const id of ["client.chromium-stream", "client.chromium-compressed"]) {
      expect(graded.report.results.find((r) => r.id === id)?.status, graded.text).toBe("pass");
    }
    expect(graded.firstProblem, graded.text).toBeUndefined();
  });

  test("a stream that closes without its last chunk fails it: Chromium shows ERR_INCOMPLETE_CHUNKED_ENCODING", async () => {
    const graded = await gradeBroken(
      {
        name: "browser-14-no-last-chunk",
        phase: 14,
        base: "solutions/14-chunked/server.ts",
        mistake: "ends a stream by closing the connection, without the last chunk",
        patch: [["  if (chunked) socket.write(chunk(Buffer.alloc(0)));\n  return keep;", "  return false;"]],
        firstFailure: "chunked.stream",
        says: /before the last chunk/,
      },
      { browser: true },
    );
    const result = graded.report.results.find((r) => r.id === "client.chromium-stream");
    expect(result?.status, graded.text).toBe("fail");
    expect(result!.finding!.message, graded.text).toMatch(/^Chromium failed: net::ERR_INCOMPLETE_CHUNKED_ENCODING/);
    // Only the browser check's block is recorded, as for phase 13 (the other checks are the wire variants').
    const number = graded.report.results.findIndex((r) => r.id === "client.chromium-stream") + 1;
    const block = new RegExp(`^ {2}✗ 14\\.${number} [^\\n]*\\n(?: {6}(?!server output)[^\\n]*\\n| {16}[^\\n]*\\n)*`, "m").exec(graded.text)?.[0];
    expect(block, graded.text).toBeDefined();
    await expectRecord(`${graded.text.split("\n")[0]}\n${block!}`, "browser-14-no-last-chunk.txt");
  });
});

if (missing) {
  test.skip(`chromium is not installed: the --browser tests are skipped (${INSTALL_CHROMIUM})`, () => {});
}

describe("finding the browser", () => {
  test("LAB_CHROMIUM comes first, and a wrong one is named", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "http-lab-find-"));
    try {
      const fake = path.join(dir, "my-chrome");
      writeFileSync(fake, "#!/bin/sh\n", { mode: 0o755 });
      expect(findChromium({ LAB_CHROMIUM: fake, PATH: "" })).toEqual({ found: fake });
      const wrong = findChromium({ LAB_CHROMIUM: path.join(dir, "nothing-here"), PATH: "" });
      expect("missing" in wrong && wrong.missing).toMatch(/LAB_CHROMIUM is set to .*nothing-here/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("without one, the message says how to install it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "http-lab-find-"));
    try {
      const none = findChromium({ PATH: dir });
      // macOS and Windows also look in the usual install folders, which may hold a browser.
      if (process.platform === "linux") expect("missing" in none && none.missing).toMatch(/apt install chromium.*Google Chrome or Chromium.*LAB_CHROMIUM=/);
      writeFileSync(path.join(dir, "chromium-browser"), "#!/bin/sh\n", { mode: 0o755 });
      expect(findChromium({ PATH: dir })).toEqual({ found: path.join(dir, "chromium-browser") });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
