// Hidden spec of phase 7: every check of `npm run phase 7`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(7);
