// Hidden spec of phase 2: every check of `npm run phase 2`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(2);
