/**
 * TEST-ONLY STAND-IN FOR spacectl. It is not spacectl.
 *
 * The real spacectl cannot be built here: the Go module proxy answers
 * "403 Forbidden: not available" for github.com/spacelift-io/spacectl at every
 * version. This script takes its place on the harness's PATH (or inside the
 * local zip the download test serves) and speaks the protocol spacectl speaks,
 * as read from spacectl's public source (facts only, no code):
 *
 * - credentials from SPACELIFT_API_KEY_ENDPOINT (falling back to the deprecated
 *   SPACELIFT_API_ENDPOINT), SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET;
 * - POST <endpoint>/graphql with {query, variables};
 * - the key exchange mutation `apiKeyUser(id: $id, secret: $secret) { jwt validUntil }`,
 *   then every call with `Authorization: Bearer <jwt>`, `Spacelift-Client-Type: spacectl`;
 * - `--id` is checked with the query `stack(id: $id)`;
 * - `stack deploy` / `stack preview` send `runTrigger(stack: $stack, commitSha: $sha,
 *   runType: $type, runtimeConfig: $runtimeConfig) { id }` with type TRACKED / PROPOSED,
 *   `--sha` as `commitSha`, and `--run-metadata` in the HTTP header
 *   `Spacelift-User-Provided-Run-Metadata`;
 * - `stack confirm --id S --run R [--run-metadata M]` sends `runConfirm(stack: $stack,
 *   run: $run) { id }` with `--run-metadata` in the same header
 *   (spacectl's internal/cmd/stack/run_confirm.go);
 * - `spacectl version` prints the bare version ("1.22.0").
 *
 * Test-only knobs, set by the harness, never by the workflow:
 * SPACECTL_STAND_IN_VERSION (the version it claims), SPACECTL_STAND_IN_API_URL
 * (where to connect instead of resolving the endpoint's host: every request
 * still carries the endpoint's Host header), SPACECTL_STAND_IN_LOG (a file
 * each invocation is appended to, with SPACECTL_STAND_IN_LABEL).
 */
import { appendFileSync } from "node:fs";
import * as http from "node:http";

const USER_PROVIDED_RUN_METADATA_HEADER = "Spacelift-User-Provided-Run-Metadata";

interface GraphqlResponse {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string }>;
}

function fatal(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function flagValue(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) {
      if (i + 1 >= args.length) fatal(`flag needs an argument: --${name}`);
      return args[i + 1];
    }
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}

function post(endpoint: string, body: unknown, headers: Record<string, string>): Promise<GraphqlResponse> {
  const target = new URL(endpoint);
  const connectTo = new URL(process.env.SPACECTL_STAND_IN_API_URL ?? endpoint);
  if (connectTo.protocol !== "http:" || connectTo.hostname !== "127.0.0.1") {
    fatal(`spacectl stand-in: refusing to connect to ${connectTo.origin}; tests talk only to 127.0.0.1`);
  }
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: connectTo.hostname,
        port: connectTo.port,
        method: "POST",
        path: `${target.pathname.replace(/\/$/, "")}/graphql`,
        headers: {
          Host: target.host,
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(payload),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (response.statusCode !== 200)
            return reject(new Error(`non-200 OK status code: ${response.statusCode} body: ${JSON.stringify(text)}`));
          try {
            resolve(JSON.parse(text) as GraphqlResponse);
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

async function graphql(
  endpoint: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<Record<string, unknown>> {
  const response = await post(endpoint, { query, variables }, headers);
  if (response.errors && response.errors.length > 0)
    throw new Error(response.errors.map((error) => error.message).join("; "));
  return response.data ?? {};
}

async function main(argv: string[]): Promise<void> {
  const version = process.env.SPACECTL_STAND_IN_VERSION ?? "dev";
  if (process.env.SPACECTL_STAND_IN_LOG) {
    appendFileSync(
      process.env.SPACECTL_STAND_IN_LOG,
      JSON.stringify({ label: process.env.SPACECTL_STAND_IN_LABEL ?? "", argv }) + "\n",
    );
  }
  if (argv[0] === "version" && argv.length === 1) {
    process.stdout.write(`${version}\n`);
    return;
  }
  if (argv[0] !== "stack" || (argv[1] !== "deploy" && argv[1] !== "preview" && argv[1] !== "confirm")) {
    fatal(
      `spacectl stand-in: only "version" and "stack deploy|preview|confirm" are modelled, got ${JSON.stringify(argv)}`,
    );
  }
  const args = argv.slice(2);
  const stackId = flagValue(args, "id");
  const sha = flagValue(args, "sha");
  const metadata = flagValue(args, "run-metadata");
  if (!stackId) fatal("no --id flag was provided and stack could not be found by searching the current directory");

  let endpoint = process.env.SPACELIFT_API_KEY_ENDPOINT;
  if (!endpoint) {
    endpoint = process.env.SPACELIFT_API_ENDPOINT;
    if (endpoint === undefined) fatal("SPACELIFT_API_KEY_ENDPOINT missing from the environment");
    process.stdout.write(
      'Environment variable "SPACELIFT_API_ENDPOINT" is deprecated, please use "SPACELIFT_API_KEY_ENDPOINT"\n',
    );
  }
  endpoint = endpoint.replace(/\/$/, "");
  const keyId = process.env.SPACELIFT_API_KEY_ID;
  const keySecret = process.env.SPACELIFT_API_KEY_SECRET;
  if (!keyId) fatal("SPACELIFT_API_KEY_ID missing from the environment");
  if (!keySecret) fatal("SPACELIFT_API_KEY_SECRET missing from the environment");

  let jwt: string;
  try {
    const data = await graphql(
      endpoint,
      "mutation($id:ID!$secret:String!){apiKeyUser(id: $id, secret: $secret){jwt,validUntil}}",
      { id: keyId, secret: keySecret },
      {},
    );
    jwt = String((data.apiKeyUser as { jwt?: unknown } | null)?.jwt ?? "");
    if (!jwt) throw new Error("unauthorized");
  } catch (error) {
    fatal(`could not exchange API key and secret for token: ${(error as Error).message}`);
  }
  const authenticated = {
    Authorization: `Bearer ${jwt}`,
    "Spacelift-Client-Type": "spacectl",
    "Spacelift-Client-OS": "linux",
  };

  const found = await graphql(
    endpoint,
    "query($id:ID!){stack(id: $id){id,name,branch}}",
    { id: stackId },
    authenticated,
  ).catch((error: Error) => fatal(`failed to check if stack exists: ${error.message}`));
  if ((found.stack as { id?: unknown } | null)?.id !== stackId) {
    fatal(
      `stack with id "${stackId}" could not be found. Please check that the stack exists and that you have access to it.`,
    );
  }

  if (argv[1] === "confirm") {
    const runId = flagValue(args, "run");
    if (!runId) fatal('Required flag "run" not set');
    const confirmHeaders: Record<string, string> = { ...authenticated };
    if (metadata !== undefined) confirmHeaders[USER_PROVIDED_RUN_METADATA_HEADER] = metadata;
    const confirmed = await graphql(
      endpoint,
      "mutation($run:ID!$stack:ID!){runConfirm(stack: $stack, run: $run){id}}",
      { stack: stackId, run: runId },
      confirmHeaders,
    ).catch((error: Error) => fatal(error.message));
    process.stdout.write("You have successfully confirmed a deployment\n");
    process.stdout.write(
      `The live run can be visited at ${endpoint}/stack/${stackId}/run/${String((confirmed.runConfirm as { id?: unknown } | null)?.id ?? "")}\n`,
    );
    return;
  }
  const runType = argv[1] === "deploy" ? "TRACKED" : "PROPOSED";
  const triggerHeaders: Record<string, string> = { ...authenticated };
  if (metadata !== undefined) triggerHeaders[USER_PROVIDED_RUN_METADATA_HEADER] = metadata;
  const triggered = await graphql(
    endpoint,
    "mutation($runtimeConfig:RuntimeConfigInput$sha:String$stack:ID!$type:RunType){runTrigger(stack: $stack, commitSha: $sha, runType: $type, runtimeConfig: $runtimeConfig){id}}",
    { stack: stackId, sha: sha ?? null, type: runType, runtimeConfig: null },
    triggerHeaders,
  ).catch((error: Error) => fatal(error.message));
  const runId = String((triggered.runTrigger as { id?: unknown } | null)?.id ?? "");
  process.stdout.write(`You have successfully created a ${runType === "TRACKED" ? "deployment" : "preview"}\n`);
  process.stdout.write(`The live run can be visited at ${endpoint}/stack/${stackId}/run/${runId}\n`);
}

main(process.argv.slice(2)).catch((error: Error) => fatal(error.message));
