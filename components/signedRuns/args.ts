/**
 * The public argument and output shapes of `SignedRuns`, `SignedRunsRepository`
 * and `SignedRunsWorkerPool`. Kept in one file so examples and the CLI can code
 * against them without pulling in the components.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { TrustedKey } from "../policy/initializationPolicy";
import type { SigningAlgorithm } from "../runToken/contract";
import type { WorkflowFile } from "../workflow/renderWorkflows";

/** The GitHub repository whose CI signs runs. It must exist already. */
export interface SignedRunsGithubArgs {
  /** The user or organization, e.g. "acme". The GitHub provider's `owner` must be the same. */
  owner: pulumi.Input<string>;
  /** The repository name without the owner, e.g. "payments-infra". */
  repository: pulumi.Input<string>;
  /**
   * The branch the workflow files are committed to and the stacks' default tracked branch. Default "main".
   * A plain string: a tracked branch names its GitHub environment and the resources of its keys.
   */
  branch?: string;
}

/** The settings of a Spacelift stack the component creates (`stacks[].create`). */
export interface SignedRunsStackCreateArgs {
  /** The stack's display name. Default: the stack id. */
  name?: pulumi.Input<string>;
  /** The Spacelift space the stack belongs to, e.g. "root" or a space id. Default: Spacelift's (the root space). */
  spaceId?: pulumi.Input<string>;
  /** Labels on the stack, e.g. ["team:payments"]. Default: none. */
  labels?: pulumi.Input<pulumi.Input<string>[]>;
  /** Free text shown in Spacelift. Default: none. */
  description?: pulumi.Input<string>;
  /** Whether the stack may manage other Spacelift resources. */
  administrative?: pulumi.Input<boolean>;
  /** Whether a tracked run applies without manual confirmation. */
  autodeploy?: pulumi.Input<boolean>;
  /** The container image runs of this stack use. Default: Spacelift's runner image for the vendor. */
  runnerImage?: pulumi.Input<string>;
  /** Refuse to delete the stack (also through Pulumi) until this is turned off. Default: false. */
  protectFromDeletion?: pulumi.Input<boolean>;
  /** The IaC tool. Default: Spacelift's default (Terraform FOSS). */
  vendor?: SignedRunsStackVendor;
}

/** The IaC tool of a created stack: exactly one of `pulumi` or `terraform`. */
export type SignedRunsStackVendor =
  | {
      /** A Pulumi stack. */
      pulumi: {
        /** The state backend the run logs in to, e.g. "s3://acme-pulumi-state" or "https://api.pulumi.com". */
        loginUrl: pulumi.Input<string>;
        /** The Pulumi stack name, e.g. "prod". */
        stackName: pulumi.Input<string>;
      };
    }
  | {
      /** A Terraform or OpenTofu stack. */
      terraform: {
        /** Which binary runs: "TERRAFORM_FOSS" (Spacelift's default), "OPEN_TOFU" or "CUSTOM". */
        workflowTool?: "TERRAFORM_FOSS" | "OPEN_TOFU" | "CUSTOM";
        /** The tool's version, e.g. "1.5.7". Default: Spacelift's. */
        version?: pulumi.Input<string>;
        /** The Terraform workspace. Default: "default". */
        workspace?: pulumi.Input<string>;
      };
    };

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
  | {
      /** The API key's id as Spacelift shows it (1 to 128 letters, digits, `_`, `-`); stored as the `SPACELIFT_API_KEY_ID` secret. */
      id: pulumi.Input<string>;
      /** The API key's secret; stored as the `SPACELIFT_API_KEY_SECRET` secret, never in a file or a plain output. */
      secret: pulumi.Input<string>;
    }
  /** An OIDC API key; GitHub stores no Spacelift credential at all. */
  | {
      /** The OIDC API key. */
      oidc: {
        /** The OIDC API key's id (1 to 128 letters, digits, `_`, `-`); written into the workflow as plain text. */
        apiKeyId: pulumi.Input<string>;
        /** The audience the workflow requests its GitHub OIDC token for: 1 to 256 printable characters, no spaces. Default: the endpoint's host, e.g. "acme.app.spacelift.io". */
        audience?: string;
      };
    };

/** The Spacelift account and how the workflow authenticates to it. */
export interface SignedRunsSpaceliftArgs {
  /** The account URL, e.g. "https://acme.app.spacelift.io" (https, a host, no path). */
  endpoint: pulumi.Input<string>;
  /**
   * Omitted: the workflow reads the `SPACELIFT_API_KEY_ID` and `SPACELIFT_API_KEY_SECRET`
   * GitHub secrets, which you manage yourself.
   */
  apiKey?: SignedRunsApiKeyArgs;
}

/** The private worker pool: an existing one (`{ id }`) or settings of the one the component creates. */
export type SignedRunsWorkerPoolSelection =
  /** An existing pool. The launcher environment then holds only the policy path. */
  | {
      /** The existing pool's id. */
      id: pulumi.Input<string>;
    }
  /** A pool the component creates (the default). */
  | {
      /** Default: `<component name> (signed runs)`. */
      name?: pulumi.Input<string>;
      /** Free text shown in Spacelift. Default: none. */
      description?: pulumi.Input<string>;
      /** Labels on the pool. Default: none. */
      labels?: pulumi.Input<pulumi.Input<string>[]>;
      /** The Spacelift space of the pool. Default: Spacelift's (the root space). */
      spaceId?: pulumi.Input<string>;
    };

/** The push policy that stops Spacelift from starting runs on pushes: an existing one (`{ id }`) or settings of the created one. */
export type SignedRunsPushPolicySelection =
  /** An existing GIT_PUSH policy that ignores pushes; it is attached to every stack. */
  | {
      /** The existing policy's id. */
      id: pulumi.Input<string>;
    }
  /** A policy the component creates (the default). */
  | {
      /** Default: `<component name>: ignore pushes (signed runs)`. */
      name?: pulumi.Input<string>;
      /** Labels on the policy. Default: none. */
      labels?: pulumi.Input<pulumi.Input<string>[]>;
      /** The Spacelift space of the policy; it must be able to reach the stacks' spaces. Default: Spacelift's (the root space). */
      spaceId?: pulumi.Input<string>;
      /** Sent only when set; unset, the provider's default applies (docs/spacelift-provider.md says which provider serves it). */
      engineType?: "REGO_V0" | "REGO_V1";
    };

/** Required reviewers on every tracked branch's GitHub environment: a tracked run is signed only after one of them approves the job. */
export interface SignedRunsTrackedReviewersArgs {
  /** GitHub user ids (numbers, not logins; `gh api users/<login> --jq .id`). */
  users?: number[];
  /** GitHub team ids (`gh api orgs/<org>/teams/<slug> --jq .id`). Users and teams together: 1 to 6, as GitHub allows. */
  teams?: number[];
}

/** The run-signing keys: algorithm, generations, lifetime, GitHub secret names and reviewers. */
export interface SignedRunsSigningArgs {
  /** Default "ES256" (DEFAULT_SIGNING_ALGORITHM); "HS256" puts the secret itself into the policy. */
  algorithm?: SigningAlgorithm;
  /**
   * Key generations, oldest first, e.g. ["2026-11"]. Each has its own proposed key and one tracked key per tracked
   * branch, with their own kids and GitHub secrets; the policy trusts every listed generation. Default ["1"].
   */
  keys?: string[];
  /** The generation GitHub signs with. Default: the last of `keys`. */
  activeKey?: string;
  /** How long a signed token is valid, in whole seconds: the workflow signs `exp = iat + this`, the policy refuses longer. Default 3600; 60 to 86400. */
  maxTokenLifetimeSeconds?: number;
  /**
   * Prefix of the GitHub secret names: each generation's proposed key is the repository secret `<prefix>_PROPOSED_<GENERATION>`,
   * its tracked keys the environment secret `<prefix>_TRACKED_<GENERATION>` of each tracked branch's environment.
   * Default "SPACELIFT_RUN_SIGNING_KEY". (Before issue 8 one secret `<prefix>_<GENERATION>` held the only key.)
   */
  secretName?: string;
  /** Required reviewers on the tracked environments, self-review prevented. Default: none (GitHub's branch policy alone guards the tracked keys). */
  trackedReviewers?: SignedRunsTrackedReviewersArgs;
  /**
   * Removed: keys of other repositories are granted by the pool's owner. Use `SignedRunsArgs.additionalRepositories`
   * (`[{ repository: "acme/search", stacks: [...], trustedKeys: search.trustedKeys }]`); giving this is an input error.
   * @deprecated
   */
  additionalTrustedKeys?: never;
}

/** Where and how the generated workflow files are committed. */
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

/** The launcher host's side. */
export interface SignedRunsLauncherArgs {
  /**
   * Where the launcher finds the policy file: an absolute path without spaces, quotes, `$`, backquotes or backslashes, at most
   * 1024 characters. Default "/etc/spacelift/signed-runs/initialization-policy.rego" (DEFAULT_LAUNCHER_POLICY_PATH). Not with
   * `kubernetes`, whose pods read it at "/opt/spacelift/policies/initialization/initialization-policy.rego" (KUBERNETES_POLICY_PATH).
   */
  policyPath?: string;
  /**
   * Run the pool's launchers on Kubernetes with Spacelift's worker-pool controller: the component creates, in
   * `namespace`, a Secret with the pool's token and private key, a Secret with the initialization policy, and
   * the `workers.spacelift.io/v1beta1` WorkerPool that uses both (docs/kubernetes.md). Default: none.
   */
  kubernetes?: SignedRunsKubernetesLauncherArgs;
}

/**
 * `launcher.kubernetes`. Every plain value is checked before any resource exists. The objects are named
 * `<name>` (the WorkerPool), `<name>-pool-credentials` and `<name>-initialization-policy` (Secrets).
 */
export interface SignedRunsKubernetesLauncherArgs {
  /** The namespace of every object: a DNS-1123 label of at most 63 characters, e.g. "spacelift". */
  namespace: string;
  /** Create the namespace (and delete it on destroy). Default false: the namespace exists already. */
  createNamespace?: boolean;
  /**
   * Base of the objects' names: a DNS-1123 label of at most 41 characters. Default: the component's name,
   * which must then be such a label.
   */
  name?: string;
  /** Workers (run pods at a time) the controller keeps: an integer from 0 to 2147483647. Default 2. */
  poolSize?: number;
  /** Kubernetes labels put on every object (valid label keys and values). Default: none. */
  labels?: Record<string, string>;
  /** The Kubernetes provider for these objects. Default: the parent's, else the default provider (ambient kubeconfig). */
  provider?: k8s.Provider;
  /**
   * The rest of the WorkerPool's `spec.pod` (e.g. `launcherImage`, `serviceAccountName`, `nodeSelector`,
   * `initContainer.resources`), passed through unchecked except that it must not touch what the component sets:
   * the volume and init-container mount named "signed-runs-initialization-policy", a mount at or above
   * "/opt/spacelift/policies/initialization", and the variable SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY.
   * `volumes`, `initContainer.env` and `initContainer.volumeMounts` must be plain lists; the component appends its own entries.
   * The API server checks the rest against Spacelift's CRD (an unknown field fails `pulumi up`). Default: none.
   */
  pod?: Record<string, unknown>;
  /**
   * The pool's token (its `config`) and base64-encoded private key, for an existing pool (`workerPool: { id }`),
   * whose credentials the component cannot read. Required then, refused for a pool the component creates.
   * Pass them as secrets (`config.requireSecret(...)`); the component stores them only in the credentials Secret.
   */
  credentials?: {
    /** The pool's token (the WorkerPool's `config` in Spacelift's provider). Secret. */
    token: pulumi.Input<string>;
    /** The pool's private key, base64-encoded as Spacelift returns it. Secret. */
    privateKey: pulumi.Input<string>;
  };
}

/** The arguments of `SignedRuns`: one repository, its stacks and one worker pool. */
export interface SignedRunsArgs {
  /** The repository whose CI signs the runs. Required. */
  github: SignedRunsGithubArgs;
  /** The stacks whose runs must be signed: at least one, ids unique. */
  stacks: SignedRunsStackArgs[];
  /** The Spacelift account. Required. */
  spacelift: SignedRunsSpaceliftArgs;
  /** Default: create a pool. */
  workerPool?: SignedRunsWorkerPoolSelection;
  /** Default: create a GIT_PUSH policy that ignores every push. */
  pushPolicy?: SignedRunsPushPolicySelection;
  /** The signing keys. Default: one ES256 generation "1", tokens valid 3600 seconds. */
  signing?: SignedRunsSigningArgs;
  /** The workflow files. Default: committed to `github.branch` with the pinned spacectl. */
  workflow?: SignedRunsWorkflowArgs;
  /** The launcher's policy path. Default: see SignedRunsLauncherArgs. */
  launcher?: SignedRunsLauncherArgs;
  /** Other repositories the pool also runs signed runs for, each granted its own stacks (none of this repository's). Default: none. */
  additionalRepositories?: SignedRunsRepositoryGrant[];
}

/** One repository: its stacks' attachments, its keys, its GitHub side and its trusted keys. */
export interface SignedRunsRepositoryArgs {
  /** The repository whose CI signs the runs. Required. */
  github: SignedRunsGithubArgs;
  /** The repository's stacks: at least one, ids unique. */
  stacks: SignedRunsStackArgs[];
  /** The Spacelift account. Required. */
  spacelift: SignedRunsSpaceliftArgs;
  /** The pool the created stacks (`stacks[].create`) run on. Required when any stack is created. */
  workerPoolId?: pulumi.Input<string>;
  /** Default: create a GIT_PUSH policy that ignores every push, attached to every stack. */
  pushPolicy?: SignedRunsPushPolicySelection;
  /** As in SignedRunsArgs. */
  signing?: Omit<SignedRunsSigningArgs, "additionalTrustedKeys">;
  /** As in SignedRunsArgs. */
  workflow?: SignedRunsWorkflowArgs;
}

/**
 * The pool owner's decision that one repository's keys may sign runs of these stacks. A key is trusted for the
 * stacks it lists itself and the grant lists too; a stack granted to two repositories is an input error.
 */
export interface SignedRunsRepositoryGrant {
  /** "owner/name", e.g. "acme/payments-infra". A plain string, so grants are checked before any resource exists. */
  repository: string;
  /** Stack ids (slugs) this repository may sign for; at least one, each in one grant only. */
  stacks: string[];
  /** The repository's keys, e.g. a SignedRunsRepository's `trustedKeys` output. */
  trustedKeys: pulumi.Input<TrustedKey[]>;
}

/** One pool whose launchers trust the keys of many repositories, each only for the stacks its grant lists. */
export interface SignedRunsWorkerPoolArgs {
  /** Default: create a pool. */
  workerPool?: SignedRunsWorkerPoolSelection;
  /** The grants, at least one: `[{ repository: "acme/payments-infra", stacks: ["payments-prod"], trustedKeys: repo.trustedKeys }]`. */
  repositories: SignedRunsRepositoryGrant[];
  /**
   * Removed: the stacks a key may sign for are granted by the pool's owner, not claimed by the key. Use `repositories`;
   * giving this is an input error.
   * @deprecated
   */
  trustedKeys?: never;
  /** Default 3600 seconds; between 60 and 86400. */
  maxTokenLifetimeSeconds?: number;
  /** The `iss` claim every token must carry, e.g. "github-actions" (what the generated workflow writes). Default: any issuer. SignedRuns sets "github-actions". */
  issuer?: string;
  /** The launcher's policy path. Default: see SignedRunsLauncherArgs. */
  launcher?: SignedRunsLauncherArgs;
}

/** The launcher's environment variables: a secret output. */
export interface LauncherEnvironment {
  /** The pool's config (token); absent for an existing pool. */
  SPACELIFT_TOKEN?: string;
  /** The pool's private key, base64 encoded as the launcher expects; absent for an existing pool. */
  SPACELIFT_POOL_PRIVATE_KEY?: string;
  /** The path of the policy file on the launcher host (`launcher.policyPath`). */
  SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY: string;
}

/** The kids and GitHub secrets the workflow of the active generation signs with. Plain (no key material). */
export interface SignedRunsActiveKeys {
  /** Signs PROPOSED runs of every stack; a repository Actions secret. */
  proposed: {
    /** E.g. "acme.payments-infra:proposed:2026-11". */
    kid: string;
    /** The repository secret, e.g. "SPACELIFT_RUN_SIGNING_KEY_PROPOSED_2026_11". */
    secretName: string;
  };
  /** One per tracked branch: signs TRACKED and TASK runs of the stacks tracking it; an environment secret of `environment`. */
  tracked: Array<{
    /** The tracked branch, e.g. "main". */
    branch: string;
    /** The GitHub environment that admits only that branch, e.g. "spacelift-main". */
    environment: string;
    /** E.g. "acme.payments-infra:tracked:main:2026-11". */
    kid: string;
    /** The environment secret, e.g. "SPACELIFT_RUN_SIGNING_KEY_TRACKED_2026_11". */
    secretName: string;
    /** The stacks that track the branch. */
    stacks: string[];
  }>;
}

/** The active generation's signing keys (HS256 secret or ES256 PKCS#8 PEM), as GitHub holds them. Secret. */
export interface SignedRunsSigningKeys {
  /** The proposed key. */
  proposed: string;
  /** By tracked branch. */
  tracked: Record<string, string>;
}

/** The outputs every SignedRuns exposes (also the shape of `SignedRuns` itself). */
export interface SignedRunsOutputs {
  /** The launcher's initialization policy text; secret whenever it holds an HS256 key. */
  initializationPolicy: pulumi.Output<string>;
  /** The worker pool's id, created or given. */
  workerPoolId: pulumi.Output<string>;
  /** The push policy's id, created or given. */
  pushPolicyId: pulumi.Output<string>;
  /** What the launcher host needs in its environment. Secret (it holds the pool's token and private key). */
  launcherEnvironment: pulumi.Output<LauncherEnvironment>;
  /** The workflow files exactly as committed, one per stack; no file holds a secret. */
  workflowFiles: pulumi.Output<WorkflowFile[]>;
  /**
   * Every listed generation's keys, proposed and tracked: kid, public material (the secret for HS256), stacks and runTypes.
   * Secret for HS256. (Replaces the single-key `trustedKey` output.)
   */
  trustedKeys: pulumi.Output<TrustedKey[]>;
  /** The active generation's kids and secret names. */
  activeKeys: pulumi.Output<SignedRunsActiveKeys>;
  /** The active generation's signing keys. Secret. (Replaces the single-key `signingKey` output.) */
  signingKeys: pulumi.Output<SignedRunsSigningKeys>;
  /** The stacks' ids, in the order of `stacks`, created ones included. */
  stackIds: pulumi.Output<string[]>;
}
