/**
 * The pictures of `npm run bench`: the two servers' latency distributions per mode, as a bar chart
 * in the terminal (plain characters, coloured only where the terminal takes colour) and as an HTML
 * page with inline SVG (no scripts, no fonts, nothing fetched: it opens from the disk as it is).
 * Both servers share one axis per mode, and each bar is a share of that server's answers, so two
 * shapes compare whatever the number of answers.
 */
import type { ChalkInstance } from "chalk";
import { LatencyHistogram, type Mode } from "./load.ts";

export interface ServerFigures {
  label: string;
  /** A name short enough for a chart's heading: "your server", "the solution", "node:http". */
  short: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  latency: LatencyHistogram;
}

export interface ModeFigures {
  mode: Mode;
  title: string;
  server: ServerFigures;
  nodeHttp: ServerFigures;
  ratio: number;
}

export interface Bin {
  /** The lower edge (ms); the first bin also holds everything faster. */
  from: number;
  /** The upper edge (ms); the last bin also holds everything slower. */
  to: number;
  shares: [number, number];
}

/** `count` bins on a log scale from the faster server's 0.5th percentile to the slower one's 99.5th. */
export function bins(a: LatencyHistogram, b: LatencyHistogram, count: number): Bin[] {
  const withAnswers = [a, b].filter((histogram) => histogram.total > 0);
  if (withAnswers.length === 0) return [];
  let low = Math.min(...withAnswers.map((histogram) => histogram.percentile(0.005)));
  let high = Math.max(...withAnswers.map((histogram) => histogram.percentile(0.995)));
  // A narrow distribution still gets an axis a few buckets wide.
  if (high / low < 1.5) {
    low /= 1.25;
    high *= 1.25;
  }
  const step = (Math.log10(high) - Math.log10(low)) / count;
  return Array.from({ length: count }, (_, index) => {
    const from = 10 ** (Math.log10(low) + step * index);
    const to = 10 ** (Math.log10(low) + step * (index + 1));
    const [lower, upper] = [index === 0 ? 0 : from, index === count - 1 ? Infinity : to];
    return { from, to, shares: [a.share(lower, upper), b.share(lower, upper)] };
  });
}

/** Milliseconds with two significant digits or so: 0.042, 0.31, 2.4, 17. */
export function formatMs(ms: number): string {
  if (ms < 0.1) return ms.toFixed(3);
  if (ms < 1) return ms.toFixed(2);
  if (ms < 10) return ms.toFixed(1);
  return ms.toFixed(0);
}

function percent(share: number): string {
  if (share === 0) return "";
  if (share < 0.005) return "<1 %";
  return `${Math.round(share * 100)} %`;
}

const BAR_WIDTH = 24;
export const MARKS = { server: "#", nodeHttp: "=" };

/** The terminal chart of one mode: a line per bin, the two servers' bars side by side. */
export function terminalChart(figures: ModeFigures, chalk: ChalkInstance, count = 12): string[] {
  const shown = bins(figures.server.latency, figures.nodeHttp.latency, count);
  if (shown.length === 0) return [];
  const widest = Math.max(...shown.flatMap((bin) => bin.shares));
  const bar = (share: number, mark: string): string => mark.repeat(widest === 0 ? 0 : Math.round((share / widest) * BAR_WIDTH));
  const labels = shown.map((bin, index) => (index === 0 ? `< ${formatMs(bin.to)}` : index === shown.length - 1 ? `≥ ${formatMs(bin.from)}` : `${formatMs(bin.from)}–${formatMs(bin.to)}`));
  const labelWidth = Math.max(12, ...labels.map((label) => label.length));
  const column = BAR_WIDTH + 6;
  const lines = [
    `  ${"latency, ms".padEnd(labelWidth)}  ${`${MARKS.server} ${figures.server.short}`.padEnd(column)}  ${MARKS.nodeHttp} ${figures.nodeHttp.short}`,
  ];
  shown.forEach((bin, index) => {
    const [mine, theirs] = bin.shares;
    const cell = (share: number, mark: string): string => [bar(share, mark), percent(share)].filter((part) => part !== "").join(" ");
    const left = cell(mine, MARKS.server).padEnd(column);
    const right = cell(theirs, MARKS.nodeHttp);
    lines.push(`  ${labels[index]!.padEnd(labelWidth)}  ${chalk.cyan(left)}  ${chalk.yellow(right)}`.trimEnd());
  });
  return lines;
}

const escape = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const COLOURS = { server: "#1f77b4", nodeHttp: "#e3882b" };

/** One mode's histogram as inline SVG: grouped bars on a log axis of latency, the share of answers up. */
function svg(figures: ModeFigures): string {
  const shown = bins(figures.server.latency, figures.nodeHttp.latency, 30);
  if (shown.length === 0) return "<p>No answers to draw.</p>";
  const [width, height, left, bottom, top] = [760, 260, 48, 44, 12];
  const plotWidth = width - left - 12;
  const plotHeight = height - bottom - top;
  const widest = Math.max(...shown.flatMap((bin) => bin.shares));
  // Grid lines at round shares (every 2, 5, 10 or 20 %), at most six of them.
  const step = [0.02, 0.05, 0.1, 0.2].find((each) => widest / each <= 6) ?? 0.2;
  const lines = Math.max(1, Math.ceil(widest / step));
  const yMax = lines * step;
  const slot = plotWidth / shown.length;
  const parts: string[] = [];
  for (let line = 0; line <= lines; line++) {
    const y = top + plotHeight - (line / lines) * plotHeight;
    parts.push(`<line x1="${left}" x2="${width - 12}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${Math.round(line * step * 100)} %</text>`);
  }
  shown.forEach((bin, index) => {
    const x = left + index * slot;
    bin.shares.forEach((share, which) => {
      const barHeight = (share / yMax) * plotHeight;
      const colour = which === 0 ? COLOURS.server : COLOURS.nodeHttp;
      const name = which === 0 ? figures.server.label : figures.nodeHttp.label;
      parts.push(
        `<rect x="${(x + 1 + which * (slot - 2) / 2).toFixed(1)}" y="${(top + plotHeight - barHeight).toFixed(1)}" width="${((slot - 2) / 2).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${colour}">` +
          `<title>${escape(name)}: ${(share * 100).toFixed(1)} % of answers in ${formatMs(bin.from)}–${formatMs(bin.to)} ms</title></rect>`,
      );
    });
    if (index % 5 === 0 || index === shown.length - 1) {
      const label = index === 0 ? `< ${formatMs(bin.to)}` : index === shown.length - 1 ? `≥ ${formatMs(bin.from)}` : formatMs(bin.from);
      parts.push(`<text x="${(x + slot / 2).toFixed(1)}" y="${top + plotHeight + 16}" text-anchor="middle">${escape(label)}</text>`);
    }
  });
  parts.push(`<text x="${left + plotWidth / 2}" y="${height - 6}" text-anchor="middle">latency, ms (log scale)</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escape(figures.title)}: latency histograms">${parts.join("")}</svg>`;
}

/** The whole page: what was run, and per mode the figures and the two histograms. */
export function htmlPage(title: string, facts: string[], modes: ModeFigures[]): string {
  const row = (figures: ServerFigures, ratio: string, colour: string): string =>
    `<tr><td><span class="key" style="background:${colour}"></span>${escape(figures.label)}</td><td>${Math.round(figures.requestsPerSecond).toLocaleString("en-US")}</td>` +
    `<td>${formatMs(figures.p50)}</td><td>${formatMs(figures.p99)}</td><td>${figures.errors}</td><td>${ratio}</td></tr>`;
  const sections = modes.map(
    (figures) => `<section>
<h2>${escape(figures.title)}</h2>
<table><tr><th>server</th><th>req/s</th><th>p50 ms</th><th>p99 ms</th><th>errors</th><th>ratio</th></tr>
${row(figures.server, `${figures.ratio.toFixed(2)}×`, COLOURS.server)}
${row(figures.nodeHttp, "1×", COLOURS.nodeHttp)}</table>
${svg(figures)}
</section>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(title)}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; max-width: 800px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { padding: 0.2em 0.8em; text-align: right; border-bottom: 1px solid #ddd; }
th:first-child, td:first-child { text-align: left; }
.key { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.4em; }
svg text { font-size: 11px; fill: #444; }
</style>
</head>
<body>
<h1>${escape(title)}</h1>
${facts.map((fact) => `<p>${escape(fact)}</p>`).join("\n")}
${sections.join("\n")}
</body>
</html>
`;
}
