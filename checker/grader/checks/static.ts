/**
 * Phase 9: files from WEB_ROOT. The checker made the root for this run (checker/grader/site.ts): it asks
 * for its files by name and compares the bytes, the types and the dates, streams a big one while
 * it reads the server's memory, and tries every way out of the root it knows, looking for the
 * tokens that only files outside hold in every answer.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { BrowserError, Chromium, type CdpEvent } from "../chromium.ts";
import { header } from "../http-reader.ts";
import { RULES } from "../http-rules.ts";
import type { Site, SiteFile } from "../site.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { text } from "../../text.ts";
import { evidence, whyNoResponse, type Asked, prefixed } from "./common.ts";
import { callExport } from "./parse.ts";
import { startChromium } from "./browser.ts";
import { stillServes } from "./reactions.ts";
import { asked, request, wrongOnWire } from "./route.ts";

const words = text.static;

/** The run's site, or a skip that says why there is none (a server started by the student). */
function siteOf(ctx: CheckContext): Site | Finding {
  return ctx.site ?? { status: "skip", message: words.noSite };
}

function get(ctx: CheckContext, url: string, extra: string[] = [], method = "GET"): Promise<Asked> {
  const head = request(method, url).replace(/\r\n\r\n$/, "\r\n");
  return asked(ctx, head + extra.map((line) => `${line}\r\n`).join("") + "\r\n", method);
}

/** The media type of a Content-Type, in lowercase, and its charset if it names one. */
function mediaType(value: string): { type: string; charset: string | null } {
  const [type, ...params] = value.split(";");
  const charset = params.map((param) => /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(param)?.[1] ?? null).find(Boolean) ?? null;
  return { type: type!.trim().toLowerCase(), charset: charset?.toLowerCase() ?? null };
}

/** Null when the Content-Type fits the contract's for the file; text types must say charset=utf-8. */
function typeProblem(got: string | undefined, want: string): string | null {
  if (got === undefined) return words.noType;
  const have = mediaType(got);
  const wanted = mediaType(want);
  const sameType = have.type === wanted.type || (wanted.type === "image/x-icon" && have.type === "image/vnd.microsoft.icon");
  if (!sameType) return words.wrongType(got);
  if (wanted.charset && have.charset !== wanted.charset) return words.noCharset(got);
  return null;
}

/** U+FFFD, the replacement character, in UTF-8: what a decoder puts where bytes are not UTF-8. */
const REPLACEMENT = Buffer.from("\uFFFD", "utf8");

/** Up to 8 bytes from `at` on, as hex: "89 50 4E 47". */
function hexAt(bytes: Buffer, at: number): string {
  const shown = [...bytes.subarray(at, at + 8)].map((byte) => byte.toString(16).toUpperCase().padStart(2, "0")).join(" ");
  return shown || words.noMoreBytes;
}

/**
 * When the head is right (200, Content-Length the file's size) and what follows it is not the file:
 * the body's own mistake, named before the framing it breaks. A file read as text and re-encoded
 * is longer than its Content-Length; a server that fails after the head sends less.
 */
function bodyNotTheFile(ctx: CheckContext, answer: Asked, file: SiteFile, url: string): Finding | null {
  const response = answer.response;
  if (!response || response.statusLine?.status !== 200 || response.bodyStart === null) return null;
  if (header(response, "content-length")?.trim() !== String(file.bytes.length)) return null;
  const after = answer.result.received.subarray(response.bodyStart);
  if (after.equals(file.bytes)) return null;
  const closed = answer.result.ending === "server-closed" || answer.result.ending === "server-reset";
  if (after.length < file.bytes.length && after.equals(file.bytes.subarray(0, after.length))) {
    // Still open, the rest may yet come: the reader's words ("still open") say that.
    if (!closed) return null;
    return { message: words.cutShort(url, after.length, file.bytes.length), expected: words.bytesExpected(file.bytes.length), hint: words.cutShortHint, rule: RULES.incomplete, ...evidence(ctx, answer) };
  }
  let at = 0;
  while (at < after.length && after[at] === file.bytes[at]) at += 1;
  const replaced = after.includes(REPLACEMENT) && !file.bytes.includes(REPLACEMENT);
  // Latin-1 decoded, UTF-8 encoded: each byte 80-FF became C2 or C3 and one more.
  const latin1 = !replaced && after.equals(Buffer.from(file.bytes.toString("latin1"), "utf8"));
  return {
    message: words.notTheFile(url, after.length, file.bytes.length, at, hexAt(file.bytes, at), hexAt(after, at), replaced ? "replaced" : latin1 ? "latin1" : null),
    expected: words.bytesExpected(file.bytes.length),
    hint: words.bytesHint,
    rule: RULES.fileBytes,
    ...evidence(ctx, answer),
  };
}

/** Null when the answer is the file: 200, its exact bytes. `url` is what was asked for (a folder, for its index). */
function fileFinding(ctx: CheckContext, answer: Asked, file: SiteFile, url = file.url): Finding | null {
  const why = whyNoResponse(ctx, answer);
  if (why) return { ...why, message: prefixed(words.forFile(url), why.message) };
  const changed = bodyNotTheFile(ctx, answer, file, url);
  if (changed) return changed;
  const fault = wrongOnWire(ctx, answer, 200, { body: file.bytes.length > 0, hint: words.fileHint });
  if (fault) return { ...fault, message: prefixed(words.forFile(url), fault.message) };
  const body = answer.response!.body;
  if (!body.equals(file.bytes)) {
    return { message: words.otherBytes(url, body.length, file.bytes.length), expected: words.bytesExpected(file.bytes.length), hint: words.bytesHint, ...evidence(ctx, answer) };
  }
  return null;
}

export const staticUnitTypes: Check = {
  id: "static.unit-types",
  ...text.checks["static.unit-types"],
  needsModule: true,
  async run(ctx) {
    const names: Array<[string, string]> = [
      ["index.html", "text/html; charset=utf-8"],
      ["app.js", "text/javascript; charset=utf-8"],
      ["style.CSS", "text/css; charset=utf-8"],
      ["logo.svg", "image/svg+xml"],
      ["photo.JPEG", "image/jpeg"],
      ["module.wasm", "application/wasm"],
      [`data.${ctx.rng.word(3)}`, "application/octet-stream"],
      ["Makefile", "application/octet-stream"],
    ];
    for (const [name, want] of names) {
      const called = await callExport(ctx, "contentType", [name]);
      if ("finding" in called) return called.finding;
      const value = called.value.value;
      const got = typeof value === "string" ? value : undefined;
      const problem = typeProblem(got, want);
      if (problem) {
        const missingCharset = got !== undefined && mediaType(got).type === mediaType(want).type;
        return {
          message: words.unitType(`contentType(${JSON.stringify(name)})`, got === undefined ? "something that is not text" : JSON.stringify(got), JSON.stringify(want), missingCharset),
          expected: JSON.stringify(want),
          hint: name !== name.toLowerCase() ? words.caseHint : words.typeHint,
        };
      }
    }
    return null;
  },
};

export const staticFiles: Check = {
  id: "static.files",
  ...text.checks["static.files"],
  requires: ["start"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    for (const file of [site.text, site.binary, site.empty, site.spaced, site.accented]) {
      const answer = await get(ctx, file.url);
      const found = fileFinding(ctx, answer, file);
      // A name with a space or an é that is not found: the lookup used the name still percent-encoded.
      const encodedName = (file === site.spaced || file === site.accented) && answer.response?.statusLine?.status === 404;
      if (found) return { ...found, hint: encodedName ? words.encodedNameHint : found.hint };
      const length = header(answer.response!, "content-length");
      if (length !== String(file.bytes.length)) return { message: words.wrongLength(file.url, length, file.bytes.length), rule: RULES.contentLength, hint: words.lengthHint, ...evidence(ctx, answer) };
    }
    return null;
  },
};

export const staticTypes: Check = {
  id: "static.types",
  ...text.checks["static.types"],
  requires: ["static.files"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    for (const file of site.typed) {
      const answer = await get(ctx, file.url);
      const fault = wrongOnWire(ctx, answer, 200);
      if (fault) return { ...fault, message: prefixed(words.forFile(file.url), fault.message) };
      const got = header(answer.response!, "content-type");
      const problem = typeProblem(got, file.type);
      if (problem) {
        return {
          message: `${words.forFile(file.url)} ${problem}`,
          expected: `Content-Type: ${file.type}`,
          rule: RULES.contentTypeField,
          hint: file.name !== file.name.toLowerCase() && /[A-Z]/.test(file.name.split(".").pop()!) ? words.caseHint : words.typeHint,
          ...evidence(ctx, answer),
        };
      }
    }
    return null;
  },
};

export const staticIndex: Check = {
  id: "static.index",
  ...text.checks["static.index"],
  requires: ["static.files"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const withSlash = await get(ctx, `${site.folder.url}/`);
    const index = fileFinding(ctx, withSlash, site.folder.index, `${site.folder.url}/`);
    if (index) return { ...index, hint: words.indexHint };
    // Without the slash: a 301 to the folder with one, or its index at once.
    const bare = await get(ctx, site.folder.url);
    const why = whyNoResponse(ctx, bare);
    if (why) return why;
    const response = bare.response!;
    const status = response.statusLine?.status;
    if (status === 301 || status === 308) {
      const location = header(response, "location") ?? "";
      if (!location.endsWith(`${site.folder.url}/`)) return { message: words.badLocation(site.folder.url, location), expected: `Location: ${site.folder.url}/`, hint: words.redirectHint, rule: RULES.locationOn3xx, ...evidence(ctx, bare) };
    } else if (!(status === 200 && response.body.equals(site.folder.index.bytes))) {
      return { message: words.bareFolder(site.folder.url, status ?? null), expected: words.bareFolderExpected(site.folder.url), hint: words.redirectHint, ...evidence(ctx, bare) };
    }
    for (const [url, hint] of [
      [site.emptyFolder, words.noListingHint],
      [`/${ctx.rng.word(7)}.html`, words.notFoundHint],
    ] as const) {
      const answer = await get(ctx, url);
      const why404 = whyNoResponse(ctx, answer);
      if (why404) return { ...why404, message: prefixed(words.forFile(url), why404.message) };
      const code = answer.response!.statusLine?.status;
      if (code !== 404 && code !== 403) return { message: `${words.forFile(url)} ${text.route.wireStatus(code ?? null, 404)}`, expected: "HTTP/1.1 404 Not Found", hint, ...evidence(ctx, answer) };
      if (answer.response!.body.length === 0) return { message: `${words.forFile(url)} ${text.route.wireNoBody(code)}`, expected: text.route.bodyExpected, ...evidence(ctx, answer) };
    }
    return null;
  },
};

export const staticHead: Check = {
  id: "static.head",
  ...text.checks["static.head"],
  requires: ["static.files"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const head = await get(ctx, site.text.url, [], "HEAD");
    const why = whyNoResponse(ctx, head);
    if (why) return why;
    const response = head.response!;
    const after = response.bodyStart === null ? 0 : head.result.received.length - response.bodyStart;
    if (after > 0) return { message: words.headBody(site.text.url, after), rule: RULES.noContent, hint: words.headHint, ...evidence(ctx, head) };
    if (response.statusLine?.status !== 200) return { message: `${words.forHead(site.text.url)} ${text.route.wireStatus(response.statusLine?.status ?? null, 200)}`, hint: words.headHint, ...evidence(ctx, head) };
    const length = header(response, "content-length");
    if (length !== String(site.text.bytes.length)) return { message: words.headLength(site.text.url, length, site.text.bytes.length), rule: RULES.headSameHead, hint: words.headHint, ...evidence(ctx, head) };
    if (typeProblem(header(response, "content-type"), site.text.type)) return { message: words.headType(site.text.url, header(response, "content-type")), rule: RULES.headSameHead, hint: words.headHint, ...evidence(ctx, head) };
    return null;
  },
};

export const staticConditional: Check = {
  id: "static.conditional",
  ...text.checks["static.conditional"],
  requires: ["static.files"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const want = new Date(site.mtimeMs).toUTCString();
    const first = await get(ctx, site.text.url);
    const fault = wrongOnWire(ctx, first, 200);
    if (fault) return fault;
    const lastModified = header(first.response!, "last-modified");
    if (lastModified?.trim() !== want) {
      return { message: words.lastModified(lastModified), expected: `Last-Modified: ${want}`, hint: words.lastModifiedHint, rule: RULES.lastModified, ...evidence(ctx, first) };
    }
    const current = await get(ctx, site.text.url, [`If-Modified-Since: ${want}`]);
    const why = whyNoResponse(ctx, current);
    if (why) return why;
    const response = current.response!;
    if (response.statusLine?.status !== 304) {
      return { message: words.not304(response.statusLine?.status ?? null, want), expected: "HTTP/1.1 304 Not Modified, without a body", hint: words.notModifiedHint, rule: RULES.notModified, ...evidence(ctx, current) };
    }
    const after = response.bodyStart === null ? 0 : current.result.received.length - response.bodyStart;
    if (after > 0) return { message: words.bodyOn304(after), rule: RULES.noContent, hint: words.notModifiedHint, ...evidence(ctx, current) };
    // Older than the file, and not a date at all: the whole file.
    for (const since of [new Date(site.mtimeMs - 86_400_000).toUTCString(), "yesterday"]) {
      const answer = await get(ctx, site.text.url, [`If-Modified-Since: ${since}`]);
      const found = fileFinding(ctx, answer, site.text);
      if (found) return { ...found, message: `${words.withSince(since)} ${found.message}`, hint: since === "yesterday" ? words.invalidSinceHint : words.olderSinceHint };
    }
    return null;
  },
};

/** What a download of a big file came to: its head, and its body's length and hash (the bytes are not kept). */
interface Download {
  status: number | null;
  head: Buffer;
  size: number;
  sha256: string;
  ending: "complete" | "server-closed" | "server-reset" | "timeout" | "refused";
}

/** How long the big download stops reading, once 1 MiB has come, before the server's memory is read. */
export const LARGE_PAUSE_MS = 400;

/**
 * GET `url` and hash the body as it comes: many MiB, so nothing but the head is kept. After the
 * first MiB of body the reading stops for a moment and `whilePaused` runs: a server that streams
 * has then read little more than the socket's buffers hold; one that read the file whole holds it all.
 */
function download(ctx: CheckContext, url: string, timeoutMs: number, whilePaused: () => void): Promise<Download> {
  return new Promise((resolve) => {
    const hash = createHash("sha256");
    let head = Buffer.alloc(0);
    let bodyStart = -1;
    let expected = -1;
    let size = 0;
    let paused = false;
    let settled = false;
    const socket = net.connect({ host: ctx.host, port: ctx.port });
    const finish = (ending: Download["ending"]): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(head.toString("latin1"))?.[1]) || null;
      resolve({ status, head: bodyStart >= 0 ? head.subarray(0, bodyStart) : head, size, sha256: hash.digest("hex"), ending });
    };
    // One deadline for the whole exchange, whatever the server does.
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    socket.on("connect", () => socket.write(request("GET", url)));
    socket.on("data", (chunk: Buffer) => {
      if (bodyStart < 0) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) {
          if (head.length > 64 * 1024) finish("complete");
          return;
        }
        bodyStart = end + 4;
        expected = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head.subarray(0, end).toString("latin1"))?.[1] ?? -1);
        chunk = head.subarray(bodyStart);
        head = head.subarray(0, bodyStart);
      }
      hash.update(chunk);
      size += chunk.length;
      if (expected >= 0 && size >= expected) finish("complete");
      else if (!paused && size >= 1024 * 1024) {
        paused = true;
        socket.pause();
        setTimeout(() => {
          whilePaused();
          socket.resume();
        }, LARGE_PAUSE_MS);
      }
    });
    socket.on("end", () => finish("server-closed"));
    socket.on("error", (error: NodeJS.ErrnoException) => finish(error.code === "ECONNREFUSED" ? "refused" : "server-reset"));
  });
}

export const staticLarge: Check = {
  id: "static.large",
  alone: true,
  ...text.checks["static.large"],
  requires: ["static.files"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
    const before = ctx.server?.memory() ?? null;
    let during: { rssKiB: number } | null = null;
    const got = await download(ctx, site.large.url, 30_000, () => {
      during = ctx.server?.memory() ?? null;
    });
    const sent = Buffer.from(request("GET", site.large.url));
    // The reference's answer is the same 32 MiB: nothing to show beside it.
    const shown = { sent, received: got.head, tryIt: words.largeTryIt(site.large.url, ctx.tryPort), noReference: true };
    if (got.status !== 200) return { message: words.largeStatus(site.large.url, got.status, got.ending), hint: words.fileHint, ...shown };
    if (got.size !== site.large.size || got.sha256 !== site.large.sha256) {
      return { message: words.largeBytes(site.large.url, mib(got.size), mib(site.large.size), got.ending), expected: words.bytesExpected(site.large.size), hint: words.streamHint, ...shown };
    }
    const held = during as { rssKiB: number } | null;
    if (before && held) {
      const grewBytes = (held.rssKiB - before.rssKiB) * 1024;
      if (process.env.LAB_DEBUG_MEM) console.error(`grew ${mib(grewBytes)} MiB`);
      // Streamed, a server holds a few pieces of 64 KiB (and what its collector has not freed yet); read whole, all of it.
      if (grewBytes > site.large.size / 2) {
        return { message: words.largeMemory(site.large.url, mib(site.large.size), mib(grewBytes)), expected: words.largeMemoryExpected(mib(site.large.size / 2)), hint: words.streamHint, rule: RULES.streamLarge, ...shown };
      }
    }
    return null;
  },
};

/** The ways out of the root a server must refuse, each as sent on the wire (curl would rewrite most). */
export function attacks(site: Site): Array<{ target: string; key: keyof typeof words.attack; what: string }> {
  const secret = site.secretName;
  const absolute = site.secretPath;
  const attack = (target: string, key: keyof typeof words.attack) => ({ target, key, what: words.attack[key] });
  return [
    attack(`/../${secret}`, "dotDot"),
    attack(`/%2e%2e/${secret}`, "encodedDots"),
    attack(`/%2E%2E%2F${secret}`, "encodedSlash"),
    attack(`/..%2f${secret}`, "encodedSlashAfter"),
    attack(`/%252e%252e/${secret}`, "doubleEncoded"),
    attack(`/./../${secret}`, "dotThenDotDot"),
    attack(`/${site.folder.url.slice(1)}/../../${secret}`, "deeper"),
    attack(`/%2F${absolute.split("/").slice(1).map(encodeURIComponent).join("%2F")}`, "absoluteEncoded"),
    attack(`/${absolute}`, "absoluteDoubleSlash"),
    attack(`/..%5c${secret}`, "backslash"),
    attack(`/..\\${secret}`, "backslashRaw"),
    attack(`/${secret}%00.txt`, "nul"),
    attack(`/../${site.siblingName}/${site.siblingFile}`, "siblingPrefix"),
    attack(`/${site.linkToFile}`, "symlinkFile"),
    attack(`/${site.linkToDir}/${secret}`, "symlinkFolder"),
  ];
}

export const staticTraversal: Check = {
  id: "static.traversal",
  ...text.checks["static.traversal"],
  requires: ["static.files"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    for (const { target, what } of attacks(site)) {
      const answer = await asked(ctx, `GET ${target} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: http-lab-checker\r\n\r\n`);
      const leaked = site.tokens.find((token) => answer.result.received.includes(token));
      if (leaked) {
        // Each token is the text of one file outside the root: the secret beside it, or the sibling folder's file.
        const sibling = leaked === site.tokens[1];
        const file = sibling ? `${site.siblingName}/${site.siblingFile}` : site.secretName;
        return { message: words.leaked(target, what, leaked, file, sibling), expected: words.refusedExpected, hint: words.attackHint(what), rule: RULES.traversal, ...evidence(ctx, answer) };
      }
      const why = whyNoResponse(ctx, answer);
      if (why) return { ...why, message: prefixed(words.forAttack(target), why.message), hint: words.attackCrashHint };
      const status = answer.response?.statusLine?.status ?? null;
      if (status !== 400 && status !== 403 && status !== 404) {
        return { message: words.notRefused(target, what, status), expected: words.refusedExpected, hint: words.attackHint(what), rule: RULES.traversal, ...evidence(ctx, answer) };
      }
    }
    return stillServes(ctx, words.afterTraversal);
  },
};

export const staticLookAlikes: Check = {
  id: "static.look-alikes",
  ...text.checks["static.look-alikes"],
  requires: ["static.files"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    for (const file of site.lookAlikes) {
      const found = fileFinding(ctx, await get(ctx, file.url), file);
      if (found) return { ...found, hint: words.lookAlikeHint };
    }
    return null;
  },
};


/** Where --browser leaves the page's screenshot (the lab's own folder, .lab/, which git ignores). */
function screenshotFile(phase: number): string {
  return path.resolve(process.env.LAB_SCREENSHOTS ?? path.join(".lab", "screenshots"), `phase-${phase}.png`);
}

/** The browser's view of the site's page: what it asked for and got, and what the page became. */
interface PageView {
  error: string | null;
  requests: Array<{ path: string; status: number | null; type: string; failed: string | null }>;
  console: string[];
  color: string;
  width: number;
  height: number;
  mark: string;
}

export const staticBrowser: Check = {
  id: "static.browser",
  ...text.checks["static.browser"],
  needsBrowser: true,
  requires: ["static.files"],
  async run(ctx) {
    const site = siteOf(ctx);
    if ("message" in site) return site;
    const browser = await startChromium();
    if (!(browser instanceof Chromium)) return browser;
    const url = `http://${ctx.host}:${ctx.port}${site.page.url}`;
    const view: PageView = { error: null, requests: [], console: [], color: "", width: 0, height: 0, mark: "" };
    let screenshot: string | null = null;
    try {
      const session = await browser.openTab();
      const byId = new Map<string, PageView["requests"][number]>();
      const unlisten = browser.listen((event: CdpEvent) => {
        if (event.sessionId !== session) return;
        const { params } = event;
        // The icon a browser asks for by itself is not part of the page (and comes when it likes).
        // At most 20 requests and 10 console lines are kept: the page runs the server's own app.js.
        if (event.method === "Network.requestWillBeSent" && new URL(params.request.url).pathname !== "/favicon.ico" && view.requests.length < 20) {
          const request = { path: new URL(params.request.url).pathname, status: null, type: "", failed: null };
          byId.set(params.requestId, request);
          view.requests.push(request);
        } else if (event.method === "Network.responseReceived") {
          const request = byId.get(params.requestId);
          if (request) Object.assign(request, { status: params.response.status, type: String(params.response.headers?.["Content-Type"] ?? params.response.headers?.["content-type"] ?? params.response.mimeType ?? "").slice(0, 100) });
        } else if (event.method === "Network.loadingFailed") {
          const request = byId.get(params.requestId);
          if (request) request.failed = params.errorText;
        } else if (view.console.length >= 10) {
          return;
        } else if (event.method === "Log.entryAdded" && params.entry?.level === "error" && params.entry?.source !== "network") {
          view.console.push(String(params.entry.text).slice(0, 300));
        } else if (event.method === "Runtime.exceptionThrown") {
          view.console.push(String(params.exceptionDetails?.exception?.description ?? params.exceptionDetails?.text ?? "").slice(0, 300));
        }
      });
      try {
        for (const domain of ["Page", "Network", "Log", "Runtime"]) await browser.send(`${domain}.enable`, {}, session);
        const loaded = browser.waitFor((event) => event.sessionId === session && event.method === "Page.loadEventFired", 8000);
        const answer = await browser.send("Page.navigate", { url }, session);
        view.error = answer.errorText || null;
        if (view.error) loaded.cancel();
        else if (!(await loaded.event)) view.error = text.browser.didNotLoad(8);
        // A module script runs after the document is parsed; give it a moment to leave its mark.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const seen = await browser.send(
          "Runtime.evaluate",
          {
            expression:
              "JSON.stringify({ color: document.body ? getComputedStyle(document.body).backgroundColor : '', width: document.querySelector('#logo')?.naturalWidth ?? 0, height: document.querySelector('#logo')?.naturalHeight ?? 0, mark: document.body?.dataset.script ?? '' })",
            returnByValue: true,
          },
          session,
        );
        // The page runs the server's app.js: what comes back is read as data, never trusted as shaped.
        let seenValues: Record<string, unknown> = {};
        try {
          seenValues = JSON.parse(String(seen.result?.value ?? "{}")) as Record<string, unknown>;
        } catch {
          // A script that replaced JSON.stringify: nothing was seen.
        }
        view.color = String(seenValues.color ?? "").slice(0, 100);
        view.width = Number(seenValues.width) || 0;
        view.height = Number(seenValues.height) || 0;
        view.mark = String(seenValues.mark ?? "").slice(0, 100);
        const shot = await browser.send("Page.captureScreenshot", { format: "png" }, session);
        if (typeof shot.data === "string") {
          screenshot = screenshotFile(ctx.phase.number);
          mkdirSync(path.dirname(screenshot), { recursive: true });
          writeFileSync(screenshot, Buffer.from(shot.data, "base64"));
        }
      } finally {
        unlisten();
      }
    } catch (error) {
      if (!(error instanceof BrowserError)) throw error;
      return { status: "skip", message: text.browser.stopped(error.message) };
    } finally {
      await browser.close();
    }
    return judgePage(ctx, site, view, screenshot);
  },
};

function judgePage(ctx: CheckContext, site: Site, view: PageView, screenshot: string | null): Finding | null {
  const asked = view.requests.map((request) => `GET ${request.path} ${request.failed ?? request.status ?? "—"}${request.type ? ` (${request.type})` : ""}`).join("\n");
  const saved = screenshot ? words.screenshot(screenshot) : "";
  const details = `\n${asked}${view.console.length > 0 ? `\n${words.consoleSaid(view.console.join("\n"))}` : ""}${saved}`;
  const tryIt = words.browserTryIt(ctx.tryPort, site.page.url);
  const of = (name: string) => view.requests.find((request) => request.path.endsWith(`/${name}`));
  if (view.error) return { message: words.pageFailed(site.page.url, view.error) + details, tryIt };
  if (view.color !== site.page.color) return { message: words.noStyle(view.color, site.page.color, of("style.css")?.type ?? "") + details, hint: words.browserTypeHint, tryIt };
  if (view.width !== site.page.width || view.height !== site.page.height) {
    return { message: words.noImage(view.width, view.height, site.page.width, site.page.height, of("logo.svg")?.type ?? "") + details, hint: words.browserTypeHint, tryIt };
  }
  if (view.mark !== site.page.mark) return { message: words.noScript(of("app.js")?.type ?? "") + details, hint: words.browserTypeHint, tryIt };
  return null;
}
