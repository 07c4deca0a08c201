// Broken variants of phase 14 that a real client (fetch, curl) catches first: they run on every Node line (see vitest.config.ts).
import { brokenSuite } from "./broken/suite.ts";

brokenSuite(14, "clients");
