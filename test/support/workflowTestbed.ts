/**
 * Shared set-up for the tests that execute the generated workflow: a
 * repository's signing keys (one proposed key, one tracked key per tracked
 * branch), the GitHub side they live in (a repository secret, environments with
 * deployment branch policies and environment secrets), the fake Spacelift API,
 * and one call that renders, runs and collects.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { renderInitializationPolicy, type TrustedKey } from "../../components/policy/initializationPolicy";
import type { RunType } from "../../components/runToken/contract";
import { renderWorkflows, type WorkflowOptions, type WorkflowSigning } from "../../components/workflow/renderWorkflows";
import { FakeSpaceliftApi, type ApiRunBranchReport, type FakeStack } from "./fakeSpaceliftApi";
import {
  WORKFLOW_NOT_STARTED,
  runPushWorkflow,
  type GithubEnvironment,
  type JobRun,
  type RunWorkflowOptions,
  type WorkflowRun,
} from "./githubWorkflowHarness";

export const ENDPOINT = "https://acme.app.spacelift.io";
export const API_KEY_ID = "01HTESTAPIKEY0000000000000";
export const OIDC_API_KEY_ID = "01HTESTOIDCKEY000000000000";
/** The repository secret of the proposed key and the environment secret of every tracked key, in these tests. */
export const PROPOSED_SECRET = "SPACELIFT_PROPOSED_KEY";
export const TRACKED_SECRET = "SPACELIFT_TRACKED_KEY";

export interface TestSigningKey {
  algorithm: "HS256" | "ES256";
  kid: string;
  /** The GitHub secret's value. */
  secretValue: string;
  trustedKey(stacks: string[], runTypes: RunType[]): TrustedKey;
}

export function hs256Key(kid = "acme-hs-1"): TestSigningKey {
  const secret = randomBytes(33).toString("base64url");
  return {
    algorithm: "HS256",
    kid,
    secretValue: secret,
    trustedKey: (stacks, runTypes) => ({ kid, algorithm: "HS256", secret, stacks, runTypes }),
  };
}

/** A P-256 key; the secret holds the SEC1 "EC PRIVATE KEY" PEM, which is what @pulumi/tls produces for ECDSA keys. */
export function es256Key(kid = "acme-es-1"): TestSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const privatePem = privateKey.export({ format: "pem", type: "sec1" }).toString();
  const publicPem = publicKey.export({ format: "pem", type: "spki" }).toString();
  return {
    algorithm: "ES256",
    kid,
    secretValue: privatePem,
    trustedKey: (stacks, runTypes) => ({ kid, algorithm: "ES256", publicKeyPem: publicPem, stacks, runTypes }),
  };
}

export function randomSha(): string {
  return randomBytes(20).toString("hex");
}

/** A repository's keys: the proposed key and one tracked key per tracked branch. */
export interface RepositoryKeys {
  algorithm: "HS256" | "ES256";
  proposed: TestSigningKey;
  tracked: Map<string, TestSigningKey>;
}

export function repositoryKeys(algorithm: "HS256" | "ES256", branches: readonly string[] = ["main"]): RepositoryKeys {
  const make = algorithm === "HS256" ? hs256Key : es256Key;
  const tracked = new Map<string, TestSigningKey>();
  for (const branch of new Set(branches))
    tracked.set(branch, make(`acme.infra:tracked:${branch.replace(/[^A-Za-z0-9._-]/g, "-")}:1`));
  return { algorithm, proposed: make("acme.infra:proposed:1"), tracked };
}

/** The environment a test gives a tracked branch. */
export function environmentFor(branch: string): string {
  return `spacelift-${branch.replace(/\//g, "-")}`;
}

export function signingFor(keys: RepositoryKeys): WorkflowSigning {
  return {
    algorithm: keys.algorithm,
    proposed: { kid: keys.proposed.kid, secretName: PROPOSED_SECRET },
    tracked: [...keys.tracked].map(([branch, key]) => ({
      branch,
      environment: environmentFor(branch),
      kid: key.kid,
      secretName: TRACKED_SECRET,
    })),
  };
}

/**
 * The GitHub side as it should be set up: the proposed key and the API key as
 * repository secrets; per tracked branch an environment whose custom branch
 * policy admits exactly that branch, holding that branch's key.
 */
export function githubFor(
  keys: RepositoryKeys,
  apiKey = true,
): { secrets: Record<string, string>; environments: Record<string, GithubEnvironment> } {
  const secrets: Record<string, string> = { [PROPOSED_SECRET]: keys.proposed.secretValue };
  if (apiKey) Object.assign(secrets, apiKeySecrets());
  const environments: Record<string, GithubEnvironment> = {};
  for (const [branch, key] of keys.tracked) {
    environments[environmentFor(branch)] = {
      deploymentBranchPolicy: { customBranches: [branch] },
      secrets: { [TRACKED_SECRET]: key.secretValue },
    };
  }
  return { secrets, environments };
}

/** What the pool owner trusts: the proposed key for PROPOSED on every stack, each tracked key for its branch's stacks. */
export function trustedKeysFor(keys: RepositoryKeys, stacks: readonly FakeStack[]): TrustedKey[] {
  return [
    keys.proposed.trustedKey(
      stacks.map((stack) => stack.id),
      ["PROPOSED"],
    ),
    ...[...keys.tracked].map(([branch, key]) =>
      key.trustedKey(
        stacks.filter((stack) => stack.branch === branch).map((stack) => stack.id),
        ["TRACKED", "TASK"],
      ),
    ),
  ];
}

export function policyFor(keys: RepositoryKeys, stacks: readonly FakeStack[]): string {
  return renderInitializationPolicy({ trustedKeys: trustedKeysFor(keys, stacks) });
}

export interface ExecutedPush {
  /** The one job that was not skipped (started, or refused by GitHub), or WORKFLOW_NOT_STARTED. */
  job: JobRun;
  workflow: WorkflowRun;
  api: FakeSpaceliftApi;
}

/**
 * Starts a fake Spacelift API that knows `stacks` and the API key in `secrets`,
 * runs `workflow` for `push`, and returns the job and the API's records.
 * The API is closed before returning; its records stay readable.
 */
export async function executePush(
  workflow: string,
  stacks: FakeStack[],
  run: Omit<RunWorkflowOptions, "workflow" | "spaceliftApiUrl">,
  acceptApiKey?: (id: string, secret: string) => boolean,
  branchReport: ApiRunBranchReport = "dash",
): Promise<ExecutedPush> {
  const secrets = run.secrets ?? {};
  const api = await FakeSpaceliftApi.start({
    stacks,
    branchReport,
    acceptApiKey:
      acceptApiKey ??
      ((id, secret) => id === secrets.SPACELIFT_API_KEY_ID && secret === secrets.SPACELIFT_API_KEY_SECRET),
  });
  try {
    const result = await runPushWorkflow({ ...run, workflow, spaceliftApiUrl: api.url });
    const ran = result.jobs.filter((job) => job.conclusion !== "skipped");
    if (ran.length > 1) throw new Error(`more than one job ran for one push: ${ran.map((job) => job.id).join(", ")}`);
    if (result.started && ran.length === 0) throw new Error("every job was skipped");
    return { job: ran[0] ?? WORKFLOW_NOT_STARTED, workflow: result, api };
  } finally {
    await api.close();
  }
}

export function apiKeySecrets(): Record<string, string> {
  return {
    SPACELIFT_API_KEY_ID: API_KEY_ID,
    SPACELIFT_API_KEY_SECRET: `api-secret-${randomBytes(16).toString("hex")}`,
  };
}

export function singleStackWorkflow(keys: RepositoryKeys, overrides: Partial<WorkflowOptions> = {}): string {
  const [file] = renderWorkflows({
    stacks: [{ id: "net-prod", branch: "main" }],
    signing: signingFor(keys),
    spacelift: { endpoint: ENDPOINT, auth: { type: "apiKey" } },
    ...overrides,
  });
  return file.content;
}
