/**
 * The names a lesson or hint of a phase may use: the names in that phase's skeleton and solution,
 * the names of Node and JavaScript (read from the running runtime and from TypeScript's own
 * declarations, not from a list), and a short list of the lab's own terms. In a paragraph about
 * Python, Python's names count too: those of the lab's Python references, and what a python3 run
 * finds in its builtins and standard modules.
 */
import { spawnSync } from "node:child_process";
import { builtinModules, createRequire } from "node:module";
import { readdirSync, statSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import type { Phase } from "../../checker/types.ts";
import { text } from "../../checker/text.ts";
import { LAB_TERMS } from "./lab-terms.ts";
import { ROOT, pythonReferenceOf, skeletonOf, solutionFilesOf } from "./sources.ts";

/** Every identifier in a piece of TypeScript: declared, used, or a property's name. */
export function identifiersIn(code: string): Set<string> {
  const names = new Set<string>();
  const source = ts.createSourceFile("code.ts", code, ts.ScriptTarget.ES2022, false);
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) names.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/** The names of a phase's own code: its skeleton and its solution. */
export function codeNames(phase: Phase): Set<string> {
  const names = identifiersIn(skeletonOf(phase));
  for (const { source } of solutionFilesOf(phase)) for (const name of identifiersIn(source)) names.add(name);
  return names;
}

/** Every own property name along an object's prototype chain. */
function namesAlong(value: unknown, into: Set<string>): void {
  for (let current = value; current !== null && current !== undefined; current = Object.getPrototypeOf(current)) {
    for (const name of Object.getOwnPropertyNames(current)) into.add(name);
  }
}

/** The Node modules the lessons and skeletons use: their exports are names. */
const MODULES = ["net", "fs", "fs/promises", "path", "http", "url", "timers/promises", "worker_threads", "events", "stream"];

let runtime: Set<string> | null = null;

/**
 * Node's and JavaScript's names, from the runtime: every global; the members of the values the
 * lab's code works with (strings, arrays, objects, dates, numbers, Buffers, URLs, promises, sets,
 * maps, regular expressions, errors, JSON, Math, Atomics, process, console, process.env); every
 * export of the Node modules the lessons use, with the members of their classes (net.Socket,
 * net.Server, fs.Stats, fs.ReadStream, http.Agent, Worker, EventEmitter, ...) and of a real
 * socket, file's stats and agent; the names of the builtin modules, HTTP's methods as Node knows
 * them, the errno codes (ECONNRESET), Buffer's encodings; and every global name and keyword of
 * TypeScript (types such as Record and Promise).
 */
export function runtimeNames(): Set<string> {
  if (runtime) return runtime;
  const names = new Set<string>();
  for (const name of Object.getOwnPropertyNames(globalThis)) names.add(name);
  const values: unknown[] = [Object, Array, String, Number, Boolean, Date, JSON, Math, RegExp, Promise, Set, Map, Error, Buffer, URL, URLSearchParams, Atomics, process, console];
  for (const value of values) {
    namesAlong(value, names);
    if (typeof value === "function" && value.prototype) namesAlong(value.prototype, names);
  }
  for (const value of ["", [], {}, new Date(), 0, /x/, Promise.resolve(), new Set(), new Map(), Buffer.alloc(0), new URL("http://127.0.0.1/"), new Error("x"), process.env]) {
    namesAlong(value, names);
  }
  const require = createRequire(import.meta.url);
  for (const name of MODULES) {
    const exported = require(`node:${name}`) as Record<string, unknown>;
    for (const [key, value] of Object.entries(exported)) {
      names.add(key);
      if (typeof value === "function" && value.prototype) namesAlong(value.prototype, names);
    }
  }
  const socket = new net.Socket();
  namesAlong(socket, names);
  socket.destroy();
  const agent = new http.Agent({ keepAlive: true });
  namesAlong(agent, names);
  agent.destroy();
  namesAlong(statSync(ROOT), names);
  namesAlong(path.parse(ROOT), names);
  for (const name of builtinModules) for (const part of name.split("/")) names.add(part.replace(/^node:/, ""));
  for (const method of http.METHODS) names.add(method);
  for (const code of Object.keys(os.constants.errno)) names.add(code);
  for (const encoding of ["utf8", "utf-8", "latin1", "binary", "ascii", "base64", "base64url", "hex", "ucs2", "utf16le"]) if (Buffer.isEncoding(encoding)) names.add(encoding);
  for (const name of typeScriptGlobals()) names.add(name);
  runtime = names;
  return names;
}

/** TypeScript's global names (with the project's lib and @types/node) and its keywords. */
function typeScriptGlobals(): Set<string> {
  const names = new Set<string>();
  const file = path.join(ROOT, "test/words/__globals__.ts");
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === file ? "export {};\n" : readFile(name));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const source = program.getSourceFile(file)!;
  for (const symbol of program.getTypeChecker().getSymbolsInScope(source, ts.SymbolFlags.Value | ts.SymbolFlags.Type | ts.SymbolFlags.Namespace)) {
    names.add(symbol.name);
  }
  for (let kind = ts.SyntaxKind.FirstKeyword; kind <= ts.SyntaxKind.LastKeyword; kind++) {
    const word = ts.tokenToString(kind);
    if (word) names.add(word);
  }
  return names;
}

/** The project's compiler options (tsconfig.json). */
export function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options;
}

/** The lab's own words that stand in backticks: the report's labels, the commands it installs. */
function labNames(): Set<string> {
  const names = new Set<string>(Object.values(text.report.labels));
  for (const command of readdirSync(path.join(ROOT, "node_modules/.bin"))) names.add(command);
  for (const term of Object.keys(LAB_TERMS)) names.add(term);
  return names;
}

const knownByPhase = new Map<number, Set<string>>();

/** What a lesson or hint of `phase` may name: its code's names, the runtime's, and the lab's. */
export function knownNames(phase: Phase): Set<string> {
  let names = knownByPhase.get(phase.number);
  if (!names) {
    names = new Set(runtimeNames());
    for (const name of codeNames(phase)) names.add(name);
    for (const name of labNames()) names.add(name);
    knownByPhase.set(phase.number, names);
  }
  return names;
}

export const hasPython = spawnSync("python3", ["--version"]).status === 0;

/**
 * Which of these chains are Python names, asked of a python3 run: a chain resolves from a builtin
 * or an importable module (`os.path.realpath`, `email.utils.formatdate`, `bytes.decode`); a name
 * is a keyword, a builtin, a module, or a name in one of the lab's Python references
 * (test/python/solution_<n>.py) or in the standard modules an HTTP server in Python uses; the
 * members of a variable (`line.split`, `sock.sendall`) are members of Python's own types.
 */
export function pythonNames(chains: string[][], phases: Phase[]): Set<string> {
  const known = new Set<string>();
  if (!hasPython || chains.length === 0) return known;
  const references = phases.map((phase) => pythonReferenceOf(phase));
  const script = String.raw`
import builtins, importlib, io, json, keyword, socket, sys, tokenize, os
request = json.load(sys.stdin)
names = set(keyword.kwlist) | set(dir(builtins))
for source in request["references"]:
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NAME:
            names.add(token.string)
modules = ["os", "os.path", "socket", "threading", "time", "urllib.parse", "email.utils", "mimetypes", "http.server", "http.client", "io", "json", "concurrent.futures", "select", "socketserver"]
members = set()
for name in modules:
    module = importlib.import_module(name)
    names.add(name.split(".")[0])
    members |= set(dir(module))
for kind in [str, bytes, bytearray, list, dict, int, float, tuple, set, socket.socket, io.BufferedReader, io.TextIOWrapper, os.stat_result, BaseException]:
    members |= set(dir(kind))

def resolves(chain):
    root = chain[0]
    value = None
    if hasattr(builtins, root):
        value = getattr(builtins, root)
    else:
        try:
            value = importlib.import_module(root)
        except Exception:
            value = None
    if value is None:
        return False
    for i, part in enumerate(chain[1:], 1):
        if hasattr(value, part):
            value = getattr(value, part)
            continue
        try:
            value = importlib.import_module(".".join(chain[: i + 1]))
        except Exception:
            return False
    return True

found = []
for chain in request["chains"]:
    parts = [part for part in chain if part]
    ok = resolves(parts) if chain[0] else False
    if not ok:
        # The root of a dotted name may be a variable of the code quoted (line.split, sock.sendall):
        # its members must be Python's.
        root_ok = chain[0] == "" or len(chain) > 1 or chain[0] in names or chain[0] in members
        ok = root_ok and all(part in names or part in members for part in chain[1:])
    if ok:
        found.append(".".join(chain))
json.dump(found, sys.stdout)
`;
  const run = spawnSync("python3", ["-c", script], { input: JSON.stringify({ chains, references }), encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`python3 could not read the names: ${run.stderr}`);
  for (const name of JSON.parse(run.stdout) as string[]) known.add(name);
  return known;
}
