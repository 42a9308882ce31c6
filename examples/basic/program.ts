/**
 * The basic example, and the program the root Pulumi.yaml runs: one
 * repository, its stacks, a new worker pool and a new push policy, all from
 * stack configuration (see Pulumi.example.yaml for every key).
 *
 * In your own project, import from "pulumi-spacelift-signed-runs" instead of "../../components".
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import {
  SignedRuns,
  SignedRunsInputError,
  type SignedRunsApiKeyArgs,
  type SignedRunsStackArgs,
} from "../../components";
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

/** Reads the example's stack configuration. `stacks` is a list of stack ids or of stack objects. */
export function readBasicExampleConfig(config: pulumi.Config = new pulumi.Config()): BasicExampleConfig {
  const stacks = config
    .requireObject<Array<string | SignedRunsStackArgs>>("stacks")
    .map((stack) => (typeof stack === "string" ? { id: stack } : stack));
  const apiKeyId = config.get("spaceliftApiKeyId");
  const apiKeySecret = config.getSecret("spaceliftApiKeySecret");
  const oidcApiKeyId = config.get("spaceliftOidcApiKeyId");
  let spaceliftApiKey: SignedRunsApiKeyArgs | undefined;
  if (oidcApiKeyId !== undefined) {
    spaceliftApiKey = { oidc: { apiKeyId: oidcApiKeyId, audience: config.get("spaceliftOidcAudience") } };
  } else if (apiKeyId !== undefined && apiKeySecret !== undefined) {
    spaceliftApiKey = { id: apiKeyId, secret: apiKeySecret };
  } else if (apiKeyId !== undefined || apiKeySecret !== undefined) {
    // Half a key would silently leave the GitHub secrets unmanaged; say so instead.
    const missing = apiKeyId === undefined ? "spaceliftApiKeyId" : "spaceliftApiKeySecret";
    throw new SignedRunsInputError(
      missing,
      "is not set, but its other half is",
      `set it (pulumi config set ${missing === "spaceliftApiKeySecret" ? "--secret " : ""}${missing}), or unset both to manage the SPACELIFT_API_KEY_ID/_SECRET GitHub secrets yourself`,
    );
  }
  return {
    githubOwner: config.require("githubOwner"),
    githubRepository: config.require("githubRepository"),
    githubBranch: config.get("githubBranch"),
    stacks,
    spaceliftEndpoint: config.require("spaceliftEndpoint"),
    spaceliftApiKey,
    signingAlgorithm: config.get("signingAlgorithm") as SigningAlgorithm | undefined,
    signingKeys: config.getObject<string[]>("signingKeys"),
    activeSigningKey: config.get("activeSigningKey"),
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
