// Broken variants of phase 8 (see test/broken/cases.ts).
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(8);
