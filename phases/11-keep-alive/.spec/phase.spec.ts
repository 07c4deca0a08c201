// Hidden spec of phase 11: every check of `npm run phase 11`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(11);
