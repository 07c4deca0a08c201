// Hidden spec of phase 13: every check of `npm run phase 13`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(13);
