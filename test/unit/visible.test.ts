import { describe, expect, test } from "vitest";
import { printfArgument, visible, visibleLines } from "../../checker/grader/visible.ts";

describe("visible", () => {
  test("shows CR and LF, and breaks the line after each LF", () => {
    expect(visibleLines("HTTP/1.1 200 OK\r\nA: b\r\n\r\nhi")).toEqual(["HTTP/1.1 200 OK\\r\\n", "A: b\\r\\n", "\\r\\n", "hi"]);
  });

  test("tells a bare LF from CRLF", () => {
    expect(visible("a\nb\r\n")).toBe("a\\n\nb\\r\\n");
  });

  test("keeps printable non-ASCII text, escapes control bytes and invalid UTF-8", () => {
    expect(visible(Buffer.from("wörld ✓", "utf8"))).toBe("wörld ✓");
    expect(visible(Buffer.from([0x41, 0x00, 0x1b, 0xff, 0xc3]))).toBe("A\\x00\\x1b\\xff\\xc3");
    expect(visible("tab\there \\ back")).toBe("tab\\there \\\\ back");
  });

  test("says how many bytes it left out", () => {
    const lines = visibleLines("x".repeat(1000), { maxBytes: 10 });
    expect(lines).toEqual(["xxxxxxxxxx", "… (990 more bytes not shown)"]);
  });

  test("printf arguments send exactly the same bytes through a shell", async () => {
    const { execFileSync } = await import("node:child_process");
    const samples = ["GET / HTTP/1.1\r\n\r\n", "it's 100% \\ fine\n", "wörld\t✓"];
    for (const sample of samples) {
      const out = execFileSync("sh", ["-c", `printf ${printfArgument(sample)}`]);
      expect(out.equals(Buffer.from(sample, "utf8"))).toBe(true);
    }
  });
});
