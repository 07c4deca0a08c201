// Broken variants of phase 10 (see test/broken/cases.ts).
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(10);
