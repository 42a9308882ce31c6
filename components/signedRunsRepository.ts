import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import type { TrustedKey } from "./initializationPolicy";
import { SignedRunsInputError } from "./inputError";
import { deriveKeyId, planKeyGenerations, type KeyGenerationPlan } from "./keyGenerations";
import { renderPushPolicy } from "./pushPolicy";
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, RUN_TYPES, type RunType, type SigningAlgorithm } from "./runTokenContract";
import type { SignedRunsApiKeyArgs, SignedRunsRepositoryArgs, SignedRunsStackArgs } from "./signedRunsArgs";
import {
  assertAlgorithm,
  assertApiKeyId,
  assertApiKeyShape,
  assertBranchName,
  assertGithubOwner,
  assertGithubRepositoryName,
  assertSelection,
  assertTokenLifetime,
  checkInput,
  inputErrorsOf,
  normalizeEndpoint,
  validateStacks,
} from "./signedRunsValidation";
import { Policy } from "./spacelift/policy";
import { PolicyAttachment } from "./spacelift/policyAttachment";
import { Stack } from "./spacelift/stack";
import { renderWorkflows, type SpaceliftAuth, type WorkflowFile, type WorkflowOptions, type WorkflowSigning } from "./workflows"; // interim: issue 8 component step (WorkflowSigning)

export const SIGNED_RUNS_REPOSITORY_TYPE = "spacelift-signed-runs:index:SignedRunsRepository";
/** Length of a generated HS256 secret: 64 alphanumerics, about 380 bits. */
export const HS256_SECRET_LENGTH = 64;
export const DEFAULT_WORKFLOW_COMMIT_MESSAGE = "Add Spacelift signed-run workflow (managed by Pulumi)";
export const DEFAULT_REPOSITORY_BRANCH = "main";
/** The GitHub secrets the workflow reads in secret-key mode. */
export const API_KEY_ID_SECRET_NAME = "SPACELIFT_API_KEY_ID";
export const API_KEY_SECRET_SECRET_NAME = "SPACELIFT_API_KEY_SECRET";

export const PUSH_POLICY_CREATE_KEYS = ["name", "labels", "spaceId", "engineType"] as const;

/** What the constructor decides from plain values alone, before any resource exists. */
export interface RepositoryPlan {
  algorithm: SigningAlgorithm;
  generations: KeyGenerationPlan[];
  maxTokenLifetimeSeconds: number;
  stacks: SignedRunsStackArgs[];
  authMode: "apiKey" | "oidc" | "external";
  /** The workflow files' paths; they depend on the stacks only, so a render with placeholders for Output values fixes them. */
  workflowPaths: string[];
}

/**
 * Validates every plain value of SignedRunsRepositoryArgs; throws SignedRunsInputError.
 * `poolProvided`: a caller (SignedRuns) supplies the pool id later, so created stacks need no `workerPoolId` here.
 */
export function planRepository(args: SignedRunsRepositoryArgs, options: { poolProvided?: boolean } = {}): RepositoryPlan {
  if (typeof args !== "object" || args === null) throw new SignedRunsInputError("args", "are missing", "pass the component arguments");
  if (typeof args.github !== "object" || args.github === null) {
    throw new SignedRunsInputError("github", "is missing", "give { owner, repository } of the GitHub repository whose CI signs the runs");
  }
  if (!isOutputLike(args.github.owner)) assertGithubOwner("github.owner", args.github.owner);
  if (!isOutputLike(args.github.repository)) assertGithubRepositoryName("github.repository", args.github.repository);
  if (args.github.branch !== undefined && !isOutputLike(args.github.branch)) assertBranchName("github.branch", args.github.branch);
  validateStacks(args.stacks);
  if (typeof args.spacelift !== "object" || args.spacelift === null) {
    throw new SignedRunsInputError("spacelift", "is missing", "give { endpoint: \"https://<account>.app.spacelift.io\" }");
  }
  if (!isOutputLike(args.spacelift.endpoint)) normalizeEndpoint("spacelift.endpoint", args.spacelift.endpoint);
  assertApiKeyShape("spacelift.apiKey", args.spacelift.apiKey);
  const apiKey = args.spacelift.apiKey;
  if (apiKey !== undefined && "oidc" in apiKey && !isOutputLike(apiKey.oidc.apiKeyId)) assertApiKeyId("spacelift.apiKey.oidc.apiKeyId", apiKey.oidc.apiKeyId);
  assertSelection("pushPolicy", args.pushPolicy, PUSH_POLICY_CREATE_KEYS);
  const pushPolicy = args.pushPolicy as { engineType?: unknown } | undefined;
  if (pushPolicy?.engineType !== undefined && pushPolicy.engineType !== "REGO_V0" && pushPolicy.engineType !== "REGO_V1") {
    throw new SignedRunsInputError("pushPolicy.engineType", `${JSON.stringify(pushPolicy.engineType)} is not a policy engine`, "use \"REGO_V1\" or \"REGO_V0\", or leave it out for the provider's default");
  }
  const created = args.stacks.findIndex((stack) => stack.create !== undefined);
  if (created >= 0 && args.workerPoolId === undefined && !options.poolProvided) {
    throw new SignedRunsInputError(`stacks[${created}].create`, "needs a worker pool for the stack it creates", "pass workerPoolId (e.g. a SignedRunsWorkerPool's workerPoolId), or use SignedRuns, which creates the pool");
  }
  const signing = args.signing ?? {};
  const algorithm = signing.algorithm ?? "HS256";
  assertAlgorithm("signing.algorithm", algorithm);
  const maxTokenLifetimeSeconds = signing.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  assertTokenLifetime("signing.maxTokenLifetimeSeconds", maxTokenLifetimeSeconds);
  const generations = planKeyGenerations(signing);
  if (args.workflow?.branch !== undefined && !isOutputLike(args.workflow.branch)) assertBranchName("workflow.branch", args.workflow.branch);
  const authMode = apiKey === undefined ? "external" : "oidc" in apiKey ? "oidc" : "apiKey";
  const plan = { algorithm, generations, maxTokenLifetimeSeconds, stacks: args.stacks, authMode, workflowPaths: [] as string[] } satisfies RepositoryPlan;
  // The workflow generator's own checks run here too, so they also fail before any resource exists.
  plan.workflowPaths = renderWorkflowsFor(plan, {
    owner: plainOr(args.github.owner, "owner"),
    repository: plainOr(args.github.repository, "repository"),
    defaultBranch: plainOr(args.github.branch, DEFAULT_REPOSITORY_BRANCH),
    endpoint: isOutputLike(args.spacelift.endpoint) ? "https://placeholder.app.spacelift.io" : normalizeEndpoint("spacelift.endpoint", args.spacelift.endpoint),
    oidcApiKeyId: "placeholder",
    oidcAudience: apiKey !== undefined && "oidc" in apiKey ? apiKey.oidc.audience : undefined,
    spacectlVersion: args.workflow?.spacectlVersion,
    spacectlSha256: args.workflow?.spacectlSha256,
  }).map((file) => file.path);
  return plan;
}

/** The workflow generator's fields, named as the component's arguments name them. */
const WORKFLOW_FIELDS: Array<[RegExp, string]> = [
  [/^spacectlVersion$/, "workflow.spacectlVersion"],
  [/^spacectlSha256$/, "workflow.spacectlSha256"],
  [/^maxTokenLifetimeSeconds$/, "signing.maxTokenLifetimeSeconds"],
  [/^spacelift\.auth/, "spacelift.apiKey"],
];

/** renderWorkflows for resolved values; its input errors are re-labelled with the component's field names. */
export function renderWorkflowsFor(plan: RepositoryPlan, resolved: Parameters<typeof workflowOptionsFor>[1]): WorkflowFile[] {
  const active = plan.generations.find((g) => g.active)!;
  try {
    return renderWorkflows(workflowOptionsFor(plan, resolved, active.secretName));
  } catch (error) {
    if (!(error instanceof SignedRunsInputError)) throw error;
    const mapped = WORKFLOW_FIELDS.find(([pattern]) => pattern.test(error.field));
    if (mapped === undefined) throw error;
    throw new SignedRunsInputError(error.field.replace(mapped[0], mapped[1]), error.problem, error.fix);
  }
}

export function isOutputLike(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** The workflow options for resolved values; shared by the dry render (file paths) and the real one. */
export function workflowOptionsFor(
  plan: RepositoryPlan,
  resolved: { owner: string; repository: string; defaultBranch: string; endpoint: string; oidcApiKeyId?: string; oidcAudience?: string; spacectlVersion?: string; spacectlSha256?: string },
  activeSecretName: string,
): WorkflowOptions {
  const active = plan.generations.find((g) => g.active)!;
  const auth: SpaceliftAuth =
    plan.authMode === "oidc"
      ? { type: "oidc", apiKeyId: resolved.oidcApiKeyId!, ...(resolved.oidcAudience !== undefined ? { audience: resolved.oidcAudience } : {}) }
      : { type: "apiKey" };
  const options: WorkflowOptions = {
    stacks: plan.stacks.map((stack) => ({
      id: stack.id,
      branch: stack.branch ?? resolved.defaultBranch,
      ...(stack.projectRoot !== undefined ? { projectRoot: stack.projectRoot } : {}),
      ...(stack.additionalProjectGlobs !== undefined ? { additionalProjectGlobs: [...stack.additionalProjectGlobs] } : {}),
    })),
    signing: interimSigning(plan, resolved.defaultBranch, deriveKeyId(resolved.owner, resolved.repository, active.generation), activeSecretName),
    spacelift: { endpoint: resolved.endpoint, auth },
    maxTokenLifetimeSeconds: plan.maxTokenLifetimeSeconds,
  };
  if (resolved.spacectlVersion !== undefined) options.spacectlVersion = resolved.spacectlVersion;
  if (resolved.spacectlSha256 !== undefined) options.spacectlSha256 = resolved.spacectlSha256;
  return options;
}

/**
 * interim: issue 8 component step. The component still makes one key per generation,
 * in one repository secret, so that key is named as both the proposed key and every
 * tracked branch's key, and each tracked branch gets an environment named
 * `spacelift-<branch>` that the component does not create yet (GitHub creates it
 * empty on first use, and the tracked job then reads the repository secret of the
 * same name). The component redesign gives each its own key, environment and secret.
 */
function interimSigning(plan: RepositoryPlan, defaultBranch: string, kid: string, secretName: string): WorkflowSigning {
  const branches = [...new Set(plan.stacks.map((stack) => stack.branch ?? defaultBranch))];
  return {
    algorithm: plan.algorithm,
    proposed: { kid, secretName },
    tracked: branches.map((branch) => ({ branch, environment: `spacelift-${branch.replace(/[^A-Za-z0-9._/-]/g, "-")}`.slice(0, 255), kid, secretName })),
  };
}

/** A Pulumi resource name from a workflow path: its file name without the extension. */
export function workflowResourceSuffix(path: string): string {
  const base = path.split("/").pop() ?? path;
  return base.replace(/\.ya?ml$/, "").replace(/[^A-Za-z0-9_.-]/g, "-");
}

/**
 * One repository's side of signed runs: the push policy and its attachment to
 * every stack, the stacks it creates, one signing key per key generation, the
 * GitHub secrets and workflow files, and the keys a pool must trust.
 */
export class SignedRunsRepository extends pulumi.ComponentResource {
  /** Every generation's key limited to this repository's stacks; secret for HS256. */
  declare readonly trustedKeys: pulumi.Output<TrustedKey[]>;
  /** The active generation's key; secret for HS256. */
  declare readonly trustedKey: pulumi.Output<TrustedKey>;
  /** The active signing key: the HS256 secret or the ES256 PKCS#8 PEM. Secret. */
  declare readonly signingKey: pulumi.Output<string>;
  declare readonly activeKeyId: pulumi.Output<string>;
  declare readonly workflowFiles: pulumi.Output<WorkflowFile[]>;
  declare readonly pushPolicyId: pulumi.Output<string>;
  declare readonly stackIds: pulumi.Output<string[]>;

  constructor(name: string, args: SignedRunsRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = planRepository(args);
    const dryWorkflowPaths = plan.workflowPaths;
    super(SIGNED_RUNS_REPOSITORY_TYPE, name, {}, opts);
    const parent = { parent: this };

    const owner = checkInput(args.github.owner, (v) => assertGithubOwner("github.owner", v), this);
    const repository = checkInput(args.github.repository, (v) => assertGithubRepositoryName("github.repository", v), this);
    const defaultBranch = checkInput(args.github.branch ?? DEFAULT_REPOSITORY_BRANCH, (v) => assertBranchName("github.branch", v), this);
    const endpoint = pulumi.output(args.spacelift.endpoint).apply((v) => inputErrorsOf(this, () => normalizeEndpoint("spacelift.endpoint", v)));

    // Push policy: the one given, or a GIT_PUSH policy that ignores every push.
    const pushPolicySelection = args.pushPolicy ?? {};
    let pushPolicyId: pulumi.Output<string>;
    if ("id" in pushPolicySelection && pushPolicySelection.id !== undefined) {
      pushPolicyId = pulumi.output(pushPolicySelection.id);
    } else {
      const settings = pushPolicySelection as Exclude<typeof pushPolicySelection, { id: unknown }>;
      const policy = new Policy(`${name}-push-policy`, {
        name: settings.name ?? `${name}: ignore pushes (signed runs)`,
        body: renderPushPolicy(),
        type: "GIT_PUSH",
        labels: settings.labels,
        spaceId: settings.spaceId,
        engineType: settings.engineType,
      }, parent);
      pushPolicyId = policy.id;
    }

    // Stacks: existing ones by id, or created on the pool; the push policy on each.
    const stackIds: pulumi.Output<string>[] = [];
    for (const stack of plan.stacks) {
      let stackId: pulumi.Output<string>;
      if (stack.create !== undefined) {
        const create = stack.create;
        const vendor = create.vendor;
        const created = new Stack(`${name}-stack-${stack.id}`, {
          slug: stack.id,
          name: create.name ?? stack.id,
          repository,
          branch: stack.branch ?? defaultBranch,
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
          terraformWorkflowTool: vendor !== undefined && "terraform" in vendor ? vendor.terraform.workflowTool : undefined,
          terraformVersion: vendor !== undefined && "terraform" in vendor ? vendor.terraform.version : undefined,
          terraformWorkspace: vendor !== undefined && "terraform" in vendor ? vendor.terraform.workspace : undefined,
        }, parent);
        stackId = created.id;
      } else {
        stackId = pulumi.output(stack.id);
      }
      new PolicyAttachment(`${name}-push-policy-${stack.id}`, { policyId: pushPolicyId, stackId }, parent);
      stackIds.push(stackId);
    }

    // Signing keys: one resource and one GitHub secret per generation.
    const keyMaterials = plan.generations.map((generation) => {
      const material = signingKeyFor(name, plan.algorithm, generation.generation, parent);
      new github.ActionsSecret(`${name}-signing-key-secret-${generation.generation}`, {
        repository,
        secretName: generation.secretName,
        value: material.privateValue,
      }, parent);
      return material;
    });
    const stackSlugs = plan.stacks.map((stack) => stack.id);
    const trustedKeys = pulumi
      .all([owner, repository, pulumi.all(keyMaterials.map((m) => m.publicValue))])
      .apply(([o, r, publicValues]) =>
        plan.generations.map((generation, index): TrustedKey => {
          const kid = deriveKeyId(o, r, generation.generation);
          // interim: issue 8 component step (one key signs every run type until proposed/tracked keys exist)
          const runTypes: RunType[] = [...RUN_TYPES];
          return plan.algorithm === "HS256"
            ? { kid, algorithm: "HS256", secret: publicValues[index], stacks: [...stackSlugs], runTypes }
            : { kid, algorithm: "ES256", publicKeyPem: publicValues[index], stacks: [...stackSlugs], runTypes };
        }),
      );
    const activeIndex = plan.generations.findIndex((g) => g.active);

    // Spacelift credentials for the workflow, in secret-key mode only.
    const apiKey = args.spacelift.apiKey as SignedRunsApiKeyArgs | undefined;
    if (apiKey !== undefined && !("oidc" in apiKey)) {
      new github.ActionsSecret(`${name}-spacelift-api-key-id`, { repository, secretName: API_KEY_ID_SECRET_NAME, value: pulumi.secret(apiKey.id) }, parent);
      new github.ActionsSecret(`${name}-spacelift-api-key-secret`, { repository, secretName: API_KEY_SECRET_SECRET_NAME, value: pulumi.secret(apiKey.secret) }, parent);
    }

    // Workflow files: the paths were fixed by the dry render; the contents need resolved values.
    const oidc = apiKey !== undefined && "oidc" in apiKey ? apiKey.oidc : undefined;
    const oidcApiKeyId = oidc === undefined ? undefined : checkInput(oidc.apiKeyId, (v) => assertApiKeyId("spacelift.apiKey.oidc.apiKeyId", v), this);
    const workflowFiles = pulumi
      .all([owner, repository, defaultBranch, endpoint, oidcApiKeyId])
      .apply(([o, r, branch, e, keyId]) => {
        const files = inputErrorsOf(this, () => renderWorkflowsFor(plan, { owner: o, repository: r, defaultBranch: branch, endpoint: e, oidcApiKeyId: keyId, oidcAudience: oidc?.audience, spacectlVersion: args.workflow?.spacectlVersion, spacectlSha256: args.workflow?.spacectlSha256 }));
        const paths = files.map((f) => f.path);
        if (JSON.stringify(paths) !== JSON.stringify(dryWorkflowPaths)) {
          throw new Error(`internal error: workflow file paths ${JSON.stringify(paths)} differ from the planned ${JSON.stringify(dryWorkflowPaths)}`);
        }
        return files;
      });
    const workflowBranch = checkInput(args.workflow?.branch ?? defaultBranch, (v) => assertBranchName("workflow.branch", v), this);
    dryWorkflowPaths.forEach((path, index) => {
      new github.RepositoryFile(`${name}-workflow-${workflowResourceSuffix(path)}`, {
        repository,
        file: path,
        content: workflowFiles.apply((files) => files[index].content),
        branch: workflowBranch,
        commitMessage: args.workflow?.commitMessage ?? DEFAULT_WORKFLOW_COMMIT_MESSAGE,
        overwriteOnCreate: true,
      }, parent);
    });

    const hmac = plan.algorithm === "HS256";
    this.trustedKeys = hmac ? pulumi.secret(trustedKeys) : trustedKeys;
    this.trustedKey = this.trustedKeys.apply((keys) => keys[activeIndex]);
    // From the names alone, so the kid stays a plain output even when the keys are secret.
    this.activeKeyId = pulumi.all([owner, repository]).apply(([o, r]) => deriveKeyId(o, r, plan.generations[activeIndex].generation));
    this.signingKey = pulumi.secret(keyMaterials[activeIndex].privateValue);
    this.workflowFiles = workflowFiles;
    this.pushPolicyId = pushPolicyId;
    this.stackIds = pulumi.all(stackIds);
    this.registerOutputs({
      trustedKeys: this.trustedKeys,
      signingKey: this.signingKey,
      activeKeyId: this.activeKeyId,
      workflowFiles: this.workflowFiles,
      pushPolicyId: this.pushPolicyId,
      stackIds: this.stackIds,
    });
  }
}

interface SigningKeyMaterial {
  /** What GitHub signs with: the HS256 secret or the ES256 PKCS#8 PEM. Secret. */
  privateValue: pulumi.Output<string>;
  /** What the policy embeds: the HS256 secret (secret) or the ES256 SPKI PEM. */
  publicValue: pulumi.Output<string>;
}

function signingKeyFor(name: string, algorithm: SigningAlgorithm, generation: string, opts: pulumi.CustomResourceOptions): SigningKeyMaterial {
  if (algorithm === "HS256") {
    const password = new random.RandomPassword(`${name}-signing-key-${generation}`, { length: HS256_SECRET_LENGTH, special: false }, opts);
    const secret = pulumi.secret(password.result);
    return { privateValue: secret, publicValue: secret };
  }
  const key = new tls.PrivateKey(`${name}-signing-key-${generation}`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
  return { privateValue: pulumi.secret(key.privateKeyPemPkcs8), publicValue: key.publicKeyPem };
}

function plainOr(value: pulumi.Input<string> | undefined, placeholder: string): string {
  return value === undefined || isOutputLike(value) ? placeholder : (value as string);
}
