/**
 * Runs in a child process: imports the student's file and calls its exported functions on request.
 * A separate process, so a function that loops forever or a module that exits cannot touch the
 * checker; the parent kills this process when it is done or when a call takes too long.
 */
import { pathToFileURL } from "node:url";

type Reply =
  | { kind: "ready"; exports: string[] }
  | { kind: "load-error"; message: string }
  | { kind: "result"; id: number; value: Encoded }
  | { kind: "threw"; id: number; message: string };

export type Encoded =
  | { type: "string"; text: string }
  | { type: "buffer"; base64: string }
  | { type: "other"; description: string; json?: string };

const send = (reply: Reply): void => {
  process.send?.(reply);
};

function encode(value: unknown): Encoded {
  if (typeof value === "string") return { type: "string", text: value };
  if (value instanceof Uint8Array) return { type: "buffer", base64: Buffer.from(value).toString("base64") };
  // A Map is what some students return for headers: the checks read it as the object it stands for.
  const plain = value instanceof Map ? Object.fromEntries(value) : value;
  let description: string;
  let json: string | undefined;
  try {
    json = plain === undefined ? undefined : JSON.stringify(plain);
    description = value === undefined ? "undefined" : value === null ? "null" : value instanceof Map ? `a Map ${json}` : `${typeof value} ${json}`;
  } catch {
    description = typeof value;
  }
  return { type: "other", description, json };
}

/** IPC carries a Buffer as its JSON form, { type: "Buffer", data: [...] }: the student's function gets the Buffer back. */
function revived(arg: unknown): unknown {
  const json = arg as { type?: unknown; data?: unknown } | null;
  return typeof json === "object" && json !== null && json.type === "Buffer" && Array.isArray(json.data) ? Buffer.from(json.data as number[]) : arg;
}

const file = process.argv[2]!;
let loaded: Record<string, unknown>;
try {
  loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  send({ kind: "ready", exports: Object.keys(loaded) });
} catch (error) {
  send({ kind: "load-error", message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  process.exit(1);
}

process.on("message", async (message: { id: number; name: string; args: unknown[] }) => {
  try {
    const fn = loaded[message.name];
    if (typeof fn !== "function") throw new Error(`${message.name} is not a function`);
    const value: unknown = await fn(...message.args.map(revived));
    send({ kind: "result", id: message.id, value: encode(value) });
  } catch (error) {
    send({ kind: "threw", id: message.id, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
});

// If the checker goes away (even killed), so does this process.
process.on("disconnect", () => process.exit(0));
