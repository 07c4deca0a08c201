/**
 * Every code name a lesson (in backticks) or a hint mentions exists: in that phase's skeleton or
 * solution, in Node or JavaScript (or Python, in a paragraph about Python), or among the lab's
 * listed terms. A check's hints are held to every phase that shows the check.
 */
import { describe, expect, test } from "vitest";
import { phases } from "../../checker/manifest.ts";
import { KNOWN_WRONG_NAMES } from "./known.ts";
import { hasPython } from "./universe.ts";
import { allHints, lessonOf } from "./sources.ts";
import { nameKey, wrongNames, type WrongName } from "./wrong-names.ts";

let found: WrongName[] | null = null;
const everyWrongName = (): WrongName[] => (found ??= wrongNames());

function shown(each: WrongName): string {
  return `${nameKey(each)}${each.line ? ` (line ${each.line})` : ""}${each.unknown !== each.name ? ` [not known: ${each.unknown}]` : ""}: ${each.span.length > 140 ? `${each.span.slice(0, 140)}...` : each.span}`;
}

describe("the names in the lessons and hints", () => {
  for (const phase of phases) {
    test(`phase ${phase.number} (${phase.slug}): every name its lesson and hints use exists`, () => {
      const wrong = everyWrongName().filter((each) => each.phase === phase.number);
      const known = KNOWN_WRONG_NAMES.filter((each) => each.phase === phase.number);
      const knownKeys = new Set(known.map(nameKey));
      const unexpected = wrong.filter((each) => !knownKeys.has(nameKey(each)));
      expect(unexpected.map(shown), "names that are in neither the phase's skeleton, its solution, Node/JavaScript, nor test/words/lab-terms.ts").toEqual([]);
      const wrongKeys = new Set(wrong.map(nameKey));
      const fixed = known.filter((each) => !wrongKeys.has(nameKey(each)));
      expect(fixed.map((each) => `${nameKey(each)} (issue ${each.issue})`), "listed in test/words/known.ts, but right now: remove them from KNOWN_WRONG_NAMES").toEqual([]);
    });
  }
});

describe("the test can fail", () => {
  const phase6 = phases.find((phase) => phase.number === 6)!;
  const phase9 = phases.find((phase) => phase.number === 9)!;

  test("a wrong name planted in a lesson (a call, a member, a constant) is found; right ones are not", () => {
    const lesson = `${lessonOf(phase6)}\n\nPlanted: call \`dispatchRequest(method, target)\`, read \`request.headrs\`, and \`MAX_HEAD_SIZE\`; but \`socket.setTimeout\`, \`generateResponse(reply, true)\` and \`Object.create(null)\` are right.\n`;
    const wrong = wrongNames([phase6], { lessons: new Map([[6, lesson]]), hints: [] }).filter((each) => each.where === "lesson").map((each) => each.name);
    expect(wrong).toEqual(expect.arrayContaining(["dispatchRequest", "request.headrs", "MAX_HEAD_SIZE"]));
    expect(wrong).not.toContain("socket.setTimeout");
    expect(wrong).not.toContain("generateResponse");
    expect(wrong).not.toContain("Object.create");
  });

  test("a wrong name planted in a hint is found, in each phase that shows the check", () => {
    const hints = allHints().map((hint) =>
      hint.where === "hint static.types#3" ? { ...hint, text: 'In serveFile: const fields = { "Content-Type": contentTypeOf(file), "Content-Length": String(info.sized) };' } : hint,
    );
    const wrong = wrongNames([phase9], { lessons: new Map([[9, lessonOf(phase9)]]), hints }).filter((each) => each.where === "hint static.types#3");
    expect(wrong.map((each) => each.name)).toEqual(expect.arrayContaining(["contentTypeOf", "info.sized"]));
    // A check of phase 5 shown in phase 9 too: its phase-5 name is wrong there.
    const concurrent = allHints().map((hint) => (hint.where === "hint threads.concurrent#2" ? { ...hint, text: "Call blockFor(SLOW_MS) in a worker." } : hint));
    const inPhase9 = wrongNames([phase9], { hints: concurrent }).filter((each) => each.where === "hint threads.concurrent#2").map((each) => each.name);
    expect(inPhase9).toContain("blockFor");
  });

  test.runIf(hasPython)("in a paragraph about Python, a Python name counts and a wrong one is found", () => {
    const lesson = `${lessonOf(phase9)}\n\nIn Python, \`os.path.realpath\` and \`email.utils.formatdate\` are right, \`os.path.realpth\` is not.\n`;
    const wrong = wrongNames([phase9], { lessons: new Map([[9, lesson]]), hints: [] }).filter((each) => each.where === "lesson").map((each) => each.name);
    expect(wrong).toContain("os.path.realpth");
    expect(wrong).not.toContain("os.path.realpath");
    expect(wrong).not.toContain("email.utils.formatdate");
  });
});
