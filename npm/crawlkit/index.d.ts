import type { ChildProcess } from "child_process";

/** How to start the mock; every field is optional. */
export interface StartOptions {
  /** Seed of the generated crawls (crawlkit serve --seed). */
  seed?: number;
  /** Folder of fixture crawls (--fixtures). */
  fixtures?: string;
  /** Scenarios file (--scenarios). */
  scenarios?: string;
  /**
   * Your own OpenAPI document, YAML or JSON, 3.0 or 3.1 (--spec): crawls are
   * generated to its schemas and its statuses are on the contract. Default:
   * the contract crawlkit ships.
   */
  spec?: string;
  /** Record the session as a Pact file written here when the mock stops (--pact-out). */
  pactOut?: string;
  /** The consumer named in the pact (--pact-consumer; default crawlkit-consumer). */
  pactConsumer?: string;
  /** The provider named in the pact (--pact-provider; default screenshotcenter). */
  pactProvider?: string;
  /** Address to listen on; default 127.0.0.1:0, a free port. */
  addr?: string;
  /** More crawlkit serve flags, as ["--latency", "200ms"]. */
  args?: string[];
  /** Environment variables for the mock, added to this process's. */
  env?: Record<string, string>;
  /** Where the mock's log goes, as process.stderr; default: kept, for errors. */
  stderr?: NodeJS.WritableStream;
  /** A crawlkit binary to run instead of the installed one. */
  binary?: string;
  /**
   * Admin token (--admin-token, passed in the environment): the admin API
   * then asks for it, and the mock's verbs send it. Without one, the admin
   * API answers loopback callers only, as the mock started here is.
   */
  adminToken?: string;
}

/** A crawl's status. */
export type CrawlStatus = "in_queue" | "processing" | "finished" | "error" | "cancelled";

/** The broken answers a rule can play. */
export type Fault = "reset" | "empty" | "malformed" | "hang" | "bad-gateway";

/** Which requests a rule answers; every criterion given must hold. */
export interface Match {
  /** A crawl id, a "from-to" range, or a list of them: 42, "100-199", [1, "10-20"]. */
  id?: number | string | Array<number | string>;
  /** The API key the request carries. */
  key?: string;
  /** Request headers, name to value. */
  header?: Record<string, string>;
  /** Query parameters, name to value. */
  query?: Record<string, string>;
}

/**
 * How a rule answers. example, fixture, crawl, progression and body exclude
 * each other; status alone answers with the contract's example for it.
 */
export interface Respond {
  /** A status the contract documents, or any 4xx/5xx with off_contract. */
  status?: number;
  /** A named example of the contract, as "not_found". */
  example?: string;
  /** A fixture file, as "crawl-12345.json". */
  fixture?: string;
  /** A generated crawl of this status and size. */
  crawl?: { status?: CrawlStatus; screenshots?: number; seed?: number };
  /** A crawl that moves through statuses, one a poll, then stays at the last. */
  progression?: { statuses: CrawlStatus[]; screenshots?: number };
  /** The body to send with status, as JSON. */
  body?: unknown;
  /** Headers added to the answer, as { "Retry-After": "5" }. */
  headers?: Record<string, string>;
  /** Answer a status the contract does not document, on purpose. */
  off_contract?: boolean;
  /** A duration with its unit, or a range: "300ms", "2s", "100ms-800ms". */
  delay?: string;
  fault?: Fault;
}

/** One rule, as in a scenarios file. */
export interface Rule {
  /** Lower-case letters, digits, ".", "_" and "-". */
  name: string;
  description?: string;
  match?: Match;
  respond?: Respond;
}

/** A rule as the mock lists it: ids and delay written as in a file. */
export interface ListedRule {
  name: string;
  description?: string;
  match: { id?: string; key?: string; header?: Record<string, string>; query?: Record<string, string> };
  respond: Respond;
  /** The file the rule came from, or "admin API". */
  source: string;
  /** Its line in that file. */
  line?: number;
}

/** What the journal keeps of an answer. */
export interface JournalResponse {
  /** The answer's headers, the values of one name joined with ", ". */
  headers: Record<string, string>;
  /** The first 16 KiB of the body, as text, or in base64 when body_encoding says so. */
  body: string;
  /** "base64" for a body that is not UTF-8. */
  body_encoding?: "base64";
  /** The whole body's size in bytes. */
  body_bytes: number;
  /** The body was cut at 16 KiB. */
  body_truncated: boolean;
  /** The body is JSON (a cut one: its kept part reads as the start of JSON). */
  body_json: boolean;
}

/** One request the mock answered. */
export interface JournalEntry {
  /** When it came, RFC 3339. */
  time: string;
  method: string;
  /** Path and query, the key redacted. */
  url: string;
  crawl_id?: number;
  /** The answer's status; 0 when none was sent (a fault that drops the connection). */
  status: number;
  duration_ms: number;
  request_id: string;
  /** "fixture", "generated", "scenario <name>" or "override". */
  answered_by?: string;
  fault?: Fault;
  off_contract?: boolean;
  /** How the answer breaks the contract, if it does. */
  violations?: string[];
  /** What was answered; absent when nothing was. */
  response?: JournalResponse;
}

/** Which requests requests() lists; every field given must hold. */
export interface RequestFilter {
  /** The crawl id asked for. */
  id?: number;
  /** The answer's status. */
  status?: number;
  /** The request of that id (X-Request-Id, the entry's request_id): how to get the body of a request the live stream announced. */
  request_id?: string;
  /** The scenario rule that answered, by name. */
  rule?: string;
  /** At most this many, newest first (default 100). */
  limit?: number;
}

/** A progressing crawl being polled. */
export interface Progression {
  rule: string;
  id: number;
  seed: number;
  /** How many polls were answered. */
  polls: number;
  /** The last poll's status. */
  status: CrawlStatus;
  steps: CrawlStatus[];
}

/** One magic value of the catalog. */
export interface CatalogEntry {
  name: string;
  description?: string;
  /** The ids it answers, as "404" or "7000-7099". */
  ids: string;
  /** A URL path to try it. */
  try: string;
  source: string;
  off_contract?: boolean;
}

/** What the mock answers with nothing but an id. */
export interface Catalog {
  /** The instant generated crawls are timed relative to. */
  now: string;
  keys: Record<string, string>;
  entries: CatalogEntry[];
}

/** An admin API call the mock refused. */
export class AdminError extends Error {
  /** The HTTP status, as 400. */
  status: number;
  /** The envelope's code, as "VALIDATION_ERROR". */
  code?: string;
  /** Every problem, one a string, each naming its scenario. */
  problems: string[];
  /** The envelope's fields, problems by line of the text sent. */
  fields: Record<string, string[]>;
}

/** A running mock. */
export interface Mock {
  /** Its base URL, as http://127.0.0.1:43123: GET `${url}/crawl/info?id=42&key=demo`. */
  url: string;
  /** The crawlkit process. */
  process: ChildProcess;
  /** Ends the mock gracefully (SIGTERM), resolving when it has exited. */
  stop(): Promise<void>;
  /** The rules added at run time, tried before every other. */
  scenarios: {
    /**
     * Adds one rule or several, in front of all others (a rule named like
     * one added before replaces it); resolves once the mock answers with
     * them. A refusal adds none and rejects with an AdminError listing
     * every problem.
     */
    add(rules: Rule | Rule[]): Promise<ListedRule[]>;
    /** Removes the rule added at run time of that name, or all of them. */
    remove(name?: string): Promise<void>;
    /** Every rule, in the order they are tried. */
    list(): Promise<ListedRule[]>;
  };
  /** The requests the mock answered, newest first, with what it answered. */
  requests(filter?: RequestFilter): Promise<JournalEntry[]>;
  /** Clears the journal and starts every progression over; scenarios stay. */
  reset(): Promise<void>;
  /** The progressing crawls being polled. */
  progressions(): Promise<Progression[]>;
  /** The magic ids and fixtures the mock answers. */
  catalog(): Promise<Catalog>;
}

/**
 * Starts crawlkit serve; resolves once it listens, rejects with its error
 * if it exits first.
 */
export function start(options?: StartOptions): Promise<Mock>;

/** The path of the crawlkit binary installed for this machine. */
export function binaryPath(): string;
