/**
 * A last-level hint's code, pasted where its TODO is, and type-checked there.
 *
 * Where a hint goes, mechanically:
 *  1. Its phase is the first phase whose checks list its check (the phase it was written for).
 *  2. Its code is the whole hint when the hint parses as TypeScript; or what follows the colon of
 *     "In <function>[, <where>]: <code>" or "At TODO <n>[, <where>]: <code>", which also says
 *     where it goes. A last level that holds code (a `;`, `=>` or braces) but is neither cannot
 *     be placed (an elision "...", or words around the code); one without code is words only.
 *     Code the skeleton already has, word for word (comments and layout aside), in the function
 *     the hint names or anywhere when it names none, is not pasted: the hint shows what the
 *     skeleton gives. (A hint that names a TODO is always pasted there.)
 *  3. The places are the TODOs of the skeleton: after a `// TODO <n>` comment block (before the
 *     lines the TODO stands in for), or at the top of the function whose doc comment holds
 *     `TODO <n>`. A hint that names a function or a TODO goes there. Otherwise: to the TODOs where
 *     the most of the names its code uses are in scope (TypeScript's own scopes); code that
 *     returns, inside a function; code that needs nothing of a function, at the top level when a
 *     TODO is there; and among what is left, where it compiles with the fewest errors (the first
 *     in the file when they tie).
 *  4. When the code's last statement returns or throws, what followed it in its block (the
 *     TODO's stand-in: `void x; return Buffer.alloc(0);`) is left out: it could never run.
 *  5. It is type-checked there with the project's compiler options (tsconfig.json): one program
 *     holds every pasted skeleton, so the libraries are read once.
 */
import path from "node:path";
import ts from "typescript";
import type { Phase } from "../../checker/types.ts";
import { PLACED, chainsIn, isAllCode } from "./mentions.ts";
import { ROOT, skeletonOf } from "./sources.ts";
import { compilerOptions } from "./universe.ts";

export interface Site {
  todo: number;
  /** Where the code is inserted. */
  offset: number;
  /** The named functions around it, innermost first ("serveFile"); none at the top level. */
  functions: string[];
  /** How many functions (arrow functions too) it is inside: 0 at the top level. */
  depth: number;
  /** The 1-based line of the TODO's comment. */
  line: number;
}

/** The places a skeleton has for its TODOs' code. */
export function todoSites(source: string): Site[] {
  const file = ts.createSourceFile("skeleton.ts", source, ts.ScriptTarget.ES2022, true);
  const lines = source.split("\n");
  const lineStarts = file.getLineStarts();
  const sites: Site[] = [];
  lines.forEach((text, index) => {
    const lineComment = /^\s*\/\/\s*TODO (\d+)\b/.exec(text);
    const docComment = /^\s*(?:\/\*\*?|\*)\s*TODO (\d+)\b/.exec(text);
    if (lineComment) {
      // After the TODO's own comment lines: up to the next TODO, or to the first line of code.
      let next = index + 1;
      while (next < lines.length && /^\s*\/\//.test(lines[next]!) && !/^\s*\/\/\s*TODO \d+\b/.test(lines[next]!)) next++;
      const offset = lineStarts[next] ?? source.length;
      sites.push({ todo: Number(lineComment[1]), offset, functions: functionsAround(file, offset), depth: depthAt(file, offset), line: index + 1 });
    } else if (docComment) {
      // In a doc comment: at the top of the body of the function it documents.
      const at = lineStarts[index]!;
      const documented = functionDocumentedAt(file, at);
      if (!documented?.body) return;
      const offset = documented.body.getStart(file) + 1;
      sites.push({ todo: Number(docComment[1]), offset, functions: functionsAround(file, offset), depth: depthAt(file, offset), line: index + 1 });
    }
  });
  return sites;
}

function functionDocumentedAt(file: ts.SourceFile, at: number): ts.FunctionDeclaration | undefined {
  let found: ts.FunctionDeclaration | undefined;
  file.forEachChild((node) => {
    if (ts.isFunctionDeclaration(node) && node.getFullStart() <= at && at < node.getStart(file)) found = node;
  });
  return found;
}

/** The deepest node that holds `offset` (comments before a node are not in it). */
function nodeAt(file: ts.SourceFile, offset: number): ts.Node {
  let node: ts.Node = file;
  for (;;) {
    const child = node.getChildren(file).find((each) => each.getStart(file) <= offset && offset < each.getEnd());
    if (!child) return node;
    node = child;
  }
}

function functionsAround(file: ts.SourceFile, offset: number): string[] {
  const names: string[] = [];
  for (let node: ts.Node | undefined = nodeAt(file, offset); node; node = node.parent) {
    if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name && ts.isIdentifier(node.name)) names.push(node.name.text);
  }
  return names;
}

function depthAt(file: ts.SourceFile, offset: number): number {
  let depth = 0;
  for (let node: ts.Node | undefined = nodeAt(file, offset); node; node = node.parent) if (ts.isFunctionLike(node)) depth++;
  return depth;
}

/**
 * The skeleton with the code at the site. The code takes the place of what the TODO stands in
 * for: when its last statement returns (or throws), what followed it in the same block could never
 * run, and is left out (`void x; return Buffer.alloc(0);`, or the skeleton's stand-in answer).
 */
export function pasteAt(source: string, site: Site, code: string): { source: string; from: number; to: number } {
  const atLineStart = site.offset === 0 || source[site.offset - 1] === "\n";
  const before = source.slice(0, site.offset) + (atLineStart ? "" : "\n");
  const pasted = `${before}${code}\n${source.slice(site.offset)}`;
  const start = before.length;
  const end = start + code.length;
  const file = ts.createSourceFile("pasted.ts", pasted, ts.ScriptTarget.ES2022, true);
  const lineOf = (at: number): number => file.getLineAndCharacterOfPosition(at).line + 1;
  const range = { from: lineOf(start), to: lineOf(end) };
  let block: ts.NodeArray<ts.Statement> | undefined;
  const visit = (node: ts.Node): void => {
    if ((ts.isBlock(node) || ts.isSourceFile(node)) && node.statements.some((statement) => statement.getStart(file) >= start && statement.getEnd() <= end + 1)) block = node.statements;
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (!block) return { source: pasted, ...range };
  const own = block.filter((statement) => statement.getStart(file) >= start && statement.getEnd() <= end + 1);
  const last = own.at(-1)!;
  const after = block.filter((statement) => statement.getStart(file) > end);
  if ((ts.isReturnStatement(last) || ts.isThrowStatement(last)) && after.length > 0) {
    return { source: pasted.slice(0, end) + "\n" + pasted.slice(after.at(-1)!.getEnd()), ...range };
  }
  return { source: pasted, ...range };
}

/** Whether the code has a return statement of its own (outside the functions it declares). */
function returns(code: string): boolean {
  const file = ts.createSourceFile("hint.ts", code, ts.ScriptTarget.ES2022, true);
  let found = false;
  const visit = (node: ts.Node): void => {
    if (ts.isReturnStatement(node)) found = true;
    if (!ts.isFunctionLike(node)) ts.forEachChild(node, visit);
  };
  file.forEachChild(visit);
  return found;
}

export type HintCode =
  | { kind: "prose" }
  | { kind: "unplaceable"; why: string }
  | { kind: "code"; code: string; function?: string; todo?: number };

/** What code a last-level hint holds, and where it says it goes. */
export function codeOfHint(hint: string, skeletonFunctions: Set<string>): HintCode {
  const placed = PLACED.exec(hint);
  if (placed && (placed[2] || skeletonFunctions.has(placed[1]!))) {
    const code = placed[3]!;
    if (!isAllCode(code)) return { kind: "unplaceable", why: `the code after "${hint.slice(0, hint.length - code.length).trim()}" does not parse as TypeScript` };
    return { kind: "code", code, function: placed[1], todo: placed[2] ? Number(placed[2]) : undefined };
  }
  if (isAllCode(hint)) return { kind: "code", code: hint };
  if (/;\s|;$|=>|\{[^}]*\}/.test(hint)) {
    return { kind: "unplaceable", why: 'it holds code that does not parse as TypeScript (an elision "...", or words around it), and it does not say where it goes ("In <function>: <code>" or "At TODO <n>: <code>")' };
  }
  return { kind: "prose" };
}

/** The text of the function a skeleton declares with this name ("" when there is none). */
function functionText(source: string, name: string): string {
  const file = ts.createSourceFile("skeleton.ts", source, ts.ScriptTarget.ES2022, true);
  let text = "";
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name?.text === name) text = node.getText(file);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return text;
}

/** The names of the functions a skeleton declares. */
export function functionsOf(source: string): Set<string> {
  const names = new Set<string>();
  const file = ts.createSourceFile("skeleton.ts", source, ts.ScriptTarget.ES2022, true);
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name) names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}

/** A program over files held in memory (under the lab's root, so that @types/node and package.json apply). */
export class Compiler {
  private readonly options = compilerOptions();
  private readonly host: ts.CompilerHost;
  private readonly files = new Map<string, string>();
  private program: ts.Program | undefined;

  constructor() {
    const host = ts.createCompilerHost(this.options, true);
    const getSourceFile = host.getSourceFile.bind(host);
    const cache = new Map<string, ts.SourceFile>();
    host.getSourceFile = (name, language, onError, fresh) => {
      const held = this.files.get(path.resolve(name));
      if (held !== undefined) return ts.createSourceFile(name, held, language, true);
      // Libraries and @types are read once, for every program.
      let file = cache.get(name);
      if (!file) {
        file = getSourceFile(name, language, onError, fresh);
        if (file) cache.set(name, file);
      }
      return file;
    };
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => this.files.has(path.resolve(name)) || fileExists(name);
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => this.files.get(path.resolve(name)) ?? readFile(name);
    this.host = host;
  }

  /** Type-checks these files (absolute names under ROOT) together; returns each one's errors. */
  check(files: Map<string, string>): Map<string, ts.Diagnostic[]> {
    this.files.clear();
    for (const [name, source] of files) this.files.set(path.resolve(name), source);
    this.program = ts.createProgram([...files.keys()], this.options, this.host, this.program);
    const errors = new Map<string, ts.Diagnostic[]>();
    for (const name of files.keys()) {
      const file = this.program.getSourceFile(name)!;
      errors.set(name, [...this.program.getSyntacticDiagnostics(file), ...this.program.getSemanticDiagnostics(file)].filter((each) => each.category === ts.DiagnosticCategory.Error));
    }
    return errors;
  }

  /** The value names in scope at each offset of a file (checked by the last `check`). */
  scopeAt(name: string, offsets: number[]): Set<string>[] {
    const file = this.program!.getSourceFile(name)!;
    const checker = this.program!.getTypeChecker();
    return offsets.map((offset) => new Set(checker.getSymbolsInScope(nodeAt(file, offset), ts.SymbolFlags.Value).map((symbol) => symbol.name)));
  }
}

/** A diagnostic as a line: where in the pasted file (the hint's own lines, or the skeleton's), and what. */
export function describe(diagnostic: ts.Diagnostic, pasted: { from: number; to: number }): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
  if (!diagnostic.file || diagnostic.start === undefined) return message;
  const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1;
  const where = line >= pasted.from && line <= pasted.to ? "in the hint's code" : `at line ${line > pasted.to ? line - (pasted.to - pasted.from + 1) : line} of the skeleton`;
  return `${where}: ${message} (TS${diagnostic.code})`;
}

export interface Pasted {
  phase: Phase;
  checkId: string;
  hint: string;
  outcome:
    | { kind: "prose" }
    | { kind: "unplaceable"; why: string }
    | { kind: "placed"; site: Site; source: string; errors: string[] }
    /** The code is in the skeleton already, word for word: nothing to paste. */
    | { kind: "present" };
}

/** Code without its comments, spaces and line ends, to find it in a skeleton whatever its layout. */
function squeezed(code: string): string {
  const file = ts.createSourceFile("code.ts", code, ts.ScriptTarget.ES2022, false);
  return ts.createPrinter({ removeComments: true }).printFile(file).replace(/\s+/g, "");
}

/** The names a piece of code uses and does not declare (the roots of its chains). */
export function freeNames(code: string): Set<string> {
  return new Set(chainsIn(code).map((chain) => chain[0]!).filter(Boolean));
}

/** Where each hint goes, and its errors there. `hints`: [phase, check id, last-level hint]. */
export function pasteHints(hints: Array<{ phase: Phase; checkId: string; hint: string }>, compiler = new Compiler()): Pasted[] {
  const skeletonName = (phase: Phase): string => path.join(ROOT, phase.dir, "__untouched__.ts");
  // First the untouched skeletons: their scopes, and their own errors (which are not the hint's).
  const untouched = new Map<string, string>();
  for (const { phase } of hints) untouched.set(skeletonName(phase), skeletonOf(phase));
  const baseErrors = compiler.check(untouched);
  const plans: Array<{ entry: (typeof hints)[number]; code: HintCode; candidates: Site[]; present?: boolean }> = [];
  for (const entry of hints) {
    const name = skeletonName(entry.phase);
    const source = untouched.get(name)!;
    const code = codeOfHint(entry.hint, functionsOf(source));
    if (code.kind !== "code") {
      plans.push({ entry, code, candidates: [] });
      continue;
    }
    const scope = code.todo !== undefined ? null : code.function === undefined ? source : functionText(source, code.function);
    if (scope !== null && squeezed(scope).includes(squeezed(code.code))) {
      plans.push({ entry, code, candidates: [], present: true });
      continue;
    }
    let sites = todoSites(source);
    if (code.function) sites = sites.filter((site) => site.functions.includes(code.function!));
    if (code.todo !== undefined) sites = sites.filter((site) => site.todo === code.todo);
    if (sites.length > 0) {
      const free = freeNames(code.code);
      const scopes = compiler.scopeAt(name, sites.map((site) => site.offset));
      const scores = scopes.map((scope) => [...free].filter((each) => scope.has(each)).length);
      const best = Math.max(...scores);
      sites = sites.filter((_, index) => scores[index] === best);
      // Code that returns goes in a function; code that needs nothing a function has, at the top level.
      if (returns(code.code)) sites = sites.filter((site) => site.depth > 0).concat(sites.filter((site) => site.depth === 0));
      else if (sites.some((site) => site.depth === 0)) sites = sites.filter((site) => site.depth === 0);
    }
    plans.push({ entry, code, candidates: sites });
  }
  // Then every candidate place of every hint, in one program.
  const pasted = new Map<string, string>();
  const ranges = new Map<string, { from: number; to: number }>();
  const fileOf = (planIndex: number, siteIndex: number): string => path.join(ROOT, plans[planIndex]!.entry.phase.dir, `__pasted__${planIndex}-${siteIndex}.ts`);
  plans.forEach((plan, planIndex) => {
    if (plan.code.kind !== "code") return;
    const source = untouched.get(skeletonName(plan.entry.phase))!;
    plan.candidates.forEach((site, siteIndex) => {
      const result = pasteAt(source, site, plan.code.kind === "code" ? plan.code.code : "");
      pasted.set(fileOf(planIndex, siteIndex), result.source);
      ranges.set(fileOf(planIndex, siteIndex), result);
    });
  });
  const errors = pasted.size > 0 ? compiler.check(pasted) : new Map<string, ts.Diagnostic[]>();
  return plans.map((plan, planIndex) => {
    const { phase, checkId, hint } = plan.entry;
    if (plan.code.kind === "prose") return { phase, checkId, hint, outcome: { kind: "prose" } };
    if (plan.present) return { phase, checkId, hint, outcome: { kind: "present" } };
    if (plan.code.kind === "unplaceable") return { phase, checkId, hint, outcome: { kind: "unplaceable", why: plan.code.why } };
    if (plan.candidates.length === 0) {
      const named = plan.code.function ? `the function ${plan.code.function}` : `TODO ${plan.code.todo}`;
      return { phase, checkId, hint, outcome: { kind: "unplaceable", why: `the hint says it goes in ${named}, and ${plan.code.function ? "that function has no TODO" : "the skeleton has no such TODO"}` } };
    }
    const own = new Set((baseErrors.get(skeletonName(phase)) ?? []).map((each) => ts.flattenDiagnosticMessageText(each.messageText, " ")));
    const results = plan.candidates.map((site, siteIndex) => {
      const file = fileOf(planIndex, siteIndex);
      const found = (errors.get(file) ?? []).filter((each) => !own.has(ts.flattenDiagnosticMessageText(each.messageText, " ")));
      return { site, source: pasted.get(file)!, errors: found.map((each) => describe(each, ranges.get(file)!)) };
    });
    // The fewest errors; among equals, the first place in the order above.
    const chosen = results.reduce((best, each) => (each.errors.length < best.errors.length ? each : best));
    return { phase, checkId, hint, outcome: { kind: "placed", site: chosen.site, source: chosen.source, errors: chosen.errors } };
  });
}
