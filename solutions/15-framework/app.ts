// The app phase 15's server runs: a small Hono app (https://hono.dev), whose routes each try one
// thing an adapter must get right. The lab ships it; students do not edit it. The checker runs the
// same app under @hono/node-server and compares its answers with those of the student's server.
// Its WSGI twin, for the Python reference, is app_15.py: a change here is a change there.
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { stream } from "hono/streaming";

// The file /static/hello.txt serves, as an absolute path found from this file's own URL: the app
// serves it whatever folder the server was started from (serveStatic reads a relative path from
// the process's working folder)
const HELLO_FILE = fileURLToPath(new URL("./public/hello.txt", import.meta.url));

export const app = new Hono();

// The simplest answer: a status, a Content-Type and a body whose length is known. The 200 is
// written out on purpose: c.text(text) alone hands the text to new Response(text), which names the
// type itself, and not always the same way (Node's Response says "text/plain;charset=UTF-8",
// @hono/node-server's stand-in "text/plain; charset=UTF-8"). With a status, Hono sets the field
app.get("/", (c) => c.text("Hello from Hono, on a server of your own.", 200));

// The target: Hono decodes the path parameter itself ("%C3%BC" is "ü", "%2F" a "/" inside the id),
// and c.req.url shows the URL the adapter built, with the Host the client sent
app.get("/users/:id", (c) => c.json({ id: c.req.param("id"), url: c.req.url }));

// The query string, with "+" for a space and a key given twice
app.get("/search", (c) => c.json({ q: c.req.query("q") ?? null, tags: c.req.queries("tag") ?? [] }));

// The request's fields: names in any case, and two lines of one field read as "a, b"
app.get("/headers", (c) =>
  c.json({
    tag: c.req.header("x-tag") ?? null,
    agent: c.req.header("user-agent") ?? null,
    host: c.req.header("host") ?? null,
  }),
);

// The request's body, however the server read it (Content-Length or chunked), and a status that
// is not 200
app.post("/echo", async (c) => {
  let received: unknown;
  try {
    received = await c.req.json();
  } catch {
    // A fixed sentence, not the parser's message: that one changes with the JavaScript engine
    return c.json({ error: "The body is not JSON" }, 400);
  }
  return c.json({ received, type: c.req.header("content-type") ?? null }, 201);
});

// A field the app sets (Location), and a null body that is not a 204: the adapter still frames
// it, as an empty body (Content-Length: 0, or @hono/node-server's "0" chunk)
app.get("/old", (c) => c.redirect("/", 301));

// Two fields with the same name: two Set-Cookie lines, never one joined line
app.get("/login", (c) => {
  setCookie(c, "session", "abc", { path: "/", httpOnly: true });
  setCookie(c, "theme", "dark", { path: "/" });
  return c.text("two cookies");
});

// A body whose length nobody knows when it starts: the adapter must send it as it comes
app.get("/stream", (c) => {
  // stream() sets no Content-Type; @hono/node-server would add a text/plain one, a bare
  // Response none. Set here, the field is the app's, the same under every server
  c.header("Content-Type", "text/plain; charset=UTF-8");
  return stream(c, async (body) => {
    for (let part = 1; part <= 3; part++) {
      if (part > 1) await body.sleep(100);
      await body.write(`part ${part}\n`);
    }
  });
});

// No body at all: the adapter must send neither a body nor a chunked framing for a 204
app.get("/empty", (c) => c.body(null, 204));

// An error the app handles itself: onError (below) turns it into a 500 with a text
app.get("/boom", () => {
  throw new Error("boom");
});

// An error the app does not handle: app.fetch rejects, and the adapter must answer for it
app.get("/crash", () => {
  throw new Error("crash");
});

// A file through @hono/node-server's own serveStatic: a streamed body whose length the app gives
// (Content-Length: the adapter sends it as it is, not in chunks), the type by the extension
// ("text/plain; charset=utf-8", lowercase utf-8, unlike c.text's), Last-Modified, and 206 or 416
// for a Range. `path` names this one file: nothing else of the disk is served
app.get("/static/hello.txt", serveStatic({ path: HELLO_FILE }));

// Errors thrown by a route come here. "crash" is thrown on: then no Response comes out of
// app.fetch, its promise rejects, and answering is left to the server
app.onError((error, c) => {
  if (error.message === "crash") throw error;
  return c.text(`Something broke: ${error.message}`, 500);
});
