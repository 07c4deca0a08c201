// Broken variants of phase 12 (see test/broken/cases.ts).
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(12);
