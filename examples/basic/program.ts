/**
 * The basic example, and the program the root Pulumi.yaml runs: one
 * repository, its stacks, a new worker pool and a new push policy, all from
 * stack configuration (see Pulumi.example.yaml for every key).
 *
 * In your own project, import from "pulumi-spacelift-signed-runs" instead of "../../components".
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { SignedRuns, type SignedRunsApiKeyArgs, type SignedRunsStackArgs } from "../../components";
// The root project's own config schema; a program of your own reads its configuration its own way.
import { basicExampleConfig } from "../../components/schema/pulumiConfig";
import { parseInput } from "../../components/schema/problems";
import type { SigningAlgorithm } from "../../components/runToken/contract";

export interface BasicExampleConfig {
  githubOwner: string;
  githubRepository: string;
  githubBranch?: string;
  stacks: SignedRunsStackArgs[];
  spaceliftEndpoint: string;
  /** A secret API key (the secret is secret config) or an OIDC API key; absent: you manage the GitHub secrets yourself. */
  spaceliftApiKey?: SignedRunsApiKeyArgs;
  signingAlgorithm?: SigningAlgorithm;
  signingKeys?: string[];
  activeSigningKey?: string;
}

/**
 * Reads the example's stack configuration and parses it with one schema, so every mistake is reported at once,
 * at its key. `stacks` is a list of stack ids or of stack objects.
 */
export function readBasicExampleConfig(config: pulumi.Config = new pulumi.Config()): BasicExampleConfig {
  const raw = {
    githubOwner: config.get("githubOwner"),
    githubRepository: config.get("githubRepository"),
    githubBranch: config.get("githubBranch"),
    stacks: config.getObject<unknown[]>("stacks"),
    spaceliftEndpoint: config.get("spaceliftEndpoint"),
    spaceliftApiKeyId: config.get("spaceliftApiKeyId"),
    spaceliftApiKeySecret: config.getSecret("spaceliftApiKeySecret"),
    spaceliftOidcApiKeyId: config.get("spaceliftOidcApiKeyId"),
    spaceliftOidcAudience: config.get("spaceliftOidcAudience"),
    signingAlgorithm: config.get("signingAlgorithm"),
    signingKeys: config.getObject<string[]>("signingKeys"),
    activeSigningKey: config.get("activeSigningKey"),
  };
  const parsed = parseInput(basicExampleConfig, raw, "", "stack configuration");
  const stacks = parsed.stacks!.map((stack) => (typeof stack === "string" ? { id: stack } : stack));
  let spaceliftApiKey: SignedRunsApiKeyArgs | undefined;
  if (parsed.spaceliftOidcApiKeyId !== undefined) {
    spaceliftApiKey = { oidc: { apiKeyId: parsed.spaceliftOidcApiKeyId, audience: parsed.spaceliftOidcAudience } };
  } else if (parsed.spaceliftApiKeyId !== undefined && raw.spaceliftApiKeySecret !== undefined) {
    spaceliftApiKey = { id: parsed.spaceliftApiKeyId, secret: raw.spaceliftApiKeySecret };
  }
  return {
    githubOwner: parsed.githubOwner!,
    githubRepository: parsed.githubRepository!,
    githubBranch: parsed.githubBranch,
    stacks: stacks as SignedRunsStackArgs[],
    spaceliftEndpoint: parsed.spaceliftEndpoint!,
    spaceliftApiKey,
    signingAlgorithm: parsed.signingAlgorithm,
    signingKeys: parsed.signingKeys,
    activeSigningKey: parsed.activeSigningKey,
  };
}

export function basicExample(config: BasicExampleConfig) {
  // The GitHub provider manages the repository's owner; GITHUB_TOKEN comes from the environment.
  const githubProvider = new github.Provider("github", { owner: config.githubOwner });
  const signedRuns = new SignedRuns(
    "signed-runs",
    {
      github: { owner: config.githubOwner, repository: config.githubRepository, branch: config.githubBranch },
      stacks: config.stacks,
      // The Spacelift provider reads SPACELIFT_API_KEY_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET.
      spacelift: { endpoint: config.spaceliftEndpoint, apiKey: config.spaceliftApiKey },
      signing: { algorithm: config.signingAlgorithm, keys: config.signingKeys, activeKey: config.activeSigningKey },
    },
    { providers: [githubProvider] },
  );
  return {
    signedRuns,
    outputs: {
      workerPoolId: signedRuns.workerPoolId,
      pushPolicyId: signedRuns.pushPolicyId,
      stackIds: signedRuns.stackIds,
      workflowFiles: signedRuns.workflowFiles.apply((files) => files.map((file) => file.path)),
      // Secret whenever it holds an HS256 key; `pulumi stack output initializationPolicy --show-secrets`.
      initializationPolicy: signedRuns.initializationPolicy,
      // Always secret: the pool's token and private key.
      launcherEnvironment: signedRuns.launcherEnvironment,
      // The active kids and secret names (plain), and every trusted key with its stacks and run types.
      activeKeys: signedRuns.activeKeys,
      trustedKeys: signedRuns.trustedKeys,
    },
  };
}
