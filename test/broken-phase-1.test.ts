// Broken variants of phase 1 (see test/broken/cases.ts).
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(1);
