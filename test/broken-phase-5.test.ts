// Broken variants of phase 5 (see test/broken/cases.ts).
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(5);
