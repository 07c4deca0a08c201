/**
 * Bounded, whatever the server does: a server that floods an endless body and one that drips its
 * answer a byte a second each get a verdict in bounded time, with the checker's memory bounded,
 * and a message that says what happened. (Bounds, not speed: generous limits, no timing judged.)
 */
import { expect, test } from "vitest";
import { gradeServer } from "./grade-server.ts";

test("a server that floods an endless body: at most 1 MiB is kept, the rest dropped and said", async () => {
  const { report, shown, seconds, peakMb } = await gradeServer(
    "flood",
    `import net from "node:net";
const chunk = Buffer.alloc(64 * 1024, "a");
net.createServer((socket) => {
  socket.on("error", () => {});
  socket.once("data", () => {
    socket.write("HTTP/1.1 200 OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\nContent-Length: 99999999999\\r\\n\\r\\n");
    const pump = () => { while (socket.writable && socket.write(chunk)) {} if (socket.writable) socket.once("drain", pump); };
    pump();
  });
}).listen(Number(process.env.PORT), "127.0.0.1");
`,
  );
  expect(seconds, "bounded time").toBeLessThan(90);
  // Without the cap, the checker kept gigabytes (every byte of every exchange).
  expect(peakMb, "bounded memory").toBeLessThan(400);
  expect(shown).toContain("over 1 MiB came, so the checker kept the first 1 MiB, read no further and closed the connection");
  expect(report.results.find((result) => result.id === "client.fetch")!.finding!.message).toMatch(/fetch got over 1 MiB of body and more was coming/);
  // A part of a page is not judged as the page: the response never became whole.
  const page = report.results.find((result) => result.id === "respond.page")!;
  expect([page.status, page.finding?.message]).toEqual(["skip", expect.stringMatching(/the response is not complete/)]);
  expect(report.results.find((result) => result.id === "respond.content-length")!.finding!.message).toMatch(/Content-Length says 99999999999 bytes, but only \d+ bytes of body came/);
});

test("a server that drips its head a byte a second: no answer yet, and said to be trickling, not judged as a response", async () => {
  const { report, seconds } = await gradeServer(
    "drip-head",
    `import net from "node:net";
net.createServer((socket) => {
  socket.on("error", () => {});
  socket.once("data", () => {
    let i = 0;
    const timer = setInterval(() => (!socket.destroyed ? socket.write("HTTP/1.1 200 OK\\r\\n"[i++ % 17]) : clearInterval(timer)), 1000);
    socket.on("close", () => clearInterval(timer));
  });
}).listen(Number(process.env.PORT), "127.0.0.1");
`,
  );
  expect(seconds, "bounded time").toBeLessThan(60);
  const answers = report.results.find((result) => result.id === "respond.answers")!;
  // It used to pass "answers a request", and the status-line, line-end and blank-line checks after it.
  expect(answers.status).toBe("fail");
  expect(answers.finding!.message).toMatch(/sent \d+ bytes?, not yet a whole head .*still trickling in/);
  for (const id of ["respond.status-line", "respond.crlf", "respond.blank-line", "respond.content-length"]) {
    expect(report.results.find((result) => result.id === id)!.status, id).not.toBe("pass");
  }
});

test("a server that drips its body a byte a second: each client waits a bounded time, and says it was trickling", async () => {
  const { report, seconds } = await gradeServer(
    "drip",
    `import net from "node:net";
const head = "HTTP/1.1 200 OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\nContent-Length: 23\\r\\nConnection: close\\r\\n\\r\\n";
const answer = "<h1>Hello, wörld!</h1>";
net.createServer((socket) => {
  socket.on("error", () => {});
  socket.once("data", () => {
    socket.write(head);
    let i = 0;
    const timer = setInterval(() => (i < answer.length && !socket.destroyed ? socket.write(answer[i++]) : (clearInterval(timer), socket.end())), 1000);
    socket.on("close", () => clearInterval(timer));
  });
}).listen(Number(process.env.PORT), "127.0.0.1");
`,
  );
  // Each exchange has a total deadline: with http's idle timeout alone this run took 87 s.
  expect(seconds, "bounded time").toBeLessThan(60);
  // The head came whole: the response is there, and incomplete (what came, what was announced, still open).
  expect(report.results.find((result) => result.id === "respond.answers")!.status).toBe("pass");
  expect(report.results.find((result) => result.id === "respond.content-length")!.finding!.message).toMatch(
    /Content-Length says 23 bytes, but only \d+ bytes of body came, and the connection is still open/,
  );
  const keepAlive = report.results.find((result) => result.id === "client.keep-alive")!;
  expect(keepAlive.status).toBe("fail");
  expect(keepAlive.finding!.message).toMatch(/after 2 s the answer was still trickling in \(\d+ bytes? so far\)/);
  // fetch's own time-out, without the DOMException's numeric code (it used to end in a stray "(23)").
  const fetched = report.results.find((result) => result.id === "client.fetch")!;
  expect(fetched.finding!.message).toMatch(/timeout/i);
  expect(fetched.finding!.message).not.toMatch(/\(\d+\)/);
});

test("a server whose every answer is an endless chunked stream (phase 14): each client stops at its cap or its deadline", async () => {
  const { report, seconds, peakMb, shown } = await gradeServer(
    "endless-chunks",
    `import net from "node:net";
const piece = Buffer.from("4000\\r\\n" + "a".repeat(0x4000) + "\\r\\n");
net.createServer((socket) => {
  socket.on("error", () => {});
  socket.once("data", (data) => {
    // The counter's first visit, so that the phase's checks run; everything else streams for ever.
    if (data.toString("latin1").startsWith("GET / ")) return socket.end("HTTP/1.1 200 OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\nContent-Length: 45\\r\\nConnection: close\\r\\n\\r\\n<h1>This page has been accessed 1 times.</h1>");
    socket.write("HTTP/1.1 200 OK\\r\\nContent-Type: text/plain; charset=utf-8\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n");
    const pump = () => { while (socket.writable && socket.write(piece)) {} if (socket.writable) socket.once("drain", pump); };
    pump();
  });
}).listen(Number(process.env.PORT), "127.0.0.1");
`,
    "14",
  );
  // Every check of the phase runs against it (the unit checks are skipped: --cmd), each bounded.
  expect(seconds, "bounded time").toBeLessThan(150);
  expect(peakMb, "bounded memory").toBeLessThan(400);
  const stream = report.results.find((result) => result.id === "chunked.stream")!;
  expect(stream.status, shown).toBe("fail");
  expect(stream.finding!.message).toMatch(/over 1 MiB|has not ended/);
  for (const id of ["client.fetch-stream", "client.curl-chunked"]) {
    expect(report.results.find((result) => result.id === id)!.status, id).toBe("fail");
  }
});
