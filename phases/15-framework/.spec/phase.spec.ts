// Hidden spec of phase 15: every check of `npm run phase 15`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(15);
