// Broken variants of phase 2 (see test/broken/cases.ts).
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(2);
