// Hidden spec of phase 10: every check of `npm run phase 10`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(10);
