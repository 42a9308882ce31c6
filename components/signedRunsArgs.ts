/**
 * The public argument and output shapes of `SignedRuns`, `SignedRunsRepository`
 * and `SignedRunsWorkerPool`. Kept in one file so examples and the CLI can code
 * against them without pulling in the components.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { TrustedKey } from "./initializationPolicy";
import type { SigningAlgorithm } from "./runTokenContract";
import type { WorkflowFile } from "./workflows";

/** The GitHub repository whose CI signs runs. It must exist already. */
export interface SignedRunsGithubArgs {
  /** The user or organization, e.g. "acme". The GitHub provider's `owner` must be the same. */
  owner: pulumi.Input<string>;
  /** The repository name without the owner, e.g. "payments-infra". */
  repository: pulumi.Input<string>;
  /** The branch the workflow files are committed to and the stacks' default tracked branch. Default "main". */
  branch?: pulumi.Input<string>;
}

/** The settings of a Spacelift stack the component creates (`stacks[].create`). */
export interface SignedRunsStackCreateArgs {
  /** The stack's display name. Default: the stack id. */
  name?: pulumi.Input<string>;
  spaceId?: pulumi.Input<string>;
  labels?: pulumi.Input<pulumi.Input<string>[]>;
  description?: pulumi.Input<string>;
  /** Whether the stack may manage other Spacelift resources. */
  administrative?: pulumi.Input<boolean>;
  /** Whether a tracked run applies without manual confirmation. */
  autodeploy?: pulumi.Input<boolean>;
  runnerImage?: pulumi.Input<string>;
  protectFromDeletion?: pulumi.Input<boolean>;
  /** The IaC tool. Default: Spacelift's default (Terraform FOSS). */
  vendor?: SignedRunsStackVendor;
}

export type SignedRunsStackVendor =
  | { pulumi: { loginUrl: pulumi.Input<string>; stackName: pulumi.Input<string> } }
  | { terraform: { workflowTool?: "TERRAFORM_FOSS" | "OPEN_TOFU" | "CUSTOM"; version?: pulumi.Input<string>; workspace?: pulumi.Input<string> } };

/** One Spacelift stack whose runs must be signed by this repository's CI. */
export interface SignedRunsStackArgs {
  /** The stack id (slug). Names child resources, so it is a plain string. */
  id: string;
  /** The stack's tracked branch. Default: `github.branch`. */
  branch?: string;
  /** The stack's directory in the repository; a push elsewhere does not trigger it. Default: the whole repository. */
  projectRoot?: string;
  /** Extra paths (globs) whose changes also trigger the stack. */
  additionalProjectGlobs?: string[];
  /** Create the stack instead of naming an existing one. */
  create?: SignedRunsStackCreateArgs;
}

/** How the generated workflow authenticates to Spacelift. */
export type SignedRunsApiKeyArgs =
  /** A secret API key; both values are stored as GitHub secrets. */
  | { id: pulumi.Input<string>; secret: pulumi.Input<string> }
  /** An OIDC API key; GitHub stores no Spacelift credential at all. */
  | { oidc: { apiKeyId: pulumi.Input<string>; audience?: string } };

export interface SignedRunsSpaceliftArgs {
  /** The account URL, e.g. "https://acme.app.spacelift.io" (https, a host, no path). */
  endpoint: pulumi.Input<string>;
  /**
   * Omitted: the workflow reads the `SPACELIFT_API_KEY_ID` and `SPACELIFT_API_KEY_SECRET`
   * GitHub secrets, which you manage yourself.
   */
  apiKey?: SignedRunsApiKeyArgs;
}

export type SignedRunsWorkerPoolSelection =
  /** An existing pool. The launcher environment then holds only the policy path. */
  | { id: pulumi.Input<string> }
  /** A pool the component creates (the default). */
  | { name?: pulumi.Input<string>; description?: pulumi.Input<string>; labels?: pulumi.Input<pulumi.Input<string>[]>; spaceId?: pulumi.Input<string> };

export type SignedRunsPushPolicySelection =
  /** An existing GIT_PUSH policy that ignores pushes; it is attached to every stack. */
  | { id: pulumi.Input<string> }
  /** A policy the component creates (the default). */
  | {
      name?: pulumi.Input<string>;
      labels?: pulumi.Input<pulumi.Input<string>[]>;
      spaceId?: pulumi.Input<string>;
      /** Sent only when set: the provider added `engineType` after the schema the default plugin serves. */
      engineType?: "REGO_V0" | "REGO_V1";
    };

export interface SignedRunsSigningArgs {
  /** Default "HS256". */
  algorithm?: SigningAlgorithm;
  /**
   * Key generations, oldest first, e.g. ["2026-11"]. Each has its own key, kid and GitHub secret;
   * the policy trusts all of them. Default ["1"].
   */
  keys?: string[];
  /** The generation GitHub signs with. Default: the last of `keys`. */
  activeKey?: string;
  /** Default 3600 seconds; between 60 and 86400. */
  maxTokenLifetimeSeconds?: number;
  /** Keys of other repositories that may also run on this pool. */
  additionalTrustedKeys?: pulumi.Input<TrustedKey | TrustedKey[]>[];
  /** Prefix of the GitHub secret names; each generation's secret is `<prefix>_<GENERATION>`. Default "SPACELIFT_RUN_SIGNING_KEY". */
  secretName?: string;
}

export interface SignedRunsWorkflowArgs {
  /** The branch the workflow files are committed to. Default: `github.branch`. */
  branch?: pulumi.Input<string>;
  /** Default "Add Spacelift signed-run workflow (managed by Pulumi)". */
  commitMessage?: pulumi.Input<string>;
  /** The spacectl version the workflow installs; default: the workflow generator's pinned one (PINNED_SPACECTL_VERSION). */
  spacectlVersion?: string;
  /** SHA-256 of `spacectl_<version>_linux_amd64.zip`; required with a non-default `spacectlVersion`. */
  spacectlSha256?: string;
}

export interface SignedRunsLauncherArgs {
  /** Where the launcher finds the policy file. Default DEFAULT_LAUNCHER_POLICY_PATH. */
  policyPath?: string;
}

export interface SignedRunsArgs {
  github: SignedRunsGithubArgs;
  /** At least one. */
  stacks: SignedRunsStackArgs[];
  spacelift: SignedRunsSpaceliftArgs;
  /** Default: create a pool. */
  workerPool?: SignedRunsWorkerPoolSelection;
  /** Default: create a GIT_PUSH policy that ignores every push. */
  pushPolicy?: SignedRunsPushPolicySelection;
  signing?: SignedRunsSigningArgs;
  workflow?: SignedRunsWorkflowArgs;
  launcher?: SignedRunsLauncherArgs;
}

/** One repository: its stacks' attachments, its keys, its GitHub side and its trusted keys. */
export interface SignedRunsRepositoryArgs {
  github: SignedRunsGithubArgs;
  stacks: SignedRunsStackArgs[];
  spacelift: SignedRunsSpaceliftArgs;
  /** The pool the created stacks (`stacks[].create`) run on. Required when any stack is created. */
  workerPoolId?: pulumi.Input<string>;
  pushPolicy?: SignedRunsPushPolicySelection;
  /** As in SignedRunsArgs, without `additionalTrustedKeys` (that belongs to the pool). */
  signing?: Omit<SignedRunsSigningArgs, "additionalTrustedKeys">;
  workflow?: SignedRunsWorkflowArgs;
}

/** One pool whose launchers trust the keys of many repositories, each limited to its own stacks. */
export interface SignedRunsWorkerPoolArgs {
  workerPool?: SignedRunsWorkerPoolSelection;
  /** Each element is one key or a list of keys, e.g. `repository.trustedKeys`. At least one key in all. */
  trustedKeys: pulumi.Input<TrustedKey | TrustedKey[]>[];
  /** Default 3600 seconds; between 60 and 86400. */
  maxTokenLifetimeSeconds?: number;
  launcher?: SignedRunsLauncherArgs;
}

/** The launcher's environment variables: a secret output. */
export interface LauncherEnvironment {
  /** The pool's config (token); absent for an existing pool. */
  SPACELIFT_TOKEN?: string;
  /** The pool's private key, base64 encoded as the launcher expects; absent for an existing pool. */
  SPACELIFT_POOL_PRIVATE_KEY?: string;
  SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY: string;
}

/** The outputs every SignedRuns exposes (also the shape of `SignedRuns` itself). */
export interface SignedRunsOutputs {
  /** The launcher's initialization policy text; secret whenever it holds an HS256 key. */
  initializationPolicy: pulumi.Output<string>;
  workerPoolId: pulumi.Output<string>;
  pushPolicyId: pulumi.Output<string>;
  launcherEnvironment: pulumi.Output<LauncherEnvironment>;
  workflowFiles: pulumi.Output<WorkflowFile[]>;
  /** The active generation's key: kid, public material (the secret for HS256) and stacks. Secret for HS256. */
  trustedKey: pulumi.Output<TrustedKey>;
  /** Every listed generation's key. Secret for HS256. */
  trustedKeys: pulumi.Output<TrustedKey[]>;
  /** The active signing key (HS256 secret or ES256 PKCS#8 PEM). Secret. */
  signingKey: pulumi.Output<string>;
  stackIds: pulumi.Output<string[]>;
}
