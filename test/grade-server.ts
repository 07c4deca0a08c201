/** Grades a small hand-written server (a .mjs source) with the real checker, as an instructor's --cmd would. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { findPhase } from "../checker/manifest.ts";
import { plainStyle, renderReport } from "../checker/grader/report.ts";
import { runPhase } from "../checker/grader/run.ts";
import type { CheckResult, RunReport } from "../checker/types.ts";
import { ROOT } from "./broken/harness.ts";

const dir = mkdtempSync(path.join(tmpdir(), "http-lab-graded-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

export interface Graded {
  report: RunReport;
  shown: string;
  seconds: number;
  /** How much the checker's memory grew at most while grading. */
  peakMb: number;
  result(id: string): CheckResult;
}

export async function gradeServer(name: string, source: string, phase = "3"): Promise<Graded> {
  const file = path.join(dir, `${name}.mjs`);
  writeFileSync(file, source);
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const report = await runPhase({ phase: findPhase(phase)!, target: { kind: "cmd", command: `node ${file}` }, seed: 3, root: ROOT });
    const result = (id: string): CheckResult => {
      const found = report.results.find((each) => each.id === id);
      if (!found) throw new Error(`no result for ${id}`);
      return found;
    };
    return { report, shown: renderReport(report, plainStyle), seconds: (performance.now() - started) / 1000, peakMb: (peak - before) / 1e6, result };
  } finally {
    clearInterval(sampler);
  }
}
