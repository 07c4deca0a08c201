// Broken variants of phase 13 caught on the wire (see test/broken/cases.ts); those a real client catches first are in broken-phase-13-clients.test.ts.
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(13, "wire");
