/** Every untouched skeleton runs, and fails its phase at the first thing a student must do. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { phases, studentFile } from "../checker/manifest.ts";
import { ROOT, expectRecord, grade } from "./broken/harness.ts";

const firstFailure: Record<number, { id: string; status: "fail" | "error"; says: RegExp }> = {
  1: { id: "start", status: "error", says: /exited \(code 0\) without ever listening/ },
  2: { id: "parse.unit-paths", status: "fail", says: /parseRequest\(.*\) returned ""/ },
  3: { id: "respond.unit-format", status: "fail", says: /generateResponse\(.*\) returned nothing: an empty Buffer/ },
  4: { id: "counter.first-visit", status: "fail", says: /does not say "This page has been accessed N times\."/ },
  5: { id: "threads.concurrent", status: "fail", says: /serves one client at a time/ },
  6: { id: "route.unit-paths", status: "fail", says: /dispatch\("GET", "\/about"\) returned nothing: an empty response/ },
  9: { id: "static.unit-types", status: "fail", says: /contentType\("index\.html"\) returned "application\/octet-stream"/ },
  8: { id: "query.unit-segments", status: "fail", says: /decodeSegments\("\/hello\/J%C3%BCrgen"\) returned \["hello","J%C3%BCrgen"\]/ },
  7: { id: "headers.unit-parse", status: "fail", says: /parseHeaders\(.*\) returned \{\}: the field "host" is missing/ },
  10: { id: "post.unit-length", status: "fail", says: /contentLength\("1e3"\) returned 1000/ },
  11: { id: "keep.unit-persistent", status: "fail", says: /persistent\("HTTP\/1\.1"\) returned false\. HTTP\/1\.1 connections stay open/ },
  12: { id: "pipe.in-one-write", status: "fail", says: /1 of the 3 requests got an answer/ },
  13: { id: "gzip.unit-accepts", status: "fail", says: /acceptsGzip\("gzip"\) returned false: the client lists gzip/ },
  14: { id: "chunked.unit-chunk", status: "fail", says: /^chunk\(Buffer\.from\("hello"\)\) returned "hello": a chunk is its size in hex/ },
  15: { id: "framework.hello", status: "fail", says: /^For GET \/, your server answered 501, where the app answers 200/ },
};

for (const phase of phases) {
  test(`the skeleton of phase ${phase.number} (${phase.slug}) fails first at ${firstFailure[phase.number]!.id}`, async () => {
    const label = studentFile(phase);
    const graded = await grade(phase.number, { kind: "file", file: path.join(ROOT, label), label }, { volatile: phase.number >= 5 });
    const expected = firstFailure[phase.number]!;
    expect(graded.firstProblem?.id, graded.text).toBe(expected.id);
    expect(graded.firstProblem?.status, graded.text).toBe(expected.status);
    expect(graded.firstProblem?.finding?.message, graded.text).toMatch(expected.says);
    await expectRecord(graded.text, `skeleton-${phase.number}-${phase.slug}.txt`);
  });
}

test("each phase ships a pristine copy of its skeleton (what `npm run lab -- reset` puts back)", () => {
  for (const phase of phases) {
    const shipped = readFileSync(path.join(ROOT, studentFile(phase)));
    expect(shipped.equals(readFileSync(path.join(ROOT, phase.skeleton))), `${studentFile(phase)} differs from ${phase.skeleton}`).toBe(true);
  }
});
