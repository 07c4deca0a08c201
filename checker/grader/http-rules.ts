/**
 * The rules the response reader and the checks hold a server to, each with where it comes from.
 * A finding names its rule so that a student (and an instructor) can look it up: an RFC section
 * with its MUST or SHOULD, or "this lab's rule" with the reason the lab asks for more than the RFC.
 */
import { text } from "../text.ts";

export type RuleLevel = "MUST" | "SHOULD" | "lab";

export interface Rule {
  /** "RFC 9112 §6.3 (5)", or "this lab's rule". */
  ref: string;
  level: RuleLevel;
  /** For the lab's own rules: why the lab asks for it although the RFC allows otherwise. */
  why?: string;
}

const must = (ref: string): Rule => ({ ref, level: "MUST" });
const should = (ref: string): Rule => ({ ref, level: "SHOULD" });
const lab = (why: string, ref: string = text.rules.labRef): Rule => ({ ref, level: "lab", why });

export const RULES = {
  /** RFC 9110 §2.2: "A sender MUST NOT generate protocol elements that do not match the grammar". */
  messageFormat: must("RFC 9112 §2.1"),
  lineEnds: must("RFC 9112 §2.2"),
  statusLine: must("RFC 9112 §4"),
  /** "A server MUST NOT send a version to which it is not conformant": HTTP/1.2 does not exist, HTTP/2 has no text status line. */
  version: must("RFC 9110 §6.2"),
  statusCode: must("RFC 9110 §15"),
  upgrade: must("RFC 9110 §15.2.2"),
  fieldLine: must("RFC 9112 §5"),
  noSpaceBeforeColon: must("RFC 9112 §5.1"),
  obsFold: must("RFC 9112 §5.2"),
  fieldValue: must("RFC 9110 §5.5"),
  listSyntax: must("RFC 9110 §5.6.1"),
  contentLength: must("RFC 9112 §6.3 (5)"),
  oneContentLength: must("RFC 9110 §8.6"),
  noLengthOn1xx204: must("RFC 9110 §8.6"),
  noTeOn1xx204: must("RFC 9112 §6.1"),
  teOnHttp10: must("RFC 9112 §6.1"),
  teWithLength: must("RFC 9112 §6.2"),
  chunkedOnce: must("RFC 9112 §7"),
  chunked: must("RFC 9112 §7.1"),
  noBws: must("RFC 9110 §5.6.3"),
  noContent: must("RFC 9112 §6.3 (1)"),
  incomplete: must("RFC 9112 §8"),
  extraBytes: must("RFC 9112 §6.3"),
  /** No TE header in the checker's requests: it accepts no transfer coding but chunked. */
  transferCoding: lab(text.rules.transferCodingWhy, "RFC 9110 §10.1.4"),
  /** Phases 3 to 5 ask for Content-Length: a close-delimited or chunked body is valid HTTP/1.1. */
  contentLengthWanted: lab(text.rules.contentLengthWhy),
  connectionClose: must("RFC 9112 §9.3"),
  /** "A server that sends a "close" connection option MUST initiate closure of the connection … after it sends the response containing "close"". */
  closeAfterClose: must("RFC 9112 §9.6"),
  /** Close in stages (FIN, read on, then close): §9.6 explains the reset that an immediate close risks; the lab asks for the stages. */
  closeInStages: lab(text.rules.closeInStagesWhy, "RFC 9112 §9.6"),
  // Request bodies (phase 10 on).
  /** A request whose Content-Length is invalid: "the server MUST respond with a 400 (Bad Request) status code and then close the connection". */
  requestContentLength: must("RFC 9112 §6.3 (5)"),
  /** A transfer coding the server does not understand: it "SHOULD respond with 501 (Not Implemented)". */
  requestTransferEncoding: should("RFC 9112 §6.1"),
  /** Transfer-Encoding and Content-Length together: "the server MUST close the connection after responding to such a request". */
  closeAfterTransferEncoding: must("RFC 9112 §6.1"),
  /** 415 for a body the route cannot read: the status is defined, not required; the lab asks for it. */
  unsupportedMediaType: lab(text.rules.unsupportedTypeWhy, "RFC 9110 §15.5.16"),
  /** "The type and subtype tokens are case-insensitive." */
  mediaTypeCaseless: lab(text.rules.mediaTypeCaselessWhy, "RFC 9110 §8.3.1"),
  /** 413 for a body over the server's limit, decided from the head. */
  contentTooLarge: lab(text.rules.tooLargeWhy, "RFC 9110 §15.5.14"),
  /** An origin server MUST either answer at once with a final status or send 100 (Continue). */
  expectContinue: must("RFC 9110 §10.1.1"),
  /** A client "MUST be able to parse" an unexpected 1xx, but Node's fetch refuses an unasked 100: the lab asks for none. */
  continueOnlyWhenAsked: lab(text.rules.continueOnlyWhenAskedWhy, "RFC 9110 §15.2"),
  /** "A server that receives a 100-continue expectation in an HTTP/1.0 request MUST ignore that expectation." */
  expectHttp10: must("RFC 9110 §10.1.1"),
  // Kept connections (phase 11 on).
  /** HTTP/1.1 "defaults to the use of persistent connections"; a server may close any time, and the lab asks it not to. */
  persistentDefault: lab(text.rules.persistentWhy, "RFC 9112 §9.3"),
  /** "A server that receives a "close" connection option MUST initiate closure of the connection after it sends the final response". */
  closeWhenAsked: must("RFC 9112 §9.6"),
  /** An HTTP/1.0 connection persists only with "keep-alive"; the answer says which, as the lab asks. */
  http10KeepAlive: lab(text.rules.http10KeepAliveWhy, "RFC 9112 §9.3"),
  /** The body's length is decided by the head (§6.3); the next request starts after it. */
  bodyThenNext: must("RFC 9112 §6.3"),
  /** "a server that is expecting to receive and parse a request-line SHOULD ignore at least one empty line (CRLF) received prior to the request-line". */
  emptyLineBeforeRequest: should("RFC 9112 §2.2"),
  /** After a refused head, where the next request starts is unknown: the lab asks for a close (RFC 9112 §9.6 lets a server close). */
  closeAfterRefusal: lab(text.rules.closeAfterRefusalWhy, "RFC 9112 §9.6"),
  /** The idle time of a kept connection: the RFC leaves it to the server (§9.8), the contract sets it with KEEP_ALIVE_MS. */
  idleTimeout: lab(text.rules.idleTimeoutWhy, "RFC 9112 §9.8"),
  /** A client that stalls inside a head holds nobody up. */
  slowloris: lab(text.rules.slowlorisWhy, "RFC 9112 §9.8"),
  /** "If a Transfer-Encoding header field is present in a request and the chunked transfer coding is not the final encoding … the server MUST respond with the 400 (Bad Request) status code and then close the connection." */
  teNotFinalChunked: must("RFC 9112 §6.3 (4)"),
  // Pipelining (phase 12 on).
  /** "A server MUST send its responses to those requests in the same order that the requests were received." */
  pipelineOrder: must("RFC 9112 §9.3.2"),
  /** What a server holds for one connection stays bounded, whatever the client sends or leaves unread. */
  boundedMemory: lab(text.rules.boundedMemoryWhy, "RFC 9112 §9.3.2"),
  // Chunked (phase 14).
  /** "A recipient MUST be able to parse and decode the chunked transfer coding." */
  readChunked: must("RFC 9112 §7.1"),
  /** "A server or client that receives an HTTP/1.0 message containing a Transfer-Encoding header field MUST treat the message as if the framing is faulty … and close the connection". */
  teOnHttp10Request: must("RFC 9112 §6.1"),
  /** /stream's contract: chunked, its type and its lines; the RFC lets a server frame a body as it likes. */
  streamChunked: lab(text.rules.streamChunkedWhy),
  /** Each piece goes out as it is made: what chunked is for, and what the phase teaches. */
  streamAsMade: lab(text.rules.streamAsMadeWhy, "RFC 9112 §7.1"),
  // A framework's app (phase 15).
  /** The app's answer passed on as it made it. */
  sameAsApp: lab(text.rules.sameAsAppWhy),
  /** "Origin servers SHOULD NOT fold multiple Set-Cookie header fields into a single header field." */
  setCookieApart: should("RFC 6265 §3"),
  /** "a server MUST NOT send Content-Length in such a response unless its field value equals the decimal number of octets that would have been sent in the content of a response if the same request had used the GET method". */
  headLength: must("RFC 9110 §8.6"),
  // Content codings (phase 13).
  /** "A recipient SHOULD consider "x-gzip" to be equivalent to "gzip"". */
  xGzip: should("RFC 9110 §8.4.1.3"),
  /** No acceptable coding: the server "SHOULD send a response without any content coding". */
  codingAccepted: should("RFC 9110 §12.5.3"),
  /** "the sender that applied the encodings MUST generate a Content-Encoding header field that lists the content codings in the order in which they were applied". */
  contentEncodingSaid: must("RFC 9110 §8.4"),
  /** "identity" is Accept-Encoding's synonym for no encoding, reserved as such in the registry (§18.6): no coding a body can have. */
  identityNotALabel: lab(text.rules.identityWhy, "RFC 9110 §12.5.3"),
  /** No limit in the RFC; fetch and curl refuse more than five codings on one body. */
  fewCodings: lab(text.rules.fewCodingsWhy, "RFC 9110 §8.4"),
  /** No Accept-Encoding: the RFC lets a server pick any coding; the lab sends none. */
  gzipOnlyWhenAsked: lab(text.rules.gzipOnlyWhenAskedWhy, "RFC 9110 §12.5.3"),
  /** The RFC never obliges a server to compress; the phase's contract does, for long text asked for with gzip. */
  gzipWhenAsked: lab(text.rules.gzipWhenAskedWhy),
  /** Not for a few bytes, not for images: the contract's threshold and types. */
  gzipWorthIt: lab(text.rules.gzipWorthItWhy),
  /** Content-Encoding keeps the identity of the underlying media type. */
  typeOfTheContent: lab(text.rules.typeOfTheContentWhy, "RFC 9110 §8.4"),
  /** Vary names what the choice of representation depended on: a SHOULD the lab asks for. */
  varyAcceptEncoding: lab(text.rules.varyWhy, "RFC 9110 §12.5.5"),
  /** A 304 MUST carry the Vary a 200 to the same request would have. */
  vary304: must("RFC 9110 §15.4.5"),
  /** "The origin server MUST generate an Allow header field in a 405 response". */
  allowOn405: must("RFC 9110 §15.5.6"),
  /** Methods are case-sensitive; an unknown one SHOULD get 501. */
  methodCase: should("RFC 9110 §9.1"),
  /** "The server SHOULD send the same header fields in response to a HEAD request as … GET". */
  headSameHead: should("RFC 9110 §9.3.2"),
  // Requests, read by the server (phase 7 on).
  /** "Field names are case-insensitive": the definition of a field name, not a MUST sentence. */
  fieldNamesCaseless: lab(text.rules.caselessWhy, "RFC 9110 §5.1"),
  /** A recipient MAY combine repeated field lines, in order, with commas; the lab asks for it. */
  combineFields: lab(text.rules.combineWhy, "RFC 9110 §5.3"),
  /** The whitespace around a field line value is not part of the value. */
  fieldValueTrim: lab(text.rules.trimWhy, "RFC 9112 §5.1"),
  /** field-line = field-name ":" OWS field-value OWS; field-name is a token. */
  fieldLineSyntax: lab(text.rules.fieldLineWhy, "RFC 9112 §5"),
  /** "A server MUST reject, with … 400 (Bad Request), any received request message that contains whitespace between a header field name and colon." */
  noSpaceBeforeColonRequest: must("RFC 9112 §5.1"),
  /** A server MUST either reject a request with obs-fold (400) or replace each obs-fold with SP. */
  obsFoldRequest: must("RFC 9112 §5.2"),
  /** "A server MUST respond with a 400 … to any HTTP/1.1 request message that lacks a Host header field and to any request message that contains more than one". */
  hostRequired: must("RFC 9112 §3.2"),
  /** The same sentence goes on: "… or a Host header field with an invalid field value" (Host = uri-host [ ":" port ]). */
  hostValid: must("RFC 9112 §3.2"),
  /** "a recipient of CR, LF, or NUL within a field value MUST either reject the message or replace each of those characters with SP". */
  nulCrInValue: must("RFC 9110 §5.5"),
  /** A field name is any token: a map keyed by names must not inherit any (a JavaScript matter, not the RFC's). */
  anyTokenIsAName: lab(text.rules.anyNameWhy, "RFC 9110 §5.1"),
  /** "A server that receives a request-target longer than any URI it wishes to parse MUST respond with a 414 (URI Too Long)". */
  targetTooLong: must("RFC 9112 §3"),
  /** "A server that receives a method longer than any that it implements SHOULD respond with a 501 (Not Implemented)". */
  methodTooLong: should("RFC 9112 §3"),
  /** A whole head within a time, and a bounded read after the answer: the lab's numbers (the RFC has none). */
  headTimeout: lab(text.rules.headTimeoutWhy),
  /** Phases 2 to 6: the skeleton's cap on a head, 64 KiB, counted whether its end has come or not. */
  headCap: lab(text.rules.headCapWhy),
  /** "An origin server with a clock MUST generate a Date header field in all 2xx, 3xx, and 4xx responses". */
  dateRequired: must("RFC 9110 §6.6.1"),
  /** A sender MUST generate an HTTP-date as IMF-fixdate, in GMT. */
  dateFormat: must("RFC 9110 §5.6.7"),
  serverField: lab(text.rules.serverWhy, "RFC 9110 §10.2.4"),
  /** "A sender that generates a message containing content SHOULD generate a Content-Type header field". */
  contentTypeField: should("RFC 9110 §8.3"),
  /** A server that receives fields larger than it wishes to process MUST answer with a 4xx (431, RFC 6585 §5). */
  fieldsTooLarge: must("RFC 9110 §5.4"),
  /** The limit is the server's choice; the lab sets its floor at 16 KiB and its ceiling at 64 KiB. */
  headLimitFloor: lab(text.rules.headLimitWhy, "RFC 9110 §5.4"),
  // The request target, decoded (phase 8 on).
  percentEncoding: lab(text.rules.percentWhy, "RFC 3986 §2.1"),
  segmentsFirst: lab(text.rules.segmentsFirstWhy, "RFC 3986 §2.4"),
  decodeOnce: lab(text.rules.decodeOnceWhy, "RFC 3986 §2.4"),
  plusInPath: lab(text.rules.plusInPathWhy, "RFC 3986 §2.2"),
  formPlus: lab(text.rules.formPlusWhy, "URL Standard §5.1"),
  querySplitFirst: lab(text.rules.querySplitFirstWhy, "URL Standard §5.1"),
  /** "Recipients of an invalid request-line SHOULD respond with either a 400 (Bad Request) error or a 301 (Moved Permanently) redirect with the request-target properly encoded." */
  invalidTarget: should("RFC 9112 §3"),
  /** "A server MUST accept the absolute-form in requests even though most HTTP/1.1 clients will only send the absolute-form to a proxy." */
  absoluteForm: must("RFC 9112 §3.2.2"),
  // Files (phase 9 on).
  /** "The server SHOULD generate a Location header field in the response containing a preferred URI reference". */
  locationOn3xx: should("RFC 9110 §15.4.2"),
  /** An origin server SHOULD send Last-Modified when it can tell the representation's modification date. */
  lastModified: should("RFC 9110 §8.8.2"),
  notModified: lab(text.rules.notModifiedWhy, "RFC 9110 §13.1.3"),
  streamLarge: lab(text.rules.streamWhy),
  fileBytes: lab(text.rules.fileBytesWhy),
  /** "An origin server needs to avoid accessing names that have a special significance to the system". */
  traversal: lab(text.rules.traversalWhy, "RFC 9110 §17.3"),
} satisfies Record<string, Rule>;

/** How a report shows a rule: "RFC 9112 §6.3 (5), a MUST" or "this lab's rule: …". */
export function describeRule(rule: Rule): string {
  if (rule.level === "lab") return text.rules.labRule(rule.ref, rule.why ?? "");
  return text.rules.rfcRule(rule.ref, rule.level);
}
