// Hidden spec of phase 1: every check of `npm run phase 1`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(1);
