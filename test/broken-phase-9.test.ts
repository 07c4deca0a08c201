// Broken variants of phase 9 (see test/broken/cases.ts).
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(9);
