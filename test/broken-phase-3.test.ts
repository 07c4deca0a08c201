// Broken variants of phase 3 (see test/broken/cases.ts).
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(3);
