/**
 * The names a lesson or hint mentions that its phase does not have: neither in the phase's skeleton
 * or solution, nor a Node or JavaScript name, nor one of the lab's terms (test/words/lab-terms.ts),
 * nor, in a paragraph about Python, a Python name. A lesson may also name what it shows itself, in
 * its sessions and examples (a header it prints, a variable its example declares). One-letter
 * roots (`f.read()`, `s.listen(5)`) are an example's own variables: only their members are held
 * to the rule. Without python3 on the machine, a name said about Python is not judged.
 */
import { phases } from "../../checker/manifest.ts";
import type { Phase } from "../../checker/types.ts";
import { hintMentions, lessonMentions, lessonShows, type Mention } from "./mentions.ts";
import { allHints, lessonOf, type Hint } from "./sources.ts";
import { hasPython, knownNames, pythonNames } from "./universe.ts";

export interface WrongName {
  phase: number;
  /** "lesson" or the hint ("hint route.pages#3", "hint static.words.ts:streamHint"). */
  where: string;
  /** The whole chain, as written: `request.headrs`. */
  name: string;
  /** The part of it that is not known. */
  unknown: string;
  span: string;
  line?: number;
}

export interface Words {
  /** Each phase's lesson, by number (the lessons on disk unless given). */
  lessons?: Map<number, string>;
  /** Every hint (the checker's unless given). */
  hints?: Hint[];
}

/** The parts of a chain this set does not know ("" is an object's property with no root). */
function unknownParts(chain: string[], known: Set<string>): string[] {
  return chain.filter((part, index) => part !== "" && !(index === 0 && part.length === 1 && chain.length > 1) && !(chain.length === 1 && part.length === 1) && !known.has(part));
}

/** Every wrong name of the lessons and hints of these phases. */
export function wrongNames(of: Phase[] = phases, words: Words = {}): WrongName[] {
  const hints = words.hints ?? allHints();
  const candidates: Array<{ phase: Phase; where: string; mention: Mention; unknown: string[] }> = [];
  for (const phase of of) {
    const known = knownNames(phase);
    const lesson = words.lessons?.get(phase.number) ?? lessonOf(phase);
    const shown = lessonShows(lesson);
    for (const mention of lessonMentions(lesson)) {
      const unknown = unknownParts(mention.chain, known).filter((part) => !shown.has(part));
      if (unknown.length > 0) candidates.push({ phase, where: "lesson", mention, unknown });
    }
    for (const hint of hints) {
      if (!hint.shownIn.includes(phase)) continue;
      // A check's hint is shown for that check in each phase: it must hold in each. A finding's
      // hint is shown where its check's code decides, which only running it tells: the names of
      // every phase its words file's checks are in count.
      const knownHere = hint.check ? known : unionOfKnown(hint.shownIn);
      for (const mention of hintMentions(hint.text)) {
        const unknown = unknownParts(mention.chain, knownHere);
        if (unknown.length > 0) candidates.push({ phase, where: hint.where, mention, unknown });
      }
    }
  }
  const python = pythonNames(
    candidates.filter((each) => each.mention.python).map((each) => each.mention.chain),
    phases,
  );
  const wrong: WrongName[] = [];
  for (const { phase, where, mention, unknown } of candidates) {
    if (mention.python && (!hasPython || python.has(mention.chain.join(".")))) continue;
    wrong.push({ phase: phase.number, where, name: mention.chain.filter(Boolean).join("."), unknown: unknown.join(", "), span: mention.span, line: mention.line });
  }
  return dedupe(wrong);
}

const unions = new Map<string, Set<string>>();

function unionOfKnown(of: Phase[]): Set<string> {
  const key = of.map((phase) => phase.number).join(",");
  let names = unions.get(key);
  if (!names) {
    names = new Set<string>();
    for (const phase of of) for (const name of knownNames(phase)) names.add(name);
    unions.set(key, names);
  }
  return names;
}

/** One finding per phase, place and name (a lesson may say the same wrong name twice: the first line is kept). */
function dedupe(wrong: WrongName[]): WrongName[] {
  const seen = new Map<string, WrongName>();
  for (const each of wrong) {
    const key = nameKey(each);
    if (!seen.has(key)) seen.set(key, each);
  }
  return [...seen.values()];
}

export function nameKey(each: { phase: number; where: string; name: string }): string {
  return `${each.phase} | ${each.where} | ${each.name}`;
}
