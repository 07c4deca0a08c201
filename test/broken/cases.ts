/**
 * Broken variants of the solutions: each makes one mistake a student makes, as a small patch
 * on a reference solution, and names the check that must catch it and the words it must use.
 * (A patch instead of a copy: the mistake is the whole diff, and a changed solution that no
 * longer matches a patch fails loudly instead of silently testing something else.)
 * Each phase's variants are in cases/phase-<n>.ts.
 */
import { phase1Cases } from "./cases/phase-1.ts";
import { phase2Cases } from "./cases/phase-2.ts";
import { phase3Cases } from "./cases/phase-3.ts";
import { phase4Cases } from "./cases/phase-4.ts";
import { phase5Cases } from "./cases/phase-5.ts";
import { phase6Cases } from "./cases/phase-6.ts";
import { phase7Cases } from "./cases/phase-7.ts";
import { phase8Cases } from "./cases/phase-8.ts";
import { phase9Cases } from "./cases/phase-9.ts";
import { phase10Cases } from "./cases/phase-10.ts";
import { phase11Cases } from "./cases/phase-11.ts";
import { phase12Cases } from "./cases/phase-12.ts";
import { phase13Cases } from "./cases/phase-13.ts";
import { phase14Cases } from "./cases/phase-14.ts";
import { phase15Cases } from "./cases/phase-15.ts";
import type { BrokenCase } from "./cases/common.ts";

export type { BrokenCase } from "./cases/common.ts";

export const brokenCases: BrokenCase[] = [...phase1Cases, ...phase2Cases, ...phase3Cases, ...phase4Cases, ...phase5Cases, ...phase6Cases, ...phase7Cases, ...phase8Cases, ...phase9Cases, ...phase10Cases, ...phase11Cases, ...phase12Cases, ...phase13Cases, ...phase14Cases, ...phase15Cases];
