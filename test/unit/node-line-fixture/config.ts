/** The lab's vitest config, running records.ts only: test/unit/node-line.test.ts runs it as on Node 20. */
import path from "node:path";
import main from "../../../vitest.config.ts";

export default {
  ...main,
  root: path.resolve(import.meta.dirname, "../../.."),
  test: {
    ...main.test,
    include: ["test/unit/node-line-fixture/records.ts"],
    exclude: [],
    // The lab's reporters (on an unsupported line, the list of what it skipped), and each test's state as JSON.
    reporters: [...[main.test?.reporters ?? "default"].flat(), "json"],
    outputFile: { json: process.env.LAB_NODE_LINE_JSON ?? "node-line-fixture.json" },
  },
};
