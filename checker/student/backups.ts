/**
 * A student's files are sacred: before any command replaces one, a dated copy goes to
 * .lab/backups/<phase folder>/, and the command prints where. `restore` brings the latest back.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";

export function backupDir(root: string, phaseDir: string): string {
  return path.join(root, ".lab", "backups", path.basename(phaseDir));
}

/** 2026-11-25_09-12-33-123: sorts by time, and is a valid file name on every system. */
function stamp(date = new Date()): string {
  return date.toISOString().replace("T", "_").replace(/:/g, "-").replace(".", "-").replace("Z", "");
}

/** Copies `file` to a new dated backup and returns the backup's path; null if there is no file. */
export function backup(root: string, phaseDir: string, file: string): string | null {
  if (!existsSync(file)) return null;
  const dir = backupDir(root, phaseDir);
  mkdirSync(dir, { recursive: true });
  const base = stamp();
  let target = "";
  for (let n = 1; target === "" || existsSync(target); n++) target = path.join(dir, `${base}-${n}.${path.basename(file)}`);
  copyFileSync(file, target);
  return target;
}

/** The newest backup of a phase's file, or null. */
export function latestBackup(root: string, phaseDir: string, fileName = "server.ts"): string | null {
  const dir = backupDir(root, phaseDir);
  if (!existsSync(dir)) return null;
  const names = readdirSync(dir).filter((name) => name.endsWith(`.${fileName}`)).sort();
  return names.length > 0 ? path.join(dir, names.at(-1)!) : null;
}
