/**
 * npm run fuzz:reader -- --seed N --cases M [--show]
 *
 * Feeds the rule cases and M seeded mutations to the lab's reader, to node:http (llhttp) and to
 * fetch (undici), and prints a table: how often each client agreed, each reasoned disagreement
 * with its count, and every disagreement that is not reasoned (then the exit code is 1).
 */
import { generateCases } from "./cases.ts";
import { compareAll, describeOutcome, show, type Verdict } from "./compare.ts";

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? undefined : Number(process.argv[at + 1]);
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}

const seed = option("seed", 1);
const count = option("cases", 1000);
const started = performance.now();
const cases = generateCases(seed, count);
const verdicts = await compareAll(cases);
const seconds = ((performance.now() - started) / 1000).toFixed(1);

const agreed = (client: "llhttp" | "undici"): number => verdicts.filter((verdict) => !verdict.disagreements.some((d) => d.client === client)).length;
console.log(`Node ${process.versions.node}: ${cases.length} cases (${cases.length - count} by rule, ${count} mutations of seed ${seed}), ${seconds} s`);
console.log(`  agree with node:http (llhttp ${process.versions.llhttp}): ${agreed("llhttp")}`);
console.log(`  agree with fetch (undici ${process.versions.undici}):    ${agreed("undici")}`);

const reasoned = new Map<string, { count: number; example: Verdict }>();
const unexplained: Verdict[] = [];
for (const verdict of verdicts) {
  for (const disagreement of verdict.disagreements) {
    if (!disagreement.reason) {
      if (!unexplained.includes(verdict)) unexplained.push(verdict);
      continue;
    }
    const key = `${disagreement.client} ${disagreement.direction}: ${disagreement.reason.why}`;
    const row = reasoned.get(key) ?? { count: 0, example: verdict };
    row.count++;
    reasoned.set(key, row);
  }
}
console.log(`\nReasoned disagreements (${[...reasoned.values()].reduce((sum, row) => sum + row.count, 0)}):`);
for (const [key, row] of [...reasoned].sort((a, b) => b[1].count - a[1].count)) {
  console.log(`  ${String(row.count).padStart(5)}  ${key}`);
  if (process.argv.includes("--show")) console.log(`         e.g. ${row.example.item.name}: ${show(row.example.item.bytes)}`);
}
console.log(`\nUnexplained disagreements: ${unexplained.length}`);
for (const verdict of unexplained) {
  console.log(`  #${verdict.index} ${verdict.item.name} [${verdict.item.method}]\n     ${show(verdict.item.bytes, 140)}`);
  console.log(`     reader: ${verdict.reader.accepted ? `accepts ${verdict.reader.status} ${JSON.stringify(show(verdict.reader.body, 30))}` : `rejects (${verdict.reader.codes.join(", ")})`}`);
  for (const d of verdict.disagreements.filter((d) => !d.reason)) console.log(`     ${d.client} ${d.direction}: ${describeOutcome(verdict.clients[d.client])}`);
}
process.exitCode = unexplained.length > 0 ? 1 : 0;
