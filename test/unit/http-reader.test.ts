import { describe, expect, test } from "vitest";
import { findBodyStart, header, isCompleteResponse, readResponse } from "../../checker/http-reader.ts";

const good = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 23\r\nConnection: close\r\n\r\n<h1>Hello, wörld!</h1>";
const codes = (text: string | Buffer, closed = true): string[] =>
  readResponse(typeof text === "string" ? Buffer.from(text, "utf8") : text, closed).problems.map((problem) => problem.code);

describe("the strict response reader", () => {
  test("accepts a correct response and reads its parts", () => {
    const response = readResponse(Buffer.from(good, "utf8"), true);
    expect(response.problems).toEqual([]);
    expect(response.statusLine).toEqual({ text: "HTTP/1.1 200 OK", version: "1.1", status: 200, reason: "OK" });
    expect(header(response, "content-length")).toBe("23");
    expect(response.body.toString("utf8")).toBe("<h1>Hello, wörld!</h1>");
  });

  test("quotes a Content-Length as it was written, however large", () => {
    const [problem] = readResponse(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nhi"), true).problems;
    expect(problem?.message).toContain("Content-Length says 99999999999999999999 bytes, but only 2 bytes");
  });

  test("names each framing mistake", () => {
    expect(codes("")).toEqual(["empty"]);
    expect(codes("<h1>hi</h1>")).toEqual(["no-status-line"]);
    expect(codes("HTTP/1.1 OK\r\nContent-Length: 0\r\n\r\n")).toEqual(["bad-status-line"]);
    expect(codes("HTTP/1.1 200OK\r\nContent-Length: 0\r\n\r\n")).toEqual(["bad-status-line"]);
    expect(codes("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi")).toEqual(["bare-lf"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 2\nX: y\r\n\r\nhi")).toEqual(["bare-lf"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nhi")).toEqual(["no-blank-line"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\nhi")).toEqual(["no-content-length"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\nhi")).toEqual(["bad-content-length"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi")).toEqual(["bad-content-length"]);
    expect(codes("HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nhi")).toEqual(["bad-header", "no-content-length"]);
  });

  test("tells a length in characters from a length that is just wrong", () => {
    expect(codes(good.replace("23", "22"))).toEqual(["length-in-characters"]);
    expect(codes(good.replace("23", "20"))).toEqual(["body-longer"]);
    expect(codes(good.replace("23", "30"))).toEqual(["body-shorter"]);
    // A short body is only "cut off" once the server has closed; before that it may still come.
    expect(codes(good.replace("23", "30"), false)).toEqual([]);
  });

  test("keeps bytes after the framed body apart (the start of a next response)", () => {
    const two = Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1", "utf8");
    const response = readResponse(two, false);
    expect(response.body.toString()).toBe("hi");
    expect(response.extra.toString()).toBe("HTTP/1.1");
  });

  test("knows when a response is complete", () => {
    expect(isCompleteResponse(Buffer.from(good, "utf8"))).toBe(true);
    expect(isCompleteResponse(Buffer.from(good, "utf8").subarray(0, -1))).toBe(false);
    expect(isCompleteResponse(Buffer.from("HTTP/1.1 200 OK\r\n\r\nhi"))).toBe(false);
    expect(findBodyStart(Buffer.from("a\n\nb"))).toBe(3);
    expect(findBodyStart(Buffer.from("a\r\n\r\nb"))).toBe(5);
    expect(findBodyStart(Buffer.from("a\r\nb"))).toBe(null);
  });
});
