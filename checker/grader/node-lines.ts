/**
 * The Node.js lines the lab is tested on. package.json's engines field is the one list ("22.x ||
 * 24.x || 26.x"): CI runs the tests on each line in it, and the checker names it to a student on
 * another version.
 */
import { readFileSync } from "node:fs";
import { text } from "../text.ts";

const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { engines: { node: string } };

export const SUPPORTED_NODE_LINES: number[] = (manifest.engines.node.match(/\d+(?=\.x)/g) ?? []).map(Number);

export const THIS_NODE_LINE = Number(process.versions.node.split(".")[0]);

export function isSupportedNode(line = THIS_NODE_LINE): boolean {
  return SUPPORTED_NODE_LINES.includes(line);
}

/** The one line to print (on stderr) on a Node.js the lab is not tested on, or null. */
export function unsupportedNodeNote(version = process.version): string | null {
  const line = Number(/^v?(\d+)/.exec(version)?.[1]);
  if (isSupportedNode(line)) return null;
  return text.cli.unsupportedNode(version, SUPPORTED_NODE_LINES, line < SUPPORTED_NODE_LINES[0]!);
}
