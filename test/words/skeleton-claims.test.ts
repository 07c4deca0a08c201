/**
 * What the lessons say the untouched skeleton answers, and where the checker stops on it, holds:
 * each claim of test/words/claims.ts is still in its lesson, word for word, and its probe, on the
 * untouched skeleton over real sockets (or graded by the real checker), finds it true.
 */
import { describe, expect, test } from "vitest";
import { phases } from "../../checker/manifest.ts";
import { CLAIMS, type Claim, type ProbeContext, type Verdict } from "./claims.ts";
import { start, type Running } from "./claims-kit.ts";
import { gradeUntouched } from "./grade.ts";
import { KNOWN_FALSE_CLAIMS } from "./known.ts";
import { lessonOf } from "./sources.ts";

/** Line ends and runs of spaces read as one space. */
const flat = (text: string): string => text.replace(/\s+/g, " ");

/** Whether the claim is in its lesson, and whether it holds. */
async function judge(claim: Claim, lesson: string): Promise<{ quoted: boolean } & Verdict> {
  const phase = phases.find((each) => each.number === claim.phase)!;
  const quoted = flat(lesson).includes(flat(claim.quote));
  const running: Running[] = [];
  const context: ProbeContext = {
    phase,
    async start(env = {}, other) {
      const started = await start(other?.phase ?? phase, env, other?.file);
      running.push(started);
      return started;
    },
    verdicts: () => gradeUntouched(phase),
  };
  try {
    return { quoted, ...(await claim.probe(context)) };
  } finally {
    await Promise.all(running.map(({ server }) => server.stop()));
  }
}

// One claim at a time: each starts its own servers.
describe.sequential("what the lessons say about the untouched skeleton", () => {
  for (const claim of CLAIMS) {
    test(`phase ${claim.phase}: "${claim.quote.length > 90 ? `${claim.quote.slice(0, 90)}...` : claim.quote}" (${claim.probes})`, async () => {
      const phase = phases.find((each) => each.number === claim.phase)!;
      const verdict = await judge(claim, lessonOf(phase));
      expect(verdict.quoted, `the lesson of phase ${claim.phase} no longer says this: update the claim in test/words/claims.ts, or remove it`).toBe(true);
      const known = KNOWN_FALSE_CLAIMS.find((each) => each.phase === claim.phase && each.quote === claim.quote);
      if (known) {
        expect(verdict.holds, `listed as false in test/words/known.ts (issue ${known.issue}), but it holds now (${verdict.saw}): remove it from KNOWN_FALSE_CLAIMS`).toBe(false);
      } else {
        expect(verdict.holds, `the untouched skeleton does not do what the lesson says: ${verdict.saw}`).toBe(true);
      }
    });
  }

  test("every known false claim is one of the claims", () => {
    const listed = KNOWN_FALSE_CLAIMS.filter((known) => !CLAIMS.some((claim) => claim.phase === known.phase && claim.quote === known.quote));
    expect(listed.map((each) => `${each.phase}: ${each.quote}`)).toEqual([]);
  });
});

describe.sequential("the test can fail", () => {
  const phase6 = phases.find((each) => each.number === 6)!;

  test("a planted false claim is found false: the skeleton of phase 6 does not answer /nope with 200", async () => {
    const planted: Claim = {
      phase: 6,
      quote: "Your server knows one page and answers 404 to everything else.",
      probes: "planted: GET /nope gets 200",
      async probe({ start: run }) {
        const { port } = await run();
        const { ask, get, shown } = await import("./claims-kit.ts");
        const answer = await ask(port, get("/nope"));
        return { holds: answer.status === 200, saw: shown(answer) };
      },
    };
    const verdict = await judge(planted, lessonOf(phase6));
    expect(verdict.quoted).toBe(true);
    expect(verdict.holds, verdict.saw).toBe(false);
    expect(verdict.saw).toMatch(/^HTTP\/1\.1 404/);
  });

  test("a planted false first failure is found false, and a quote the lesson does not have is found missing", async () => {
    const planted: Claim = {
      phase: 6,
      quote: "On the untouched skeleton, 6.5 fails first.",
      probes: "planted: the checker stops first at 6.5",
      async probe({ verdicts }) {
        const first = [...(await verdicts()).values()].find((result) => result.status === "fail" || result.status === "error");
        return { holds: first?.number === "6.5", saw: `${first?.number}` };
      },
    };
    const verdict = await judge(planted, lessonOf(phase6));
    expect(verdict.quoted).toBe(false);
    expect(verdict.holds).toBe(false);
    expect(verdict.saw).toBe("6.2");
  });
});
