/**
 * Where the RFC allows two answers, the checks accept both: each server here gives the other
 * allowed answer than the solution does (an obs-fold joined instead of refused, a folder's index
 * served without the redirect, 403 instead of 404 for a climb, the biggest head limit the contract
 * allows), and must pass every check of its phase.
 */
import { expect, test } from "vitest";
import type { BrokenCase } from "./broken/cases.ts";
import { gradeBroken } from "./broken/harness.ts";

const lookAlikes: Array<Pick<BrokenCase, "name" | "phase" | "base" | "mistake" | "patch">> = [
  {
    name: "7-joins-an-obs-fold",
    phase: 7,
    base: "solutions/7-headers/server.ts",
    mistake: "joins a folded line to the field before it with a space (RFC 9112 §5.2's other answer)",
    patch: [
      [
        "    if (/^[ \\t]/.test(line)) return null;",
        '    if (/^[ \\t]/.test(line)) {\n      const last = fields.at(-1);\n      if (!last) return null;\n      last[1] = `${last[1]} ${line.replace(/^[ \\t]+|[ \\t]+$/g, "")}`;\n      continue;\n    }',
      ],
    ],
  },
  {
    name: "7-head-limit-64k",
    phase: 7,
    base: "solutions/7-headers/server.ts",
    mistake: "takes heads up to 64 KiB, the most the contract allows",
    patch: [["const MAX_HEAD_BYTES = 32 * 1024;", "const MAX_HEAD_BYTES = 64 * 1024;"]],
  },
  {
    name: "9-serves-a-folder-without-redirect",
    phase: 9,
    base: "solutions/9-static/server.ts",
    mistake: "serves a folder's index.html at once when its final slash is missing (no 301)",
    patch: [['    if (parts.at(-1) !== "") return generateResponse({ status: 301, body: "<h1>301 Moved Permanently</h1>", headers: { Location: `${rawPath}/` } }, head);', '    if (parts.at(-1) !== "") parts = [...parts, ""];']],
  },
  {
    name: "9-forbids-a-climb",
    phase: 9,
    base: "solutions/9-static/server.ts",
    mistake: "answers 403 Forbidden, not 404, to a path with a \"..\" segment",
    patch: [["  let file = await resolveFile(parts);", '  if (parts.includes("..")) return generateResponse(error(403), head);\n  let file = await resolveFile(parts);']],
  },
];

test.each(lookAlikes)("$name: $mistake; every check passes", async (lookAlike) => {
  const graded = await gradeBroken({ ...lookAlike, firstFailure: "", says: /./ });
  expect(graded.firstProblem, graded.text).toBeUndefined();
});
