// Broken variants of phase 7 (see test/broken/cases.ts).
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(7);
