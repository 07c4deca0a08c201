// Hidden spec of phase 14: every check of `npm run phase 14`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(14);
