/**
 * Words the lessons and hints put in backticks, or write as code, that are neither in a phase's
 * code nor Node's or JavaScript's names (nor Python's, in a paragraph about Python, nor shown in
 * the lesson's own sessions and examples): each with why it is the right word.
 */
export const LAB_TERMS: Record<string, string> = {
  Hello: "the word a client types into nc in the lessons, which survive.hello sends",
  localhost: "a host name, not a code name: the lessons explain why 127.0.0.1 is used instead",
  ncat: "Windows' nc (from nmap), named beside nc for Windows users",
  callback: "the function given to listen() or createServer(), as Node's documentation and the skeletons' comments call it",
  buf: "Node's documentation's name for any Buffer (buf.toString)",
  response: "the bytes of a whole response, as the hints name what socket.end(response) sends",
  ms: "a time in milliseconds, as phase 5's blockFor(ms) names it, for a timer's argument",
  BREW: "the method no HTTP defines, which the checker sends for 501 (6.10)",
  nginx: "a web server's product name, as a Server field carries it",
  Apache: "a web server's product name, as a Server field carries it",
  HttpOnly: "a cookie attribute (RFC 6265 §4.1.2.6), named where lesson 8 explains what a script can read",
  Unknown: "the value seed 001 answers for a missing User-Agent, quoted",
  maxsplit: "the parameter of Python's str.split that JavaScript's split does not have, named to contrast them",
  expected_root: "seed 001's variable, in the line of its code that lesson 9 quotes",
  asctime: "the name RFC 9110 §5.6.7 gives to the oldest HTTP date format (asctime-date)",
  ERR_CONTENT_DECODING_FAILED: "Chromium's name for a body that does not decode as its Content-Encoding says, shown in its Network tab and quoted by client.chromium-compressed",
  ERR_INCOMPLETE_CHUNKED_ENCODING: "Chromium's name for a chunked body whose connection ended before its last chunk, shown in its Network tab and quoted by client.chromium-stream and lesson 14",
  environ: "PEP 3333's name for the dict a WSGI server hands the app (seed 003's WSGI servers; test/python/solution_15.py builds one), named in lesson 15",
  start_response: "PEP 3333's callable through which a WSGI app gives its status and fields, named in lesson 15 and built in test/python/solution_15.py",
  REQUEST_METHOD: "a key of PEP 3333's environ, named in lesson 15",
  PATH_INFO: "a key of PEP 3333's environ, named in lesson 15",
  QUERY_STRING: "a key of PEP 3333's environ, named in lesson 15",
  exc_info: "start_response's third argument in PEP 3333, named in lesson 15",
  statusText: "the Fetch API's Response.statusText, empty in the app's answers: named by lesson 15 and a hint of framework.redirect",
  maxConnections: "net.Server's limit on connections (Node's documentation), named as the cause of connections turned away in phase 5: no lab file sets it",
};
