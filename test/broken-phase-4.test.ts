// Broken variants of phase 4 (see test/broken/cases.ts).
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(4);
