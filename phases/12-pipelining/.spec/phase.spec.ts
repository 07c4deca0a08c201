// Hidden spec of phase 12: every check of `npm run phase 12`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(12);
