/**
 * Each check's last hint, the near-answer, is code that goes where its TODO is: pasted there in the
 * skeleton it was written for, it type-checks with the project's compiler options, and the phase
 * graded with it pasted in fails no check that the untouched skeleton passed.
 * How a hint is placed: test/words/paste.ts.
 */
import { describe, expect, test } from "vitest";
import { phases } from "../../checker/manifest.ts";
import { gradeSource, gradeUntouched, newFailures } from "./grade.ts";
import { KNOWN_HINT_FAILURES, type KnownHint } from "./known.ts";
import { Compiler, pasteHints, type Pasted } from "./paste.ts";
import { phaseOfCheck } from "./sources.ts";

/** Each check once, with its last hint, for the phase it was written for. */
function lastLevels(): Array<{ phase: (typeof phases)[number]; checkId: string; hint: string }> {
  const seen = new Set<string>();
  const levels: Array<{ phase: (typeof phases)[number]; checkId: string; hint: string }> = [];
  for (const phase of phases) {
    for (const check of phase.checks) {
      if (seen.has(check.id)) continue;
      seen.add(check.id);
      levels.push({ phase: phaseOfCheck(check.id), checkId: check.id, hint: check.hints.at(-1)! });
    }
  }
  return levels;
}

// Placed and type-checked together (one compiler program), when the file is collected; the
// planted hints below reuse the libraries it read.
const compiler = new Compiler();
const pasted = pasteHints(lastLevels(), compiler);

function knownFor(checkId: string, kind: KnownHint["kind"]): KnownHint | undefined {
  return KNOWN_HINT_FAILURES.find((each) => each.check === checkId && each.kind === kind);
}

function where(each: Pasted): string {
  return each.outcome.kind === "placed" ? ` (placed at TODO ${each.outcome.site.todo}, line ${each.outcome.site.line}${each.outcome.site.functions[0] ? `, in ${each.outcome.site.functions[0]}` : ", at the top level"})` : "";
}

/** What is wrong with a hint's code: that it cannot be placed, or its errors where it goes. */
function compileProblem(each: Pasted): { kind: KnownHint["kind"]; says: string } | null {
  if (each.outcome.kind === "unplaceable") return { kind: "unplaceable", says: each.outcome.why };
  if (each.outcome.kind === "placed" && each.outcome.errors.length > 0) return { kind: "does not compile", says: each.outcome.errors.join("\n") };
  return null;
}

describe("each last hint's code, pasted where its TODO is", () => {
  for (const each of pasted) {
    const says = each.outcome.kind === "prose" ? "is words, not code" : each.outcome.kind === "present" ? "is code the skeleton already has" : "compiles where it goes";
    test(`${each.checkId} (phase ${each.phase.number}): its last hint ${says}${where(each)}`, () => {
      const problem = compileProblem(each);
      const known = KNOWN_HINT_FAILURES.find((entry) => entry.check === each.checkId && entry.kind !== "breaks a check");
      if (known) {
        expect(problem?.kind, `listed in test/words/known.ts as "${known.kind}" (issue ${known.issue}), but it is ${problem ? `"${problem.kind}"` : "right"} now: update or remove it`).toBe(known.kind);
      } else {
        expect(problem ? `${problem.kind}: ${problem.says}\n--- the hint: ${each.hint}` : null).toBeNull();
      }
    });
  }
});

// Graded one phase at a time: a run each, on the machine's two cores beside other work.
describe.sequential("the phase with a hint's code pasted in", () => {
  for (const each of pasted) {
    if (each.outcome.kind !== "placed" || each.outcome.errors.length > 0) continue;
    const { source, site } = each.outcome;
    const position = each.phase.checks.findIndex((check) => check.id === each.checkId) + 1;
    test(`${each.checkId} (phase ${each.phase.number}): with its last hint at TODO ${site.todo}, no check after ${each.phase.number}.${position} that passed on the untouched skeleton fails`, async () => {
      const before = await gradeUntouched(each.phase);
      const label = `${each.phase.dir}/server.ts + the last hint of ${each.checkId}`;
      let broken = newFailures(before, await gradeSource(each.phase, source, label), position);
      // A check that depends on timing may fail once on a busy machine: a failure must come twice.
      if (broken.length > 0) {
        const again = newFailures(before, await gradeSource(each.phase, source, label), position);
        broken = broken.filter((failure) => again.some((other) => other.split(":")[0] === failure.split(":")[0]));
      }
      const known = knownFor(each.checkId, "breaks a check");
      if (known) {
        expect(broken.length, `listed in test/words/known.ts as breaking a check (issue ${known.issue}), but it breaks none now: remove it`).toBeGreaterThan(0);
      } else {
        expect(broken, `checks that passed on the untouched skeleton and fail with the hint pasted in\n--- the hint: ${each.hint}`).toEqual([]);
      }
    });
  }
});

describe("every known hint failure is a check's", () => {
  test("each entry of KNOWN_HINT_FAILURES names a check of the manifest", () => {
    const ids = new Set(pasted.map((each) => each.checkId));
    expect(KNOWN_HINT_FAILURES.filter((each) => !ids.has(each.check)).map((each) => each.check)).toEqual([]);
  });
});

describe.sequential("the test can fail", () => {
  const phase6 = phases.find((phase) => phase.number === 6)!;
  const phase9 = phases.find((phase) => phase.number === 9)!;
  const plant = (phase: (typeof phases)[number], checkId: string, hint: string): Pasted => pasteHints([{ phase, checkId, hint }], compiler)[0]!;

  test("a planted hint with a wrong name does not compile where it goes, and says why", () => {
    const planted = plant(phase6, "route.not-implemented", "if (!KNOWN_METHOD.has(method)) return generateResponse(error(501));");
    expect(planted.outcome.kind).toBe("placed");
    if (planted.outcome.kind !== "placed") return;
    expect(planted.outcome.site.functions[0]).toBe("dispatch");
    expect(planted.outcome.errors.join("\n")).toMatch(/in the hint's code: Cannot find name 'KNOWN_METHOD'/);
  });

  test("a planted hint goes where it says (In <function>:, At TODO <n>:), and one that cannot be placed is found", () => {
    const inFunction = plant(phase9, "static.unit-types", 'In contentType: return TYPES[path.extname(fileName).toLowerCase()] ?? "application/octet-stream";');
    expect(inFunction.outcome.kind === "placed" && inFunction.outcome.site.functions[0]).toBe("contentType");
    expect(inFunction.outcome.kind === "placed" && inFunction.outcome.errors).toEqual([]);
    const atTodo = plant(phase9, "static.large", "At TODO 4: socket.write(reply.head); createReadStream(reply.file).pipe(socket);");
    expect(atTodo.outcome.kind === "placed" && [atTodo.outcome.site.todo, atTodo.outcome.errors]).toEqual([4, []]);
    const elided = plant(phase9, "static.unit-types", 'const TYPES = { ".html": "text/html; charset=utf-8", ... }; return TYPES[ext];');
    expect(elided.outcome.kind).toBe("unplaceable");
    const noTodo = plant(phase9, "static.types", "In generateResponse: return Buffer.alloc(0);");
    expect(noTodo.outcome).toMatchObject({ kind: "unplaceable", why: expect.stringMatching(/generateResponse, and that function has no TODO/) });
    const present = plant(phase6, "threads.slow-route", 'route("GET", "/slow", async () => { await setTimeout(SLOW_MS); return { status: 200, body: "<h1>Slow</h1>" }; });');
    expect(present.outcome.kind).toBe("present");
  });

  test("a planted hint that compiles but breaks a later check that passed is found", async () => {
    // As the last hint of 6.2: counting every answer makes 6.5 (the first visit shows 1) fail.
    const planted = plant(phase6, "route.unit-paths", "At TODO 4: visits += 5;");
    expect(planted.outcome.kind === "placed" && planted.outcome.errors).toEqual([]);
    if (planted.outcome.kind !== "placed") return;
    const broken = newFailures(await gradeUntouched(phase6), await gradeSource(phase6, planted.outcome.source, "planted"), 2);
    expect(broken.join("\n")).toMatch(/^6\.5 counter\.first-visit: fail/m);
  });
});
