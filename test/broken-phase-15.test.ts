// Broken variants of phase 15 caught on the wire (see test/broken/cases.ts); a real client catches none of them first.
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(15, "wire");
