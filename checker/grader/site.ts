/**
 * The folder of files a static-file phase serves (WEB_ROOT), made fresh for each run with random
 * names and contents, so that no server can know them in advance. Beside the root, outside it,
 * lie the things a server must never hand out: a secret file, a sibling folder whose name starts
 * with the root's name, and the targets of symlinks planted inside the root.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { deflateSync } from "node:zlib";
import type { Rng } from "./rng.ts";

export interface SiteFile {
  /** The path a client asks for, percent-encoded where it must be: "/caf%C3%A9-k3x.txt". */
  url: string;
  /** The file's path inside the root, as on disk. */
  name: string;
  bytes: Buffer;
  /** The Content-Type the contract gives it. */
  type: string;
}

export interface Site {
  /** The folder that holds the root and what lies beside it. */
  dir: string;
  /** WEB_ROOT. */
  root: string;
  /** Text that only files outside the root hold: a response that has any of it leaked one. */
  tokens: string[];
  /** The secret file beside the root, by its absolute path. */
  secretPath: string;
  secretName: string;
  /** The sibling folder that starts with the root's name ("public-old" beside "public"), and a file in it. */
  siblingName: string;
  siblingFile: string;
  /** Symlinks inside the root: one to the secret file, one to the folder above the root. */
  linkToFile: string;
  linkToDir: string;
  text: SiteFile;
  binary: SiteFile;
  empty: SiteFile;
  spaced: SiteFile;
  accented: SiteFile;
  /** One file per extension of the contract's table, plus one in capitals and one unknown. */
  typed: SiteFile[];
  /** A folder with an index.html, and one without. */
  folder: { url: string; index: SiteFile };
  emptyFolder: string;
  /** Names with ".." in them that are not traversal. */
  lookAlikes: SiteFile[];
  /** A file of many MiB: only its length and hash are kept. */
  large: { url: string; size: number; sha256: string };
  /** The page the browser check opens, with its stylesheet, image and module script. */
  page: { url: string; color: string; width: number; height: number; mark: string };
  /** Every file's modification time, whole seconds in the past (so Last-Modified is known). */
  mtimeMs: number;
  /** Phase 13: a text long enough to be worth compressing (tens of KiB), and a PNG of noise of a few KiB (compressed already). */
  long: SiteFile;
  photo: SiteFile;
}

export const LARGE_FILE_BYTES = 32 * 1024 * 1024;

const TYPE_BY_EXTENSION: Array<[string, string]> = [
  ["html", "text/html; charset=utf-8"],
  ["css", "text/css; charset=utf-8"],
  ["js", "text/javascript; charset=utf-8"],
  ["json", "application/json"],
  ["txt", "text/plain; charset=utf-8"],
  ["svg", "image/svg+xml"],
  ["png", "image/png"],
  ["jpg", "image/jpeg"],
  ["jpeg", "image/jpeg"],
  ["gif", "image/gif"],
  ["ico", "image/x-icon"],
  ["webp", "image/webp"],
  ["wasm", "application/wasm"],
  ["pdf", "application/pdf"],
];

/** The Content-Type the contract gives a file name (the checker's own table, from the lesson). */
export function expectedType(name: string): string {
  const extension = path.extname(name).slice(1).toLowerCase();
  return TYPE_BY_EXTENSION.find(([each]) => each === extension)?.[1] ?? "application/octet-stream";
}

/** A small PNG of `width` x `height` pixels in one colour, made by hand (signature, IHDR, IDAT, IEND). */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  return pngOf(width, height, Buffer.concat(Array.from({ length: height }, () => row)));
}

/** A PNG of `width` x `height` truecolour pixels from its raw rows (each a filter byte 0, then RGB triples). */
function pngOf(width: number, height: number, rows: Buffer): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer): number => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // truecolour
  const pixels = deflateSync(rows);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", pixels), chunk("IEND", Buffer.alloc(0))]);
}

/** A PNG of `width` x `height` pixels of noise (from hashes of `seed`): it does not shrink when compressed again. */
function noisyPng(width: number, height: number, seed: string): Buffer {
  const bytes: Buffer[] = [];
  for (let n = 0; bytes.length * 32 < width * height * 3; n++) bytes.push(createHash("sha256").update(`${seed}:${n}`).digest());
  const pixels = Buffer.concat(bytes);
  const rows = Array.from({ length: height }, (_, y) => [0, ...pixels.subarray(y * width * 3, (y + 1) * width * 3)]).flat();
  return pngOf(width, height, Buffer.from(rows));
}

const KEPT_MARK = ".kept";
/** Holds the pid of the checker whose run is using the site. */
const OWNER_MARK = ".owner";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it lives, as another user's process.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Sites an earlier run kept for its "try it" lines (keepSite), and sites whose checker has gone
 * without removing them (killed). A site is judged by whether its owner lives, never by its age: a
 * folder's time comes from the file system's clock, and "now" from the checker's, which need not
 * agree (a moved clock in the tests, a skewed one on a network drive), and a concurrent run's site
 * must never be taken from under it. A folder without either mark is being made: left alone.
 */
function removeStaleSites(removeKept: boolean): void {
  try {
    for (const name of readdirSync(os.tmpdir())) {
      if (!name.startsWith("http-lab-site-")) continue;
      const folder = path.join(os.tmpdir(), name);
      const kept = existsSync(path.join(folder, KEPT_MARK));
      const owner = kept ? NaN : Number.parseInt(readOwner(folder) ?? "", 10);
      if ((kept && removeKept) || (!kept && Number.isInteger(owner) && !alive(owner))) rmSync(folder, { recursive: true, force: true });
    }
  } catch {
    // Another checker may be removing the same folder: not ours to worry about.
  }
}

function readOwner(folder: string): string | null {
  try {
    return readFileSync(path.join(folder, OWNER_MARK), "utf8");
  } catch {
    return null;
  }
}

/**
 * Makes the site in a new temporary folder. The caller removes it with removeSite, or leaves it with
 * keepSite; `removeKept` (a run that may keep its own) first removes the ones earlier runs kept.
 */
export function makeSite(rng: Rng, removeKept = false): Site {
  removeStaleSites(removeKept);
  const dir = mkdtempSync(path.join(os.tmpdir(), "http-lab-site-"));
  writeFileSync(path.join(dir, OWNER_MARK), String(process.pid));
  const rootName = `public${rng.word(3)}`;
  const root = path.join(dir, rootName);
  mkdirSync(root);
  const mtimeMs = (Math.floor(Date.now() / 1000) - 3600 - rng.int(0, 86_400)) * 1000;
  const written: string[] = [];
  const write = (name: string, bytes: Buffer): SiteFile => {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    written.push(file);
    const url = "/" + name.split("/").map(encodeURIComponent).join("/");
    return { url, name, bytes, type: expectedType(name) };
  };
  const words = (n: number): string => Array.from({ length: n }, () => rng.word(rng.int(3, 8))).join(" ");

  // Outside the root: what no request may ever get.
  const tokens = [`secret-${rng.word(12)}`, `sibling-${rng.word(12)}`];
  const secretName = `secret-${rng.word(4)}.txt`;
  const secretPath = path.join(dir, secretName);
  writeFileSync(secretPath, `${tokens[0]}\n`);
  const siblingName = `${rootName}-old`;
  mkdirSync(path.join(dir, siblingName));
  const siblingFile = `notes-${rng.word(3)}.txt`;
  writeFileSync(path.join(dir, siblingName, siblingFile), `${tokens[1]}\n`);
  const linkToFile = `${rng.word(5)}.txt`;
  symlinkSync(path.join("..", secretName), path.join(root, linkToFile));
  const linkToDir = `up-${rng.word(4)}`;
  symlinkSync("..", path.join(root, linkToDir));

  const text = write(`${rng.word(6)}.txt`, Buffer.from(`${words(12)}\nÄpfel, Öl und Übermut: ✓\n`, "utf8"));
  const binary = write(`${rng.word(6)}.png`, png(rng.int(2, 9), rng.int(2, 9), [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)]));
  const empty = write(`empty-${rng.word(4)}.txt`, Buffer.alloc(0));
  const spaced = write(`my ${rng.word(4)} notes.txt`, Buffer.from(`${words(5)}\n`));
  const accented = write(`café-${rng.word(3)}.txt`, Buffer.from(`${words(5)}\n`));
  const typed = [
    ...TYPE_BY_EXTENSION.map(([extension]) => write(`kind-${rng.word(4)}.${extension}`, Buffer.from(`${extension} ${words(3)}\n`))),
    write(`upper-${rng.word(4)}.CSS`, Buffer.from(`body { margin: 0; }\n`)),
    write(`data-${rng.word(4)}.${rng.word(3)}`, Buffer.from(words(4))),
    write(`README-${rng.word(4)}`, Buffer.from(words(4))),
  ];
  const folderName = `docs-${rng.word(4)}`;
  const index = write(`${folderName}/index.html`, Buffer.from(`<h1>${words(3)}</h1>\n`));
  const emptyFolder = `/${rng.word(5)}-empty/`;
  mkdirSync(path.join(root, emptyFolder));
  const lookAlikes = [write("a..b.txt", Buffer.from(`${words(4)}\n`)), write(`${rng.word(3)}..${rng.word(3)}.txt`, Buffer.from(`${words(4)}\n`)), write("v1..2/notes.txt", Buffer.from(`${words(4)}\n`))];

  const largeName = `big-${rng.word(4)}.bin`;
  const largeBytes = randomBytes(LARGE_FILE_BYTES);
  writeFileSync(path.join(root, largeName), largeBytes);
  written.push(path.join(root, largeName));
  const large = { url: `/${largeName}`, size: largeBytes.length, sha256: createHash("sha256").update(largeBytes).digest("hex") };

  // The browser's page: a colour from the stylesheet, an image's size, and a mark the module script leaves.
  const pageDir = `site-${rng.word(4)}`;
  const color = `rgb(${rng.int(0, 255)}, ${rng.int(0, 255)}, ${rng.int(0, 255)})`;
  const width = rng.int(40, 90);
  const height = rng.int(20, 60);
  const mark = `ran-${rng.word(6)}`;
  write(`${pageDir}/style.css`, Buffer.from(`body { background-color: ${color}; font-family: sans-serif; }\n`));
  write(`${pageDir}/logo.svg`, Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="#3b6"/></svg>\n`));
  write(`${pageDir}/app.js`, Buffer.from(`document.body.dataset.script = "${mark}";\ndocument.querySelector("#out").textContent = "The module script ran.";\n`));
  const page = write(
    `${pageDir}/index.html`,
    Buffer.from(
      `<!doctype html>\n<html><head><meta charset="utf-8"><title>http-lab static check</title><link rel="stylesheet" href="style.css"></head>\n` +
        `<body><h1>Served by your server</h1><img id="logo" src="logo.svg" alt="logo"><p id="out">The module script did not run.</p>\n<script type="module" src="app.js"></script></body></html>\n`,
    ),
  );

  // Phase 13's files draw nothing more from rng (the later checks' draws stay as they were): a long
  // text of the lines drawn above, and a PNG of pixels from a hash of the page's mark.
  const lines = text.bytes.toString("utf8").split("\n").filter(Boolean);
  const long = write(`long-${mark.slice(4)}.txt`, Buffer.from(Array.from({ length: 400 }, (_, i) => `${i + 1}. ${lines[i % lines.length]} ${mark}\n`).join(""), "utf8"));
  const photo = write(`photo-${mark.slice(4)}.png`, noisyPng(48, 48, mark));

  const seconds = mtimeMs / 1000;
  for (const file of written) utimesSync(file, seconds, seconds);
  return {
    dir,
    root,
    tokens,
    secretPath,
    secretName,
    siblingName,
    siblingFile,
    linkToFile,
    linkToDir,
    text,
    binary,
    empty,
    spaced,
    accented,
    typed,
    folder: { url: `/${folderName}`, index },
    emptyFolder,
    lookAlikes,
    large,
    page: { url: page.url, color, width, height, mark },
    mtimeMs,
    long,
    photo,
  };
}

/** Leaves the site for the student's own "try it" requests; the next run removes it. */
export function keepSite(site: Site): void {
  writeFileSync(path.join(site.dir, KEPT_MARK), "");
  rmSync(path.join(site.dir, OWNER_MARK), { force: true });
}

export function removeSite(site: Site): void {
  rmSync(site.dir, { recursive: true, force: true });
}
