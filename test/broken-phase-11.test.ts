// Broken variants of phase 11 (see test/broken/cases.ts).
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(11);
