// Hidden spec of phase 4: every check of `npm run phase 4`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(4);
