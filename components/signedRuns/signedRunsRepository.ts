import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import type { TrustedKey } from "../policy/initializationPolicy";
import { SignedRunsInputError } from "../schema/inputError";
import {
  branchResourceSuffix,
  planKeyGenerations,
  proposedKeyId,
  trackedEnvironmentName,
  trackedKeyId,
  type KeyGenerationPlan,
} from "./keyGenerations";
import { renderPushPolicy } from "../policy/pushPolicy";
import {
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  DEFAULT_SIGNING_ALGORITHM,
  type RunType,
  type SigningAlgorithm,
} from "../runToken/contract";
import type {
  SignedRunsActiveKeys,
  SignedRunsApiKeyArgs,
  SignedRunsRepositoryArgs,
  SignedRunsSigningKeys,
  SignedRunsStackArgs,
} from "./args";
import * as schema from "../schema/component";
import { normalizeEndpoint } from "../schema/primitives";
import { inputErrorsOf, isOutputLike, parseInput, parsedWhenResolved } from "../schema/problems";
import { Policy } from "../spacelift/policy";
import { PolicyAttachment } from "../spacelift/policyAttachment";
import { Stack } from "../spacelift/stack";
import {
  renderWorkflows,
  type SpaceliftAuth,
  type WorkflowFile,
  type WorkflowOptions,
  type WorkflowSigning,
} from "../workflow/renderWorkflows";

export const SIGNED_RUNS_REPOSITORY_TYPE = "spacelift-signed-runs:index:SignedRunsRepository";
/** Length of a generated HS256 secret: 64 alphanumerics, about 380 bits. */
export const HS256_SECRET_LENGTH = 64;
export const DEFAULT_WORKFLOW_COMMIT_MESSAGE = "Add Spacelift signed-run workflow (managed by Pulumi)";
export const DEFAULT_REPOSITORY_BRANCH = "main";
/** The GitHub secrets the workflow reads in secret-key mode. */
export const API_KEY_ID_SECRET_NAME = "SPACELIFT_API_KEY_ID";
export const API_KEY_SECRET_SECRET_NAME = "SPACELIFT_API_KEY_SECRET";

/** The run types of each kind of key: a proposed key can never sign a TRACKED run, a tracked key never a PROPOSED one. */
export const PROPOSED_RUN_TYPES: readonly RunType[] = ["PROPOSED"];
export const TRACKED_RUN_TYPES: readonly RunType[] = ["TRACKED", "TASK"];

/** One tracked branch: its environment, the stacks tracking it, and the suffix of its resources' names. */
export interface TrackedBranchPlan {
  branch: string;
  environment: string;
  stacks: string[];
  resourceSuffix: string;
}

/** What the constructor decides from plain values alone, before any resource exists. */
export interface RepositoryPlan {
  algorithm: SigningAlgorithm;
  generations: KeyGenerationPlan[];
  /** `github.branch` or its default. */
  defaultBranch: string;
  /** The distinct tracked branches, in the order their first stack is listed. */
  trackedBranches: TrackedBranchPlan[];
  reviewers?: { users: number[]; teams: number[] };
  maxTokenLifetimeSeconds: number;
  stacks: SignedRunsStackArgs[];
  authMode: "apiKey" | "oidc" | "external";
  /** The workflow files' paths; they depend on the stacks only, so a render with placeholders for Output values fixes them. */
  workflowPaths: string[];
}

/**
 * Parses every plain value of SignedRunsRepositoryArgs (all problems in one
 * SignedRunsInputError) and plans what follows from them.
 * `poolProvided`: a caller (SignedRuns) supplies the pool id later, so created stacks need no `workerPoolId` here.
 * `parsed`: the caller parsed the arguments already (as part of its own schema).
 */
export function planRepository(
  args: SignedRunsRepositoryArgs,
  options: { poolProvided?: boolean; parsed?: boolean } = {},
): RepositoryPlan {
  if (!options.parsed) parseInput(schema.signedRunsRepositoryArgs, args, "", "args");
  const created = args.stacks.findIndex((stack) => stack.create !== undefined);
  if (created >= 0 && args.workerPoolId === undefined && !options.poolProvided) {
    throw new SignedRunsInputError(
      `stacks[${created}].create`,
      "needs a worker pool for the stack it creates",
      "pass workerPoolId (e.g. a SignedRunsWorkerPool's workerPoolId), or use SignedRuns, which creates the pool",
    );
  }
  const signing = args.signing ?? {};
  const defaultBranch = args.github.branch ?? DEFAULT_REPOSITORY_BRANCH;
  const apiKey = args.spacelift.apiKey;
  const plan: RepositoryPlan = {
    algorithm: signing.algorithm ?? DEFAULT_SIGNING_ALGORITHM,
    generations: planKeyGenerations(signing),
    defaultBranch,
    trackedBranches: planTrackedBranches(args.stacks, defaultBranch),
    ...(signing.trackedReviewers !== undefined
      ? {
          reviewers: {
            users: [...(signing.trackedReviewers.users ?? [])],
            teams: [...(signing.trackedReviewers.teams ?? [])],
          },
        }
      : {}),
    maxTokenLifetimeSeconds: signing.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
    stacks: args.stacks,
    authMode: apiKey === undefined ? "external" : "oidc" in apiKey ? "oidc" : "apiKey",
    workflowPaths: [],
  };
  // The workflow generator's own checks run here too, so they also fail before any resource exists.
  plan.workflowPaths = renderWorkflowsFor(plan, {
    owner: plainOr(args.github.owner, "owner"),
    repository: plainOr(args.github.repository, "repository"),
    endpoint: isOutputLike(args.spacelift.endpoint)
      ? "https://placeholder.app.spacelift.io"
      : normalizeEndpoint(args.spacelift.endpoint as string),
    oidcApiKeyId: "placeholder",
    oidcAudience: apiKey !== undefined && "oidc" in apiKey ? apiKey.oidc.audience : undefined,
    spacectlVersion: args.workflow?.spacectlVersion,
    spacectlSha256: args.workflow?.spacectlSha256,
  }).map((file) => file.path);
  return plan;
}

/** The distinct tracked branches and the stacks tracking each (the schema refused branches with glob characters). */
export function planTrackedBranches(stacks: SignedRunsStackArgs[], defaultBranch: string): TrackedBranchPlan[] {
  const byBranch = new Map<string, TrackedBranchPlan>();
  for (const stack of stacks) {
    const branch = stack.branch ?? defaultBranch;
    const plan = byBranch.get(branch) ?? {
      branch,
      environment: trackedEnvironmentName(branch),
      stacks: [],
      resourceSuffix: branchResourceSuffix(branch),
    };
    plan.stacks.push(stack.id);
    byBranch.set(branch, plan);
  }
  return [...byBranch.values()];
}

/** The workflow generator's fields, named as the component's arguments name them. */
const WORKFLOW_FIELDS: Array<[RegExp, string]> = [
  [/^spacectlVersion$/, "workflow.spacectlVersion"],
  [/^spacectlSha256$/, "workflow.spacectlSha256"],
  [/^maxTokenLifetimeSeconds$/, "signing.maxTokenLifetimeSeconds"],
  [/^spacelift\.auth/, "spacelift.apiKey"],
];

/** renderWorkflows for resolved values; its input errors are re-labelled with the component's field names. */
export function renderWorkflowsFor(
  plan: RepositoryPlan,
  resolved: Parameters<typeof workflowOptionsFor>[1],
): WorkflowFile[] {
  try {
    return renderWorkflows(workflowOptionsFor(plan, resolved));
  } catch (error) {
    if (!(error instanceof SignedRunsInputError)) throw error;
    const mapped = WORKFLOW_FIELDS.find(([pattern]) => pattern.test(error.field));
    if (mapped === undefined) throw error;
    throw new SignedRunsInputError(error.field.replace(mapped[0], mapped[1]), error.problem, error.fix);
  }
}

/** The workflow options for resolved values; shared by the dry render (file paths) and the real one. */
export function workflowOptionsFor(
  plan: RepositoryPlan,
  resolved: {
    owner: string;
    repository: string;
    endpoint: string;
    oidcApiKeyId?: string;
    oidcAudience?: string;
    spacectlVersion?: string;
    spacectlSha256?: string;
  },
): WorkflowOptions {
  const auth: SpaceliftAuth =
    plan.authMode === "oidc"
      ? {
          type: "oidc",
          apiKeyId: resolved.oidcApiKeyId!,
          ...(resolved.oidcAudience !== undefined ? { audience: resolved.oidcAudience } : {}),
        }
      : { type: "apiKey" };
  const options: WorkflowOptions = {
    stacks: plan.stacks.map((stack) => ({
      id: stack.id,
      branch: stack.branch ?? plan.defaultBranch,
      ...(stack.projectRoot !== undefined ? { projectRoot: stack.projectRoot } : {}),
      ...(stack.additionalProjectGlobs !== undefined
        ? { additionalProjectGlobs: [...stack.additionalProjectGlobs] }
        : {}),
    })),
    signing: workflowSigning(plan, resolved.owner, resolved.repository),
    spacelift: { endpoint: resolved.endpoint, auth },
    maxTokenLifetimeSeconds: plan.maxTokenLifetimeSeconds,
  };
  if (resolved.spacectlVersion !== undefined) options.spacectlVersion = resolved.spacectlVersion;
  if (resolved.spacectlSha256 !== undefined) options.spacectlSha256 = resolved.spacectlSha256;
  return options;
}

/** The active generation's kids and secret names, as the workflow and the `activeKeys` output give them. */
export function activeKeysFor(plan: RepositoryPlan, owner: string, repository: string): SignedRunsActiveKeys {
  const active = plan.generations.find((g) => g.active)!;
  return {
    proposed: { kid: proposedKeyId(owner, repository, active.generation), secretName: active.proposedSecretName },
    tracked: plan.trackedBranches.map((tracked) => ({
      branch: tracked.branch,
      environment: tracked.environment,
      kid: trackedKeyId(owner, repository, tracked.branch, active.generation),
      secretName: active.trackedSecretName,
      stacks: [...tracked.stacks],
    })),
  };
}

function workflowSigning(plan: RepositoryPlan, owner: string, repository: string): WorkflowSigning {
  const active = activeKeysFor(plan, owner, repository);
  return {
    algorithm: plan.algorithm,
    proposed: active.proposed,
    tracked: active.tracked.map(({ branch, environment, kid, secretName }) => ({
      branch,
      environment,
      kid,
      secretName,
    })),
  };
}

/** Every listed generation's keys as the policy trusts them: the proposed key for PROPOSED runs of every stack, each tracked key for TRACKED and TASK runs of its branch's stacks. */
export function trustedKeysFor(
  plan: RepositoryPlan,
  owner: string,
  repository: string,
  material: (generation: string, branch?: string) => string,
): TrustedKey[] {
  const key = (kid: string, publicValue: string, stacks: string[], runTypes: readonly RunType[]): TrustedKey =>
    plan.algorithm === "HS256"
      ? { kid, algorithm: "HS256", secret: publicValue, stacks: [...stacks], runTypes: [...runTypes] }
      : { kid, algorithm: "ES256", publicKeyPem: publicValue, stacks: [...stacks], runTypes: [...runTypes] };
  const allStacks = plan.stacks.map((stack) => stack.id);
  return plan.generations.flatMap(({ generation }) => [
    key(proposedKeyId(owner, repository, generation), material(generation), allStacks, PROPOSED_RUN_TYPES),
    ...plan.trackedBranches.map((tracked) =>
      key(
        trackedKeyId(owner, repository, tracked.branch, generation),
        material(generation, tracked.branch),
        tracked.stacks,
        TRACKED_RUN_TYPES,
      ),
    ),
  ]);
}

/** A Pulumi resource name from a workflow path: its file name without the extension. */
export function workflowResourceSuffix(path: string): string {
  const base = path.split("/").pop() ?? path;
  return base.replace(/\.ya?ml$/, "").replace(/[^A-Za-z0-9_.-]/g, "-");
}

/**
 * One repository's side of signed runs: the push policy and its attachment to
 * every stack, the stacks it creates, per key generation a proposed key
 * (repository Actions secret) and a tracked key per tracked branch (environment
 * secret of a GitHub environment that admits only that branch), the workflow
 * files, and the keys a pool must trust.
 */
export class SignedRunsRepository extends pulumi.ComponentResource {
  /** Every generation's keys, proposed and tracked, each with its stacks and runTypes; secret for HS256. */
  declare readonly trustedKeys: pulumi.Output<TrustedKey[]>;
  /** The active generation's kids and secret names (plain). */
  declare readonly activeKeys: pulumi.Output<SignedRunsActiveKeys>;
  /** The active generation's signing keys: HS256 secrets or ES256 PKCS#8 PEMs. Secret. */
  declare readonly signingKeys: pulumi.Output<SignedRunsSigningKeys>;
  /** The workflow files exactly as committed, one per stack; no file holds a secret. */
  declare readonly workflowFiles: pulumi.Output<WorkflowFile[]>;
  /** The push policy's id, created or given. */
  declare readonly pushPolicyId: pulumi.Output<string>;
  /** The stacks' ids, in the order of `stacks`, created ones included. */
  declare readonly stackIds: pulumi.Output<string[]>;

  constructor(name: string, args: SignedRunsRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = planRepository(args);
    super(SIGNED_RUNS_REPOSITORY_TYPE, name, {}, opts);
    const parent = { parent: this };

    const owner = parsedWhenResolved(this, schema.github.shape.owner, "github.owner", args.github.owner);
    const repository = parsedWhenResolved(
      this,
      schema.github.shape.repository,
      "github.repository",
      args.github.repository,
    );

    const pushPolicyId = declarePushPolicy(name, args, parent);
    const stackIds = declareStacks(name, args, plan, repository, pushPolicyId, parent);
    const environments = declareTrackedEnvironments(name, plan, repository, parent);
    const keys = declareSigningKeys(name, plan, repository, environments, parent);
    declareApiKeySecrets(name, args, repository, parent);
    const workflowFiles = declareWorkflowFiles(this, name, args, plan, owner, repository);

    const trustedKeys = pulumi
      .all([owner, repository, pulumi.all(keys.map((k) => k.material.publicValue))])
      .apply(([o, r, publicValues]) =>
        trustedKeysFor(
          plan,
          o,
          r,
          (generation, branch) =>
            publicValues[keys.findIndex((k) => k.generation === generation && k.branch === branch)],
        ),
      );
    const active = plan.generations.find((g) => g.active)!.generation;
    const activeMaterial = keys.filter((k) => k.generation === active);
    this.trustedKeys = plan.algorithm === "HS256" ? pulumi.secret(trustedKeys) : trustedKeys;
    // From the names alone, so the kids stay plain even when the keys are secret.
    this.activeKeys = pulumi.all([owner, repository]).apply(([o, r]) => activeKeysFor(plan, o, r));
    this.signingKeys = pulumi.secret(
      pulumi.all(activeMaterial.map((k) => k.material.privateValue)).apply((values) => ({
        proposed: values[activeMaterial.findIndex((k) => k.branch === undefined)],
        tracked: Object.fromEntries(
          activeMaterial.flatMap((k, index) => (k.branch === undefined ? [] : [[k.branch, values[index]]])),
        ),
      })),
    );
    this.workflowFiles = workflowFiles;
    this.pushPolicyId = pushPolicyId;
    this.stackIds = pulumi.all(stackIds);
    this.registerOutputs({
      trustedKeys: this.trustedKeys,
      activeKeys: this.activeKeys,
      signingKeys: this.signingKeys,
      workflowFiles: this.workflowFiles,
      pushPolicyId: this.pushPolicyId,
      stackIds: this.stackIds,
    });
  }

  /** @deprecated Removed: a repository now has several keys. Reading it throws; use `trustedKeys`, or `activeKeys` for the kids. */
  get trustedKey(): never {
    throw new SignedRunsInputError(
      "trustedKey",
      "is no longer an output: each generation has a proposed key and a tracked key per tracked branch",
      "use trustedKeys (every key, with runTypes) or activeKeys (the active kids)",
    );
  }

  /** @deprecated Removed: reading it throws; use `signingKeys` ({ proposed, tracked: { [branch]: key } }). */
  get signingKey(): never {
    throw new SignedRunsInputError(
      "signingKey",
      "is no longer an output: the workflow signs with a proposed key and a tracked key per tracked branch",
      "use signingKeys.proposed or signingKeys.tracked[branch]",
    );
  }
}

/** The push policy: the one given, or a GIT_PUSH policy that ignores every push. */
function declarePushPolicy(
  name: string,
  args: SignedRunsRepositoryArgs,
  parent: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  const selection = args.pushPolicy ?? {};
  if ("id" in selection && selection.id !== undefined) return pulumi.output(selection.id);
  const settings = selection as Exclude<typeof selection, { id: unknown }>;
  return new Policy(
    `${name}-push-policy`,
    {
      name: settings.name ?? `${name}: ignore pushes (signed runs)`,
      body: renderPushPolicy(),
      type: "GIT_PUSH",
      labels: settings.labels,
      spaceId: settings.spaceId,
      engineType: settings.engineType,
    },
    parent,
  ).id;
}

/** Stacks: existing ones by id, or created on the pool; the push policy on each. */
function declareStacks(
  name: string,
  args: SignedRunsRepositoryArgs,
  plan: RepositoryPlan,
  repository: pulumi.Input<string>,
  pushPolicyId: pulumi.Output<string>,
  parent: pulumi.CustomResourceOptions,
): pulumi.Output<string>[] {
  return plan.stacks.map((stack) => {
    let stackId: pulumi.Output<string>;
    if (stack.create !== undefined) {
      const create = stack.create;
      const vendor = create.vendor;
      stackId = new Stack(
        `${name}-stack-${stack.id}`,
        {
          slug: stack.id,
          name: create.name ?? stack.id,
          repository,
          branch: stack.branch ?? plan.defaultBranch,
          projectRoot: stack.projectRoot,
          additionalProjectGlobs: stack.additionalProjectGlobs,
          workerPoolId: args.workerPoolId,
          spaceId: create.spaceId,
          labels: create.labels,
          description: create.description,
          administrative: create.administrative,
          autodeploy: create.autodeploy,
          runnerImage: create.runnerImage,
          protectFromDeletion: create.protectFromDeletion,
          pulumi: vendor !== undefined && "pulumi" in vendor ? vendor.pulumi : undefined,
          terraformWorkflowTool:
            vendor !== undefined && "terraform" in vendor ? vendor.terraform.workflowTool : undefined,
          terraformVersion: vendor !== undefined && "terraform" in vendor ? vendor.terraform.version : undefined,
          terraformWorkspace: vendor !== undefined && "terraform" in vendor ? vendor.terraform.workspace : undefined,
        },
        parent,
      ).id;
    } else {
      stackId = pulumi.output(stack.id);
    }
    new PolicyAttachment(`${name}-push-policy-${stack.id}`, { policyId: pushPolicyId, stackId }, parent);
    return stackId;
  });
}

/**
 * Per tracked branch, a GitHub environment whose deployment branch policy admits
 * exactly that branch (custom branch policies with one branch-name policy;
 * protected branches off, since any protected branch would then be admitted).
 * Administrators cannot bypass it. Returns each environment's name as an
 * Output, so the secrets written into it wait for it.
 */
function declareTrackedEnvironments(
  name: string,
  plan: RepositoryPlan,
  repository: pulumi.Input<string>,
  parent: pulumi.CustomResourceOptions,
): Map<string, pulumi.Output<string>> {
  const environments = new Map<string, pulumi.Output<string>>();
  for (const tracked of plan.trackedBranches) {
    const environment = new github.RepositoryEnvironment(
      `${name}-environment-${tracked.resourceSuffix}`,
      {
        repository,
        environment: tracked.environment,
        deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
        canAdminsBypass: false,
        ...(plan.reviewers !== undefined
          ? { reviewers: [{ users: plan.reviewers.users, teams: plan.reviewers.teams }], preventSelfReview: true }
          : {}),
      },
      parent,
    );
    new github.RepositoryEnvironmentDeploymentPolicy(
      `${name}-environment-branch-${tracked.resourceSuffix}`,
      {
        repository,
        environment: environment.environment,
        branchPattern: tracked.branch,
      },
      parent,
    );
    environments.set(tracked.branch, environment.environment);
  }
  return environments;
}

interface DeclaredKey {
  generation: string;
  /** The tracked branch; undefined for the proposed key. */
  branch?: string;
  material: SigningKeyMaterial;
}

/** Per generation: the proposed key in a repository secret, and a tracked key per tracked branch in that branch's environment. */
function declareSigningKeys(
  name: string,
  plan: RepositoryPlan,
  repository: pulumi.Input<string>,
  environments: Map<string, pulumi.Output<string>>,
  parent: pulumi.CustomResourceOptions,
): DeclaredKey[] {
  return plan.generations.flatMap((generation) => {
    const proposed = signingKeyFor(`${name}-proposed-key-${generation.generation}`, plan.algorithm, parent);
    new github.ActionsSecret(
      `${name}-proposed-key-secret-${generation.generation}`,
      {
        repository,
        secretName: generation.proposedSecretName,
        value: proposed.privateValue,
      },
      parent,
    );
    const tracked = plan.trackedBranches.map((branch): DeclaredKey => {
      const suffix = `${generation.generation}-${branch.resourceSuffix}`;
      const material = signingKeyFor(`${name}-tracked-key-${suffix}`, plan.algorithm, parent);
      new github.ActionsEnvironmentSecret(
        `${name}-tracked-key-secret-${suffix}`,
        {
          repository,
          environment: environments.get(branch.branch)!,
          secretName: generation.trackedSecretName,
          value: material.privateValue,
        },
        parent,
      );
      return { generation: generation.generation, branch: branch.branch, material };
    });
    return [{ generation: generation.generation, material: proposed }, ...tracked];
  });
}

/** Spacelift credentials for the workflow, in secret-key mode only. */
function declareApiKeySecrets(
  name: string,
  args: SignedRunsRepositoryArgs,
  repository: pulumi.Input<string>,
  parent: pulumi.CustomResourceOptions,
): void {
  const apiKey = args.spacelift.apiKey as SignedRunsApiKeyArgs | undefined;
  if (apiKey === undefined || "oidc" in apiKey) return;
  new github.ActionsSecret(
    `${name}-spacelift-api-key-id`,
    { repository, secretName: API_KEY_ID_SECRET_NAME, value: pulumi.secret(apiKey.id) },
    parent,
  );
  new github.ActionsSecret(
    `${name}-spacelift-api-key-secret`,
    { repository, secretName: API_KEY_SECRET_SECRET_NAME, value: pulumi.secret(apiKey.secret) },
    parent,
  );
}

/** Workflow files: the paths were fixed by the dry render; the contents need resolved values. */
function declareWorkflowFiles(
  component: pulumi.ComponentResource,
  name: string,
  args: SignedRunsRepositoryArgs,
  plan: RepositoryPlan,
  owner: pulumi.Input<string>,
  repository: pulumi.Input<string>,
): pulumi.Output<WorkflowFile[]> {
  const parent = { parent: component };
  const apiKey = args.spacelift.apiKey as SignedRunsApiKeyArgs | undefined;
  const endpoint = pulumi
    .output(
      parsedWhenResolved(component, schema.spacelift.shape.endpoint, "spacelift.endpoint", args.spacelift.endpoint),
    )
    .apply(normalizeEndpoint);
  const oidc = apiKey !== undefined && "oidc" in apiKey ? apiKey.oidc : undefined;
  const oidcApiKeyId =
    oidc === undefined
      ? undefined
      : parsedWhenResolved(
          component,
          schema.oidcApiKey.shape.oidc.shape.apiKeyId,
          "spacelift.apiKey.oidc.apiKeyId",
          oidc.apiKeyId,
        );
  const workflowFiles = pulumi.all([owner, repository, endpoint, oidcApiKeyId]).apply(([o, r, e, keyId]) => {
    const files = inputErrorsOf(component, () =>
      renderWorkflowsFor(plan, {
        owner: o,
        repository: r,
        endpoint: e,
        oidcApiKeyId: keyId,
        oidcAudience: oidc?.audience,
        spacectlVersion: args.workflow?.spacectlVersion,
        spacectlSha256: args.workflow?.spacectlSha256,
      }),
    );
    const paths = files.map((f) => f.path);
    if (JSON.stringify(paths) !== JSON.stringify(plan.workflowPaths)) {
      throw new Error(
        `internal error: workflow file paths ${JSON.stringify(paths)} differ from the planned ${JSON.stringify(plan.workflowPaths)}`,
      );
    }
    return files;
  });
  const workflowBranch = parsedWhenResolved(
    component,
    schema.workflow.shape.branch,
    "workflow.branch",
    args.workflow?.branch ?? plan.defaultBranch,
  );
  plan.workflowPaths.forEach((path, index) => {
    new github.RepositoryFile(
      `${name}-workflow-${workflowResourceSuffix(path)}`,
      {
        repository,
        file: path,
        content: workflowFiles.apply((files) => files[index].content),
        branch: workflowBranch,
        commitMessage: args.workflow?.commitMessage ?? DEFAULT_WORKFLOW_COMMIT_MESSAGE,
        overwriteOnCreate: true,
      },
      parent,
    );
  });
  return workflowFiles;
}

interface SigningKeyMaterial {
  /** What GitHub signs with: the HS256 secret or the ES256 PKCS#8 PEM. Secret. */
  privateValue: pulumi.Output<string>;
  /** What the policy embeds: the HS256 secret (secret) or the ES256 SPKI PEM. */
  publicValue: pulumi.Output<string>;
}

function signingKeyFor(
  resourceName: string,
  algorithm: SigningAlgorithm,
  opts: pulumi.CustomResourceOptions,
): SigningKeyMaterial {
  if (algorithm === "HS256") {
    const password = new random.RandomPassword(resourceName, { length: HS256_SECRET_LENGTH, special: false }, opts);
    const secret = pulumi.secret(password.result);
    return { privateValue: secret, publicValue: secret };
  }
  const key = new tls.PrivateKey(resourceName, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
  return { privateValue: pulumi.secret(key.privateKeyPemPkcs8), publicValue: key.publicKeyPem };
}

function plainOr(value: pulumi.Input<string> | undefined, placeholder: string): string {
  return value === undefined || isOutputLike(value) ? placeholder : (value as string);
}
