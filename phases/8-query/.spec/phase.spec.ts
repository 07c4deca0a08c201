// Hidden spec of phase 8: every check of `npm run phase 8`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(8);
