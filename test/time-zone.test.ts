/**
 * Every graded server runs in a time zone 5 h 30 min east of UTC (server-process.ts's SERVER_TZ),
 * and so does the process that imports the student's module: a Date in local time, not GMT,
 * shows on every machine, also on the UTC clocks of CI and of many students. A Python server
 * sees it too.
 */
import { expect, test } from "vitest";
import { ModuleCaller } from "../checker/grader/module-caller.ts";
import { gradeServer } from "./grade-server.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

test("a graded server sees TZ=Asia/Kolkata: its clock reads 330 minutes east of UTC", async () => {
  const { result } = await gradeServer(
    "tells-its-time-zone",
    `import net from "node:net";
net.createServer((socket) => {
  socket.on("error", () => {});
  socket.once("data", () => {
    const body = "tz=" + new Date().getTimezoneOffset();
    socket.end("HTTP/1.1 200 OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\nContent-Length: " + body.length + "\\r\\nConnection: close\\r\\n\\r\\n" + body);
  });
}).listen(Number(process.env.PORT), "127.0.0.1");
`,
  );
  // The page has no non-ASCII character, so 3.9 fails and shows what came: the zone's offset.
  expect(result("respond.page").finding!.received!.toString()).toContain("tz=-330");
});

test("a Python server sees the same zone", async () => {
  const { result } = await gradeServer(
    "python-tells-its-time-zone",
    `import { execFileSync } from "node:child_process";
import net from "node:net";
const zone = execFileSync("python3", ["-c", "import time; print(time.strftime('%z'), end='')"]).toString();
net.createServer((socket) => {
  socket.on("error", () => {});
  socket.once("data", () => {
    const body = "tz=" + zone;
    socket.end("HTTP/1.1 200 OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\nContent-Length: " + body.length + "\\r\\nConnection: close\\r\\n\\r\\n" + body);
  });
}).listen(Number(process.env.PORT), "127.0.0.1");
`,
  );
  expect(result("respond.page").finding!.received!.toString()).toContain("tz=+0530");
});

test("the module host sees the same zone", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "http-lab-tz-"));
  try {
    const file = path.join(dir, "zone.mjs");
    writeFileSync(file, "export function offset() { return String(new Date().getTimezoneOffset()); }\n");
    const caller = new ModuleCaller(file);
    caller.start();
    try {
      expect(await caller.call("offset", [])).toMatchObject({ kind: "value", value: "-330" });
    } finally {
      caller.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
