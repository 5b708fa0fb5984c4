import type { ChildProcess } from "child_process";

/** How to start the mock; every field is optional. */
export interface StartOptions {
  /** Seed of the generated crawls (crawlkit serve --seed). */
  seed?: number;
  /** Folder of fixture crawls (--fixtures). */
  fixtures?: string;
  /** Scenarios file (--scenarios). */
  scenarios?: string;
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
}

/** A running mock. */
export interface Mock {
  /** Its base URL, as http://127.0.0.1:43123: GET `${url}/crawl/info?id=42&key=demo`. */
  url: string;
  /** The crawlkit process. */
  process: ChildProcess;
  /** Ends the mock gracefully (SIGTERM), resolving when it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts crawlkit serve; resolves once it listens, rejects with its error
 * if it exits first.
 */
export function start(options?: StartOptions): Promise<Mock>;

/** The path of the crawlkit binary installed for this machine. */
export function binaryPath(): string;
