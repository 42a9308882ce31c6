/**
 * Shared set-up for the tests that execute the generated workflow: signing
 * keys, the fake Spacelift API, and one call that renders, runs and collects.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { renderInitializationPolicy, type TrustedKey } from "../../components/initializationPolicy";
import { renderWorkflows, type WorkflowOptions } from "../../components/workflows";
import { FakeSpaceliftApi, type FakeStack } from "./fakeSpaceliftApi";
import { runPushWorkflow, type JobRun, type RunWorkflowOptions } from "./githubWorkflowHarness";

export const ENDPOINT = "https://acme.app.spacelift.io";
export const API_KEY_ID = "01HTESTAPIKEY0000000000000";
export const OIDC_API_KEY_ID = "01HTESTOIDCKEY000000000000";

export interface TestSigningKey {
  algorithm: "HS256" | "ES256";
  kid: string;
  /** The GitHub secret's value. */
  secretValue: string;
  // interim: issue 8 component step (the key signs every run type)
  trustedKey(stacks: string[]): TrustedKey;
}

export function hs256Key(kid = "acme-hs-1"): TestSigningKey {
  const secret = randomBytes(33).toString("base64url");
  return { algorithm: "HS256", kid, secretValue: secret, trustedKey: (stacks) => ({ kid, algorithm: "HS256", secret, stacks, runTypes: ["TRACKED", "PROPOSED", "TASK"] }) };
}

/** A P-256 key; the secret holds the SEC1 "EC PRIVATE KEY" PEM, which is what @pulumi/tls produces for ECDSA keys. */
export function es256Key(kid = "acme-es-1"): TestSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const privatePem = privateKey.export({ format: "pem", type: "sec1" }).toString();
  const publicPem = publicKey.export({ format: "pem", type: "spki" }).toString();
  return { algorithm: "ES256", kid, secretValue: privatePem, trustedKey: (stacks) => ({ kid, algorithm: "ES256", publicKeyPem: publicPem, stacks, runTypes: ["TRACKED", "PROPOSED", "TASK"] }) };
}

export function randomSha(): string {
  return randomBytes(20).toString("hex");
}

export function policyFor(key: TestSigningKey, stacks: string[]): string {
  return renderInitializationPolicy({ trustedKeys: [key.trustedKey(stacks)] });
}

export interface ExecutedPush {
  job: JobRun;
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
): Promise<ExecutedPush> {
  const secrets = run.secrets ?? {};
  const api = await FakeSpaceliftApi.start({
    stacks,
    acceptApiKey:
      acceptApiKey ??
      ((id, secret) => id === secrets.SPACELIFT_API_KEY_ID && secret === secrets.SPACELIFT_API_KEY_SECRET),
  });
  try {
    const job = await runPushWorkflow({ ...run, workflow, spaceliftApiUrl: api.url });
    return { job, api };
  } finally {
    await api.close();
  }
}

export function apiKeySecrets(key: TestSigningKey, signingSecretName = "SPACELIFT_RUN_SIGNING_KEY"): Record<string, string> {
  return {
    [signingSecretName]: key.secretValue,
    SPACELIFT_API_KEY_ID: API_KEY_ID,
    SPACELIFT_API_KEY_SECRET: `api-secret-${randomBytes(16).toString("hex")}`,
  };
}

export function singleStackWorkflow(key: TestSigningKey, overrides: Partial<WorkflowOptions> = {}): string {
  const [file] = renderWorkflows({
    stacks: [{ id: "net-prod", branch: "main" }],
    signing: { algorithm: key.algorithm, kid: key.kid },
    spacelift: { endpoint: ENDPOINT, auth: { type: "apiKey" } },
    ...overrides,
  });
  return file.content;
}
