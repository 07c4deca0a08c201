import { describe, expect, test } from "vitest";
import { findBodyStart, header, isCompleteResponse, readResponse, type ReadOptions } from "../../checker/grader/http-reader.ts";
import { describeRule } from "../../checker/grader/http-rules.ts";

const good = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 23\r\nConnection: close\r\n\r\n<h1>Hello, wörld!</h1>";
const read = (bytes: string | Buffer, closed = true, options: ReadOptions = {}) =>
  readResponse(typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes, closed, options);
const codes = (bytes: string | Buffer, closed = true, options: ReadOptions = {}): string[] => read(bytes, closed, options).problems.map((problem) => problem.code);
const utf8 = (value: string): Buffer => Buffer.from(value, "utf8");

describe("the strict response reader", () => {
  test("accepts a correct response and reads its parts", () => {
    const response = read(utf8(good));
    expect(response.problems).toEqual([]);
    expect(response.statusLine).toEqual({ text: "HTTP/1.1 200 OK", version: "1.1", status: 200, reason: "OK" });
    expect(header(response, "content-length")).toBe("23");
    expect(response.body.toString("utf8")).toBe("<h1>Hello, wörld!</h1>");
    expect(response.complete).toBe(true);
    expect(response.framing).toBe("length");
  });

  test("quotes a Content-Length as it was written, however large", () => {
    const [problem] = read("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nhi").problems;
    expect(problem?.message).toContain("Content-Length says 99999999999999999999 bytes, but only 2 bytes");
  });

  test("names each mistake in the start line and the head", () => {
    expect(codes("")).toEqual(["empty"]);
    expect(codes("<h1>hi</h1>")).toEqual(["no-status-line"]);
    expect(codes("\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")).toEqual(["no-status-line"]);
    expect(codes("HTTP/1.1 OK\r\nContent-Length: 0\r\n\r\n")).toEqual(["bad-status-line"]);
    expect(codes("HTTP/1.1 200OK\r\nContent-Length: 0\r\n\r\n")).toEqual(["bad-status-line"]);
    expect(codes("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n")).toEqual(["bad-status-line"]);
    expect(codes("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n")).toEqual([]);
    expect(codes("HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n")).toEqual(["bad-version"]);
    expect(codes("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")).toEqual([]);
    expect(codes("HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n")).toEqual(["bad-status-code"]);
    expect(codes("HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n")).toEqual(["bad-status-code"]);
    expect(codes("HTTP/1.1 599 Odd\r\nContent-Length: 0\r\n\r\n")).toEqual([]);
    expect(codes("HTTP/1.1 200 O\x01K\r\nContent-Length: 0\r\n\r\n")).toEqual(["bad-status-line"]);
    expect(codes("HTTP/1.1 200 Ok\xe9\tyes\r\nContent-Length: 0\r\n\r\n")).toEqual([]);
    expect(codes("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi")).toEqual(["bare-lf"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 2\nX: y\r\n\r\nhi")).toEqual(["bare-lf"]);
    // The empty line is a line too: a bare \n there is the mistake the old reader missed.
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\nhello")).toEqual(["bare-lf"]);
    expect(codes("HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 0\r\n\r\n")).toEqual(["bare-cr"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nhi")).toEqual(["no-blank-line"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nhi")).toEqual(["bad-header", "no-content-length"]);
    expect(codes("HTTP/1.1 200 OK\r\nBad Name: 1\r\nContent-Length: 2\r\n\r\nhi")).toEqual(["bad-header"]);
    expect(codes("HTTP/1.1 200 OK\r\nNo colon here\r\nContent-Length: 2\r\n\r\nhi")).toEqual(["bad-header"]);
    expect(codes("HTTP/1.1 200 OK\r\n X: 1\r\nContent-Length: 2\r\n\r\nhi")).toEqual(["bad-header"]);
  });

  test("reads field values as a user agent must", () => {
    // A colon inside a value is part of the value; surrounding whitespace is not.
    const response = read("HTTP/1.1 200 OK\r\nLocation:   http://127.0.0.1:8000/x \t\r\nContent-Length: 0\r\n\r\n");
    expect(header(response, "location")).toBe("http://127.0.0.1:8000/x");
    expect(response.problems).toEqual([]);
    // obs-fold: the server broke a MUST, and the reader unfolds the value as RFC 9112 §5.2 says.
    const folded = read("HTTP/1.1 200 OK\r\nX-Long: one\r\n  two\r\nContent-Length: 0\r\n\r\n");
    expect(folded.problems.map((problem) => problem.code)).toEqual(["obs-fold"]);
    expect(header(folded, "x-long")).toBe("one two");
    expect(codes("HTTP/1.1 200 OK\r\nX: a\x01b\r\nContent-Length: 0\r\n\r\n")).toEqual(["control-in-value"]);
    expect(codes("HTTP/1.1 200 OK\r\nX: a\x00\r\nContent-Length: 0\r\n\r\n")).toEqual(["control-in-value"]);
    expect(codes("HTTP/1.1 200 OK\r\nX: a\x7f\r\nContent-Length: 0\r\n\r\n")).toEqual(["control-in-value"]);
    // The look-alikes: a tab inside a value and bytes above 0x7f (obs-text) are allowed.
    expect(codes("HTTP/1.1 200 OK\r\nX: a\tb \xfc\r\nContent-Length: 0\r\n\r\n")).toEqual([]);
  });

  test("Content-Length: one valid number, given once", () => {
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\nhi")).toEqual(["bad-content-length"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\nhi")).toEqual(["bad-content-length"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi")).toEqual(["bad-content-length"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nhi")).toEqual(["bad-content-length"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi")).toEqual(["duplicate-content-length"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nhi")).toEqual(["duplicate-content-length"]);
    expect(read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi").body.toString()).toBe("hi");
    expect(read("HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\nhi", false).broken).toBe(true);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 002\r\n\r\nhi")).toEqual([]);
  });

  test("tells a length in characters from a length that is just wrong, closed or still open", () => {
    for (const closed of [true, false]) {
      expect(codes(utf8(good.replace("23", "22")), closed)).toEqual(["length-in-characters"]);
      expect(codes(utf8(good.replace("23", "20")), closed)).toEqual(["body-longer"]);
    }
    expect(codes(utf8(good.replace("23", "30")))).toEqual(["body-shorter"]);
    // Still open and short: incomplete, never "whole" (the old reader passed this).
    const open = read(utf8(good.replace("23", "30")), false);
    expect(open.problems.map((problem) => problem.code)).toEqual(["incomplete"]);
    expect(open.complete).toBe(false);
    expect(open.problems[0]!.message).toContain("still open");
  });

  test("keeps the bytes of a next response apart when more requests were sent", () => {
    const two = Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1", "utf8");
    const response = read(two, false, { more: true });
    expect(response.problems).toEqual([]);
    expect(response.body.toString()).toBe("hi");
    expect(response.extra.toString()).toBe("HTTP/1.1");
    expect(codes(two, false)).toEqual(["body-longer"]);
  });

  test("skips interim 1xx responses and reads the final one", () => {
    const response = read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    expect(response.problems).toEqual([]);
    expect(response.interim.map((line) => line.status)).toEqual([100, 103]);
    expect(response.statusLine?.status).toBe(200);
    expect(response.body.toString()).toBe("hi");
    expect(read("HTTP/1.1 100 Continue\r\n\r\n", false).complete).toBe(false);
    expect(codes("HTTP/1.1 100 Continue\r\n\r\n")).toEqual(["empty"]);
    expect(codes("HTTP/1.1 100 Continue\r\nContent-Length: 2\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")).toEqual(["length-on-no-content"]);
    expect(codes("HTTP/1.1 101 Switching Protocols\r\n\r\n")).toEqual(["unasked-upgrade"]);
  });

  test("HEAD, 204 and 304 end with their head", () => {
    expect(read("HTTP/1.1 204 No Content\r\n\r\n", false).complete).toBe(true);
    expect(codes("HTTP/1.1 204 No Content\r\n\r\n")).toEqual([]);
    expect(codes("HTTP/1.1 204 No Content\r\n\r\nhello")).toEqual(["content-after-head"]);
    expect(codes("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")).toEqual(["length-on-no-content"]);
    // A 304 and a response to HEAD may give the length the page would have.
    expect(codes("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n")).toEqual([]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false, { method: "HEAD" })).toEqual([]);
    expect(read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false, { method: "HEAD" }).complete).toBe(true);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", true, { method: "HEAD" })).toEqual(["content-after-head"]);
  });

  test("reads a chunked body chunk by chunk", () => {
    const chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1A;name=\"v a\"\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: yes\r\n\r\n";
    const response = read(chunked, false);
    expect(response.framing).toBe("chunked");
    expect(response.complete).toBe(true);
    expect(response.body.toString()).toBe("helloabcdefghijklmnopqrstuvwxyz");
    expect(response.trailers).toEqual([["X-Trailer", "yes"]]);
    // Valid framing; only the phase's own rule (a Content-Length) is named.
    expect(response.problems.map((problem) => [problem.code, problem.rule.level])).toEqual([["chunked-not-length", "lab"]]);
    expect(codes("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n")).toEqual(["chunked-not-length"]);
    expect(codes(chunked.slice(0, -2), false)).toEqual(["chunked-not-length", "incomplete"]);
    expect(codes(chunked.slice(0, -2), true)).toEqual(["chunked-not-length", "body-shorter"]);
    expect(codes(chunked.replace("5\r\nhello", "6\r\nhello"))).toEqual(["chunked-not-length", "bad-chunk"]);
    expect(codes(chunked.replace("5\r\nhello", "5\nhello"))).toEqual(["chunked-not-length", "bad-chunk"]);
    expect(codes(chunked.replace("5\r\nhello", "x5\r\nhello"))).toEqual(["chunked-not-length", "bad-chunk"]);
    expect(codes(chunked + "extra")).toEqual(["chunked-not-length", "body-longer"]);
    // Whitespace before an extension: the sender MUST NOT (RFC 9110 §5.6.3); the reader still reads the chunk.
    const bws = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 ;a=b\r\nhi\r\n0\r\n\r\n");
    expect([bws.problems.map((p) => p.code), bws.body.toString()]).toEqual([["chunked-not-length", "bad-chunk"], "hi"]);
    expect(codes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 \r\nhi\r\n0\r\n\r\n")).toEqual(["chunked-not-length", "bad-chunk"]);
    expect(codes('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;a="x\\"y"\r\nhi\r\n0\r\n\r\n')).toEqual(["chunked-not-length"]);
  });

  test("Transfer-Encoding: only chunked, last, once, on HTTP/1.1, without Content-Length", () => {
    expect(codes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n")).toEqual(["te-and-length", "chunked-not-length"]);
    expect(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n2\r\nhi\r\n0\r\n\r\n").body.toString()).toBe("hi");
    expect(codes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n")).toEqual(["bad-transfer-encoding"]);
    expect(codes("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx")).toEqual(["bad-transfer-encoding"]);
    expect(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx").framing).toBe("close");
    // Chunked, then another coding, then the close: valid framing (RFC 9112 §6.1), but a coding the request never offered to take.
    expect(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nxx").problems.map((p) => [p.code, p.rule.level])).toEqual([["bad-transfer-encoding", "lab"]]);
    // The framing fields are held to their rules in a response without content too.
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", true, { method: "HEAD" })).toEqual(["duplicate-content-length"]);
    expect(codes("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n")).toEqual(["te-and-length"]);
    expect(codes("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")).toEqual(["bad-transfer-encoding"]);
  });

  test("a body without a length runs to the close, and is complete only then", () => {
    const close = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhi";
    expect(read(close, true).complete).toBe(true);
    expect(read(close, true).problems.map((problem) => problem.rule.level)).toEqual(["lab"]);
    expect(codes(close, false)).toEqual(["no-content-length", "incomplete"]);
    expect(read(close, false).complete).toBe(false);
  });

  test("garbage is not HTTP, however it ends", () => {
    for (const garbage of ["\x00\x01\x02\x03\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "\x15\x03\x03\x00\x02\x02\x32"]) {
      const response = read(garbage, false);
      expect(response.problems.map((problem) => problem.code)).toEqual(["no-status-line"]);
      expect(response.broken).toBe(true);
    }
    // A start of a status line is waited for; the start of anything else is not.
    expect(read("HT", false).broken).toBe(false);
    expect(read("HT", false).complete).toBe(false);
    expect(codes("HT", false)).toEqual(["no-blank-line"]);
  });

  test("every problem names its rule", () => {
    const response = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n");
    expect(response.problems.map((problem) => describeRule(problem.rule))).toEqual([
      "RFC 9112 §6.2, a MUST",
      expect.stringMatching(/^this lab's rule: phases 3 to 5 ask for Content-Length/),
    ]);
  });

  test("knows when a response is complete", () => {
    expect(isCompleteResponse(utf8(good))).toBe(true);
    expect(isCompleteResponse(utf8(good).subarray(0, -1))).toBe(false);
    expect(isCompleteResponse(Buffer.from("HTTP/1.1 200 OK\r\n\r\nhi"))).toBe(false);
    expect(isCompleteResponse(Buffer.from("HTTP/1.1 204 No Content\r\n\r\n"))).toBe(true);
    expect(isCompleteResponse(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"), { method: "HEAD" })).toBe(true);
    expect(findBodyStart(Buffer.from("a\n\nb"))).toBe(3);
    expect(findBodyStart(Buffer.from("a\r\n\r\nb"))).toBe(5);
    expect(findBodyStart(Buffer.from("a\r\nb"))).toBe(null);
  });
});
