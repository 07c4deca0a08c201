// Hidden spec of phase 6: every check of `npm run phase 6`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(6);
