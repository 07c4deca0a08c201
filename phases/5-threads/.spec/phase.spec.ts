// Hidden spec of phase 5: every check of `npm run phase 5`, as vitest tests.
import { specPhase } from "../../../checker/grader/spec.ts";

specPhase(5);
