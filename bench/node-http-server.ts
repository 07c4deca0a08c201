/**
 * The server `npm run bench` compares with: node:http, answering one route with the page the
 * student's server answered it with (the same status, Content-Type and body bytes), and 404 to
 * anything else. It runs in a process of its own, started and stopped like the student's, so both
 * are measured the same way. It prints nothing per request: it is what one would otherwise use.
 *
 * Environment: PORT, BENCH_PATH (the route), BENCH_STATUS, BENCH_TYPE and BENCH_BODY (base64).
 */
import http from "node:http";

const port = Number(process.env.PORT);
const route = process.env.BENCH_PATH ?? "/";
const status = Number(process.env.BENCH_STATUS ?? 200);
const headers: http.OutgoingHttpHeaders = process.env.BENCH_TYPE ? { "Content-Type": process.env.BENCH_TYPE } : {};
const body = Buffer.from(process.env.BENCH_BODY ?? "", "base64");
const notFound = Buffer.from("<h1>404 Not Found</h1>");

const server = http.createServer((request, response) => {
  if ((request.method === "GET" || request.method === "HEAD") && request.url === route) {
    response.writeHead(status, { ...headers, "Content-Length": body.length });
    response.end(request.method === "HEAD" ? undefined : body);
    return;
  }
  response.writeHead(404, { "Content-Type": "text/html; charset=utf-8", "Content-Length": notFound.length });
  response.end(notFound);
});

server.listen(port, "127.0.0.1", () => console.log(`node:http listening on http://127.0.0.1:${port}${route}`));
