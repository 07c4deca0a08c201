// Hidden spec of phase 9: every check of `npm run phase 9`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(9);
