// Hidden spec of phase 3: every check of `npm run phase 3`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(3);
