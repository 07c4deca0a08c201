// Broken variants of phase 11 that a real client inside the checker catches first: they run on every Node line.
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(11, "clients");
