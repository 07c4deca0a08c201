/**
 * The code names a lesson or a hint mentions. In a lesson, a name is what stands in backticks
 * (`dispatch(method, target)`, `request.headers`, `REAL_ROOT`); a hint is plain text, so there a
 * name is what looks like code in it (a call, a dotted name, a camelCase or SNAKE_CASE word, a
 * name in backticks, and every name of a hint that is all code).
 *
 * A span is read as code with TypeScript's parser, and each name comes out as a chain: `a.b.c` is
 * ["a", "b", "c"]. Names the code itself declares (`const i = ...`, `(r) => r.path`) are its own.
 */
import ts from "typescript";

export interface Mention {
  /** The chain of names: `request.headers` is ["request", "headers"]. */
  chain: string[];
  /** The text it was read from (a backtick span, or a piece of a hint). */
  span: string;
  /** Said in a paragraph about Python (or a seed, a Python server): Python's names count too. */
  python: boolean;
  /** The lesson's line (1-based); none for a hint. */
  line?: number;
}

/** File names the lessons and hints mention (`index.html`, `server.ts`): not code names. */
const FILE_EXTENSIONS = new Set(["html", "css", "js", "cjs", "mjs", "json", "txt", "svg", "png", "jpg", "jpeg", "gif", "ico", "webp", "wasm", "pdf", "ts", "py", "md", "gz", "bin", "bak", "tar"]);

/** Words that put what is around them in Python: a seed is a Python server the lessons compare with. */
const PYTHON_CONTEXT = /\bPython\b|\b[Ss]eeds?\b|\.py\b|\bpython3\b/;

/** The chains of names in a piece of TypeScript (or Python that parses as it), and what it declares. */
export function chainsIn(code: string): string[][] {
  const source = ts.createSourceFile("mention.ts", code, ts.ScriptTarget.ES2022, true);
  const declared = new Set<string>();
  const chains: string[][] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      if (isDeclarationName(node)) {
        declared.add(node.text);
      } else if (ts.isPropertyAccessExpression(parent) && parent.name === node) {
        // a member: read with its chain, from the chain's root
      } else if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isMethodDeclaration(parent)) && parent.name === node) {
        chains.push(["", node.text]); // a property name of an object: a member without a known root
      } else if (ts.isQualifiedName(parent) && parent.right === node) {
        // a type's member: read with its chain
      } else if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) {
        // a label
      } else {
        chains.push(chainFrom(node));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return chains.filter((chain) => !(chain[0] !== "" && declared.has(chain[0]!)));
}

function isDeclarationName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    ((ts.isVariableDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isFunctionExpression(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isImportSpecifier(parent) ||
      ts.isImportClause(parent) ||
      ts.isNamespaceImport(parent) ||
      ts.isTypeAliasDeclaration(parent) ||
      ts.isInterfaceDeclaration(parent)) &&
      (parent as { name?: ts.Node }).name === node) ||
    (ts.isBindingElement(parent) && parent.name === node) ||
    (ts.isShorthandPropertyAssignment(parent) && ts.isObjectLiteralExpression(parent.parent) && isAssignedTo(parent.parent))
  );
}

/** `({ a } = x)`: a destructuring assignment, whose shorthand names are targets. */
function isAssignedTo(literal: ts.ObjectLiteralExpression): boolean {
  const parent = literal.parent;
  return ts.isBinaryExpression(parent) && parent.left === literal && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

/** The chain that starts at this identifier: `a` in `a.b.c` gives ["a", "b", "c"]. */
function chainFrom(root: ts.Identifier): string[] {
  const chain = [root.text];
  let current: ts.Node = root;
  for (;;) {
    const parent: ts.Node = current.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === current && ts.isIdentifier(parent.name)) {
      chain.push(parent.name.text);
      current = parent;
    } else if (ts.isQualifiedName(parent) && parent.left === current) {
      chain.push(parent.right.text);
      current = parent;
    } else if ((ts.isCallExpression(parent) || ts.isNonNullExpression(parent)) && parent.expression === current && ts.isPropertyAccessExpression(parent.parent) && parent.parent.expression === parent) {
      // a.b().c: the chain goes on through the call
      chain.push(parent.parent.name.text);
      current = parent.parent;
    } else {
      return chain;
    }
  }
}

/** A function's signature as the contracts write it: `decodeSegments(path: string): string[] | null`. */
const SIGNATURE = /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\(([^()]*:[^()]*)\)(\s*(?::|→)\s*.*)?$/;

/** The end of the bracket that opens at `from` (a quoted string inside is skipped), or -1. */
function closingBracket(text: string, from: number): number {
  const pairs: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
  const stack: string[] = [];
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === "`") {
      const end = text.indexOf(c, i + 1);
      if (end === -1) return -1;
      i = end;
    } else if (pairs[c]) {
      stack.push(pairs[c]!);
    } else if (c === ")" || c === "]" || c === "}") {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/**
 * Whether a backtick span is code, and its text as code. A span is code when it starts with a name
 * (after `new`, `await`, a spread or a shell's `$`) that ends the span or goes on into a call, an
 * index, a member, a `!`, or an operator between spaces; after a call, words that are not code
 * (`parseRequest(...) returned ""`, a message the checker prints) are left out. Everything else is
 * not a code name: a path (`/hello/ana`), a header line or name with a hyphen (`Content-Length`),
 * a status line, a shell command with its options, a string, a one-letter value (`a`).
 */
export function codeOfSpan(span: string): string | null {
  if (span !== span.trim()) return null; // ` GMT`: a piece of a string, spaces and all
  let text = span.replace(/^(?:(?:new|await)\s+|\.\.\.|\$(?=[A-Za-z_]))/, "");
  const head = /^[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*/.exec(text);
  if (!head) return null;
  const name = head[0];
  if (name.length === 1 && text.length === 1) return null;
  const parts = name.split(".");
  let rest = text.slice(name.length);
  if (parts.length > 1 && FILE_EXTENSIONS.has(parts.at(-1)!.toLowerCase()) && (rest === "" || /^\s/.test(rest))) return null;
  if (rest === "") return text;
  const signature = SIGNATURE.exec(text);
  if (signature) {
    // The parameters are declared, and their types are names too.
    const returns = (signature[3] ?? "").replace(/^\s*(?::|→)\s*/, "");
    return `${signature[1]};\ndeclare function __signature(${signature[2]})${returns ? `: ${returns}` : ""};`;
  }
  // A call or an index, and what goes on from it (.member, another call, !).
  let at = name.length;
  while (/^[([]/.test(rest)) {
    const end = closingBracket(text, at);
    if (end === -1) return null;
    at = end + 1;
    const more = /^!?(?:\??\.[A-Za-z_$][\w$]*)*/.exec(text.slice(at))![0];
    at += more.length;
    rest = text.slice(at);
  }
  if (rest === "") return text;
  // `root + path.sep`, `visits += 1`, `a === b`: an operator between spaces.
  if (/^ (?:[=!]==?|\+=?|-=|\?\?|&&|\|\||=>|[<>]=?|\*|%) /.test(rest)) return text;
  // After a call: the checker's words about it, or a line comment.
  if (at > name.length && /^\s/.test(rest)) return text.slice(0, at);
  return null;
}

/**
 * The backtick spans of a lesson, outside its fenced blocks, with their lines and their context:
 * the paragraph they stand in (for a list item, the item and the paragraph that leads into the list).
 */
export function lessonSpans(lesson: string): Array<{ span: string; line: number; context: string }> {
  const lines = lesson.split("\n");
  const spans: Array<{ span: string; line: number; context: string }> = [];
  let fence: string | null = null;
  let paragraph: Array<{ text: string; line: number }> = [];
  let leadIn = "";
  const flush = (): void => {
    if (paragraph.length === 0) return;
    const text = paragraph.map((each) => each.text).join("\n");
    const isItem = /^\s*(?:[-*]|\d+\.)\s/.test(paragraph[0]!.text);
    for (const found of findSpans(text)) {
      const line = paragraph[0]!.line + text.slice(0, found.index).split("\n").length - 1;
      spans.push({ span: found.span, line, context: isItem ? `${leadIn}\n${text}` : text });
    }
    if (!isItem) leadIn = text;
    paragraph = [];
  };
  lines.forEach((text, index) => {
    const fenceMark = /^\s*(`{3,}|~{3,})/.exec(text);
    if (fence !== null) {
      if (fenceMark && fenceMark[1]!.startsWith(fence)) fence = null;
      return;
    }
    if (fenceMark) {
      flush();
      fence = fenceMark[1]!;
      return;
    }
    if (text.trim() === "" || /^\s*(?:[-*]|\d+\.)\s/.test(text) || /^\s*\|/.test(text) || /^#/.test(text)) flush();
    if (text.trim() !== "") paragraph.push({ text, line: index + 1 });
  });
  flush();
  return spans;
}

/**
 * The names a lesson shows itself: every word of its sessions and outputs (commands, header names
 * and values, paths, keys) and of its backtick spans that are not code (`  see: also`, `X-Lab:one`),
 * and what its code examples declare or hold as data (`seen.indexOf("END")`).
 */
export function lessonShows(lesson: string): Set<string> {
  const names = new Set<string>();
  const words = (text: string): void => {
    // An escape written out (printf's \r\n, \t) separates words: "\r\nHost" holds Host.
    for (const word of text.replace(/\\[rnt0abfv]/g, " ").matchAll(/[A-Za-z_][\w]*/g)) names.add(word[0]);
  };
  for (const block of lesson.matchAll(/^\s*(`{3,}|~{3,})(\w*)[^\n]*\n([\s\S]*?)^\s*\1/gm)) {
    const [, , language, body] = block;
    if (["ts", "js", "typescript", "javascript"].includes(language!)) {
      const { declared, data } = declaredIn(body!);
      for (const name of declared) names.add(name);
      words(data.join(" "));
    } else {
      words(body!);
    }
  }
  for (const { span } of lessonSpans(lesson)) if (codeOfSpan(span) === null) words(span);
  return names;
}

/** The names a piece of TypeScript declares, and the text of its strings. */
function declaredIn(code: string): { declared: Set<string>; data: string[] } {
  const declared = new Set<string>();
  const data: string[] = [];
  const source = ts.createSourceFile("example.ts", code, ts.ScriptTarget.ES2022, true);
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && isDeclarationName(node)) declared.add(node.text);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) data.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { declared, data };
}

/** Inline code spans: a run of n backticks to the next run of exactly n (CommonMark). */
function findSpans(text: string): Array<{ span: string; index: number; length: number }> {
  const found: Array<{ span: string; index: number; length: number }> = [];
  let at = 0;
  while (at < text.length) {
    const open = /`+/g;
    open.lastIndex = at;
    const start = open.exec(text);
    if (!start) break;
    const ticks = start[0];
    const close = new RegExp(`(?<!\`)${ticks}(?!\`)`, "g");
    close.lastIndex = start.index + ticks.length;
    const end = close.exec(text);
    if (!end) {
      at = start.index + ticks.length;
      continue;
    }
    let span = text.slice(start.index + ticks.length, end.index).replace(/\n/g, " ");
    if (span.startsWith(" ") && span.endsWith(" ") && span.trim() !== "") span = span.slice(1, -1);
    found.push({ span, index: start.index, length: end.index + ticks.length - start.index });
    at = end.index + ticks.length;
  }
  return found;
}

/** The names a lesson mentions in backticks. */
export function lessonMentions(lesson: string): Mention[] {
  const mentions: Mention[] = [];
  for (const { span, line, context } of lessonSpans(lesson)) {
    const code = codeOfSpan(span);
    if (code === null) continue;
    const python = PYTHON_CONTEXT.test(context);
    for (const chain of chainsIn(code)) mentions.push({ chain, span, python, line });
  }
  return mentions;
}

/**
 * The names a hint mentions. A hint that parses as TypeScript is all code. Otherwise its code is
 * found piece by piece: the expressions in `${...}`, names in backticks, calls (`name(`), dotted
 * names (`socket.end`), indexed names (`parts[1]`), and camelCase or SNAKE_CASE words; quoted
 * strings are left out, and what the hint declares (`const parts = ...`) is its own.
 */
export function hintMentions(hint: string): Mention[] {
  const python = PYTHON_CONTEXT.test(hint);
  if (isAllCode(hint)) return chainsIn(hint).map((chain) => ({ chain, span: hint, python }));
  // "In serveFile: <code>", "At TODO 2: <code>": the code after the colon.
  const placed = PLACED.exec(hint);
  if (placed && isAllCode(placed[3]!)) return chainsIn(placed[3]!).map((chain) => ({ chain, span: hint, python }));
  const declared = new Set<string>();
  for (const found of hint.matchAll(/\b(?:const|let|var)\s+(?:\{([^}]*)\}|\[([^\]]*)\]|([A-Za-z_$][\w$]*))/g)) {
    for (const name of (found[1] ?? found[2] ?? found[3] ?? "").split(/[\s,:]+/)) if (name) declared.add(name);
  }
  for (const found of hint.matchAll(/\(([A-Za-z_$][\w$]*(?:\s*,\s*[A-Za-z_$][\w$]*)*)?\)\s*=>|([A-Za-z_$][\w$]*)\s*=>|\bfor\s*\(\s*(?:const|let)\s+([A-Za-z_$][\w$]*)\s+of|\bcatch\s*\(\s*([A-Za-z_$][\w$]*)|\bfunction\s+([A-Za-z_$][\w$]*)|\bimport\s*\{([^}]*)\}/g)) {
    for (const name of (found[1] ?? found[2] ?? found[3] ?? found[4] ?? found[5] ?? found[6] ?? "").split(/[\s,]+/)) if (name) declared.add(name);
  }
  const pieces: string[] = [];
  // Template literals first: their ${...} are code, the rest is the text they make.
  let text = hint.replace(/`([^`]*)`/g, (_all, inner: string) => {
    const expressions = [...inner.matchAll(/\$\{([^}]*)\}/g)].map((each) => each[1]!);
    if (expressions.length > 0) pieces.push(...expressions);
    else if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:\(.*\))?$/.test(inner.trim())) pieces.push(inner.trim());
    return " ";
  });
  // Quoted strings are data: "\r\n\r\n", "<h1>...</h1>", 'data'.
  text = text.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/(^|[\s(,[])'(?:[^'\\\s]|\\.)*'/g, "$1''");
  const NAME = String.raw`[A-Za-z_$][\w$]*`;
  const candidate = new RegExp(String.raw`(?<![\w$.\/:-])${NAME}(?:\??\.${NAME})*(?:\(|\[|(?![\w$]))`, "g");
  for (const found of text.matchAll(candidate)) {
    let name = found[0];
    const opens = /[([]$/.test(name);
    if (opens) name = name.slice(0, -1);
    const parts = name.split(".");
    const after = text.slice(found.index! + found[0].length);
    if (parts.length > 1 && FILE_EXTENSIONS.has(parts.at(-1)!.toLowerCase())) continue;
    if (parts.length > 1 && /^[.\/]\w/.test(after)) continue; // a host or a file name goes on: 127.0.0.1, a.b.c.txt
    if (/^(?:e\.g|i\.e)$/.test(name)) continue;
    const looksLikeCode = opens || parts.length > 1 || /^[a-z]+[A-Z]/.test(name) || /_/.test(name.replace(/^_+|_+$/g, ""));
    if (!looksLikeCode) continue;
    // A call with its arguments, which are code too: generateResponse(reply, method === "HEAD").
    const end = opens ? closingBracket(text, found.index! + name.length) : -1;
    pieces.push(end === -1 ? name : text.slice(found.index!, end + 1));
  }
  const mentions: Mention[] = [];
  for (const piece of pieces) {
    for (const chain of chainsIn(piece)) {
      if (chain[0] !== "" && declared.has(chain[0]!)) continue;
      mentions.push({ chain, span: piece, python });
    }
  }
  return mentions;
}

/** A hint that says where its code goes: "In serveFile, after the stat: <code>", "At TODO 2: <code>". */
export const PLACED = /^(?:In ([A-Za-z_$][\w$]*)(?:\(\))?|At TODO (\d+))\b[^:]*?:\s+([\s\S]+)$/;

/** A hint that is code from end to end: it parses as TypeScript statements. */
export function isAllCode(hint: string): boolean {
  const { diagnostics } = ts.transpileModule(hint, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022, noLib: true, isolatedModules: false } });
  return (diagnostics ?? []).length === 0 && ts.createSourceFile("hint.ts", hint, ts.ScriptTarget.ES2022).statements.length > 0;
}
