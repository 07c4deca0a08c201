/**
 * Framing, judged over real sockets: small servers that answer phase 3 with one framing mistake
 * each (or with valid framing the lab's rule does not want), graded by the real checker. Each
 * used to get a false pass or a wrong diagnosis; each names its rule now.
 */
import { describe, expect, test } from "vitest";
import { gradeServer } from "./grade-server.ts";

const PAGE = "<h1>Hello, wörld!</h1>";

/** A server that answers every request with `respond(socket)`, in the given source. */
const server = (respond: string): string => `import net from "node:net";
const PAGE = ${JSON.stringify(PAGE)};
const bytes = (text) => Buffer.byteLength(text);
net.createServer((socket) => {
  socket.on("error", () => {});
  let head = "";
  socket.on("data", (data) => {
    head += data.toString("latin1");
    if (!head.includes("\\r\\n\\r\\n") && !head.includes("\\n\\n")) return;
    head = "";
    ${respond}
  });
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

describe("incomplete answers are not judged as whole", () => {
  test("Content-Length 30 for a 23-byte page, connection kept open: incomplete, and the page is not judged", async () => {
    const { result } = await gradeServer(
      "length-30-open",
      server(`socket.write("HTTP/1.1 200 OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\nContent-Length: 30\\r\\n\\r\\n" + PAGE);`),
    );
    const length = result("respond.content-length");
    expect(length.status).toBe("fail");
    expect(length.finding!.message).toMatch(/Content-Length says 30 bytes, but only 23 bytes of body came, and the connection is still open/);
    expect(length.finding!.rule).toEqual({ ref: "RFC 9112 §8", level: "MUST" });
    expect(result("respond.page").status).toBe("skip");
  });

  test("Content-Length 10, then bytes without end: too many bytes, not a pass", async () => {
    const { result } = await gradeServer(
      "length-10-endless",
      server(`socket.write("HTTP/1.1 200 OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\nContent-Length: 10\\r\\n\\r\\n");
    const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write(PAGE)), 20);`),
    );
    expect(result("respond.content-length").finding!.message).toMatch(/Content-Length says 10 bytes, but \d+ bytes of body came/);
  });
});

describe("bytes that are not HTTP pass nothing that needs HTTP", () => {
  for (const [name, payload] of [
    ["nul-bytes", "\\x00\\x00\\x00\\x00\\r\\n\\r\\n"],
    ["tls-alert", "\\x15\\x03\\x03\\x00\\x02\\x02\\x32"],
    ["http2-preface", "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n"],
  ] as const) {
    test(`${name}: no status line, and the head, line-end and length checks are not passed`, async () => {
      const { result, shown } = await gradeServer(name, server(`socket.end(Buffer.from("${payload}", "latin1"));`));
      expect(result("respond.status-line").status).toBe("fail");
      expect(result("respond.status-line").finding!.message).toMatch(/instead of a status line/);
      for (const id of ["respond.crlf", "respond.blank-line", "respond.content-length", "respond.page", "respond.content-type"]) {
        expect(result(id).status, id).toBe("skip");
      }
      // Shown escaped, every byte.
      expect(shown).not.toMatch(/[\x00\x15]/);
    });
  }
});

describe("valid framing the lab's rule does not want is named as such", () => {
  test("a chunked page: valid HTTP/1.1, read chunk by chunk; 3.8 fails by the lab's rule and says why; the page and real clients pass", async () => {
    const { result } = await gradeServer(
      "chunked",
      server(`const body = Buffer.from(PAGE);
    socket.end(Buffer.concat([
      Buffer.from("HTTP/1.1 200 OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\nTransfer-Encoding: chunked\\r\\nConnection: close\\r\\n\\r\\n"),
      Buffer.from(body.subarray(0, 9).length.toString(16) + "\\r\\n"), body.subarray(0, 9), Buffer.from("\\r\\n"),
      Buffer.from(body.subarray(9).length.toString(16).toUpperCase() + "\\r\\n"), body.subarray(9), Buffer.from("\\r\\n0\\r\\n\\r\\n"),
    ]));`),
    );
    const length = result("respond.content-length");
    expect(length.status).toBe("fail");
    expect(length.finding!.message).toMatch(/^The response breaks a rule of this lab: the body is chunked .*which is valid HTTP\/1\.1/);
    expect(length.finding!.rule?.level).toBe("lab");
    expect(length.finding!.message).not.toMatch(/no Content-Length header/);
    // The page is the chunks' data joined: judged, and right.
    expect(result("respond.page").status).toBe("pass");
    expect(result("client.fetch").status).toBe("pass");
    expect(result("client.keep-alive").status).toBe("pass");
  });

  test("a close-delimited page: 3.8 names the lab's rule, and says the framing itself is valid", async () => {
    const { result } = await gradeServer(
      "close-delimited",
      server(`socket.end("HTTP/1.1 200 OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\nConnection: close\\r\\n\\r\\n" + PAGE);`),
    );
    const length = result("respond.content-length");
    expect(length.finding!.message).toMatch(/^The response breaks a rule of this lab: there is no Content-Length header.*that is valid HTTP\/1\.1/);
    expect(length.finding!.rule?.ref).toBe("this lab's rule");
    expect(result("respond.page").status).toBe("pass");
  });
});

describe("real clients are judged by the body they got", () => {
  test("Content-Length in characters: fetch and curl got …</h1 where the server sent …</h1>", async () => {
    const { result } = await gradeServer(
      "length-in-characters",
      server(`socket.end("HTTP/1.1 200 OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\nContent-Length: " + PAGE.length + "\\r\\nConnection: close\\r\\n\\r\\n" + PAGE);`),
    );
    const fetched = result("client.fetch");
    expect(fetched.status).toBe("fail");
    expect(fetched.finding!.message).toMatch(/got 22 bytes, ending "… wörld!<\/h1", where the server sent 23 bytes after the head, ending "… wörld!<\/h1>"/);
    const curl = result("client.curl");
    if (curl.status !== "skip") expect(curl.finding!.message).toMatch(/ending "… wörld!<\/h1", where the server sent 23 bytes/);
  });

  test("the look-alike: a right Content-Length on a page with ö, ✓ and 4-byte characters passes every real client", async () => {
    const { result } = await gradeServer(
      "right-length",
      server(`const page = "<h1>Hello, wörld! ✓ 😀</h1>";
    socket.end("HTTP/1.1 200 OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\nContent-Length: " + bytes(page) + "\\r\\nConnection: close\\r\\n\\r\\n" + page);`),
    );
    for (const id of ["respond.content-length", "respond.page", "client.fetch", "client.keep-alive"]) expect(result(id).status, id).toBe("pass");
    expect(["pass", "skip"]).toContain(result("client.curl").status);
  });
});
