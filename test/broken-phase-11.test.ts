// Broken variants of phase 11 caught on the wire (see test/broken/cases.ts); those a real client catches are in broken-phase-11-clients.test.ts.
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(11, "wire");
