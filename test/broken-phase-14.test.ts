// Broken variants of phase 14 caught on the wire (see test/broken/cases.ts); those a real client catches first are in broken-phase-14-clients.test.ts.
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(14, "wire");
