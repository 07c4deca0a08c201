// Broken variants of phase 6 (see test/broken/cases.ts).
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(6);
