/**
 * A local stand-in for a Spacelift account's GraphQL API, on 127.0.0.1.
 *
 * It answers the calls spacectl makes to trigger a run (API key exchange,
 * stack lookup, runTrigger), records every request with its headers, and turns
 * a recorded run into the input document the worker-pool launcher would hand
 * to the initialization policy.
 */
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { LauncherInput } from "../../components/runToken/runToken";

/** The header spacectl puts `--run-metadata` in (spacectl's internal.UserProvidedRunMetadataHeader). */
export const RUN_METADATA_HEADER = "spacelift-user-provided-run-metadata";

export interface FakeStack {
  id: string;
  branch: string;
}

/**
 * What Spacelift reports as the branch of a run started through `runTrigger`,
 * which has no branch argument:
 * - "dash": "-", as a 2025 report says for API-triggered runs (spacelift-io/spacectl#321);
 * - "tracked branch": the stack's tracked branch, as in the docs' launcher input sample
 *   (an API-triggered run whose commit_branch is the stack's branch).
 * Never the branch the commit was pushed to.
 */
export type ApiRunBranchReport = "dash" | "tracked branch";

export interface FakeSpaceliftApiOptions {
  stacks: FakeStack[];
  /** Decides an `apiKeyUser(id, secret)` exchange. */
  acceptApiKey: (id: string, secret: string) => boolean;
  /** Default "dash". */
  branchReport?: ApiRunBranchReport;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-case header names, as Node reports them. */
  headers: Record<string, string>;
  body: { query?: string; variables?: Record<string, unknown> } | null;
  operation: "apiKeyUser" | "stack" | "runTrigger" | "runConfirm" | "unknown";
}

export interface RecordedRun {
  id: string;
  stack: string;
  sha: string | null;
  runType: string;
  /** The run metadata header, when the request carried one. */
  metadata: string | undefined;
  /** The Host header: the account endpoint the client was configured with. */
  host: string;
  /** The API key id whose session triggered the run. */
  apiKeyId: string;
  /** The branch Spacelift reports for the run (see ApiRunBranchReport). */
  commitBranch: string;
  /** Metadata sent with each confirmation; Spacelift appends it to the run's user_provided_metadata. */
  confirmations: string[];
}

interface Session {
  apiKeyId: string;
}

export class FakeSpaceliftApi {
  readonly requests: RecordedRequest[] = [];
  readonly runs: RecordedRun[] = [];
  private readonly sessions = new Map<string, Session>();
  private constructor(
    private readonly server: http.Server,
    private readonly options: FakeSpaceliftApiOptions,
  ) {}

  static async start(options: FakeSpaceliftApiOptions): Promise<FakeSpaceliftApi> {
    const server = http.createServer((request, response) => {
      void api.handle(request, response);
    });
    const api = new FakeSpaceliftApi(server, options);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return api;
  }

  /** Where a client connects: http://127.0.0.1:<port>. */
  get url(): string {
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /**
   * The launcher's input for a recorded run, shaped like Spacelift's published
   * sample: the metadata list, the commit in both places the policy may read
   * it, the stack slug, run type and the branch Spacelift reports for it
   * (`run.commitBranch`: "-" or the stack's tracked branch, never the pushed one).
   */
  launcherInput(run: RecordedRun): LauncherInput {
    const branch = run.commitBranch;
    const input = {
      docker_image: "",
      run: {
        based_on_local_workspace: false,
        changes: [],
        commit: { author: "signed-runs-test", branch, created_at: 0, hash: run.sha, message: "" },
        created_at: 0,
        id: run.id,
        state: "PREPARING",
        triggered_by: `api::${run.apiKeyId}`,
        updated_at: 0,
        user_provided_metadata: [...(run.metadata === undefined ? [] : [run.metadata]), ...run.confirmations],
      },
      static_run_environment: {
        account_name: "acme",
        commit_branch: branch,
        commit_sha: run.sha ?? "",
        project_root: "",
        run_type: run.runType,
        run_ulid: run.id,
        stack_slug: run.stack,
      },
      worker_version: "signed-runs-test",
    };
    return input;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: RecordedRequest["body"];
    try {
      body = text === "" ? null : (JSON.parse(text) as RecordedRequest["body"]);
    } catch {
      body = null;
    }
    const query = body?.query ?? "";
    const operation: RecordedRequest["operation"] = /\bapiKeyUser\(/.test(query)
      ? "apiKeyUser"
      : /\brunTrigger\(/.test(query)
        ? "runTrigger"
        : /\brunConfirm\(/.test(query)
          ? "runConfirm"
          : /\bstack\(/.test(query)
            ? "stack"
            : "unknown";
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      headers[name] = Array.isArray(value) ? value.join(", ") : (value ?? "");
    this.requests.push({ method: request.method ?? "", path: request.url ?? "", headers, body, operation });

    const reply = (payload: unknown, status = 200): void => {
      response.writeHead(status, { "Content-Type": "application/json" });
      response.end(JSON.stringify(payload));
    };
    if (request.method !== "POST" || request.url !== "/graphql" || body === null)
      return reply({ errors: [{ message: "not found" }] }, 404);
    const variables = body.variables ?? {};

    if (operation === "apiKeyUser") {
      const id = String(variables.id ?? "");
      const secret = String(variables.secret ?? "");
      if (!this.options.acceptApiKey(id, secret))
        return reply({ data: { apiKeyUser: null }, errors: [{ message: "unauthorized" }] });
      const jwt = `session-${randomBytes(12).toString("hex")}`;
      this.sessions.set(jwt, { apiKeyId: id });
      return reply({ data: { apiKeyUser: { jwt, validUntil: Math.floor(Date.now() / 1000) + 3600 } } });
    }

    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? "")?.[1];
    const session = bearer === undefined ? undefined : this.sessions.get(bearer);
    if (!session) return reply({ errors: [{ message: "unauthorized" }] });

    if (operation === "stack") {
      const stack = this.options.stacks.find((candidate) => candidate.id === variables.id);
      return reply({ data: { stack: stack ? { id: stack.id, name: stack.id, branch: stack.branch } : null } });
    }
    if (operation === "runTrigger") {
      const stack = this.options.stacks.find((candidate) => candidate.id === variables.stack);
      if (!stack) return reply({ data: { runTrigger: null }, errors: [{ message: "stack not found" }] });
      const run: RecordedRun = {
        id: `01RUN${randomBytes(8).toString("hex").toUpperCase()}`,
        stack: stack.id,
        sha: typeof variables.sha === "string" ? variables.sha : null,
        runType: String(variables.type ?? "PROPOSED"),
        metadata: request.headers[RUN_METADATA_HEADER] as string | undefined,
        host: headers.host ?? "",
        apiKeyId: session.apiKeyId,
        commitBranch: (this.options.branchReport ?? "dash") === "dash" ? "-" : stack.branch,
        confirmations: [],
      };
      this.runs.push(run);
      return reply({ data: { runTrigger: { id: run.id } } });
    }
    if (operation === "runConfirm") {
      const run = this.runs.find((candidate) => candidate.id === variables.run && candidate.stack === variables.stack);
      if (!run || run.runType !== "TRACKED")
        return reply({
          data: { runConfirm: null },
          errors: [{ message: "run not found or not awaiting confirmation" }],
        });
      const metadata = request.headers[RUN_METADATA_HEADER] as string | undefined;
      if (metadata !== undefined) run.confirmations.push(metadata);
      return reply({ data: { runConfirm: { id: run.id } } });
    }
    return reply({ errors: [{ message: `the fake Spacelift API does not answer ${JSON.stringify(query)}` }] });
  }
}
