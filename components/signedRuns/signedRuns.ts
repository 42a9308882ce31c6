import * as pulumi from "@pulumi/pulumi";
import type { TrustedKey } from "../policy/initializationPolicy";
import type {
  LauncherEnvironment,
  SignedRunsActiveKeys,
  SignedRunsArgs,
  SignedRunsOutputs,
  SignedRunsSigningKeys,
  SignedRunsWorkerPoolArgs,
} from "./args";
import * as schema from "../schema/component";
import { parseInput } from "../schema/problems";
import { DEFAULT_ISSUER } from "../runToken/contract";
import { SignedRunsRepository, planRepository } from "./signedRunsRepository";
import { PARSED, SignedRunsWorkerPool, planWorkerPool, type PoolGrant } from "./signedRunsWorkerPool";
import type { WorkflowFile } from "../workflow/renderWorkflows";

export const SIGNED_RUNS_TYPE = "spacelift-signed-runs:index:SignedRuns";

/**
 * The whole signed-run setup for one repository in one resource: a worker pool
 * (or an existing one), a push policy on every stack, the signing keys, the
 * GitHub environments, secrets and workflow, and the launcher's initialization
 * policy. It composes SignedRunsWorkerPool and SignedRunsRepository, and grants
 * the repository its own stacks.
 */
export class SignedRuns extends pulumi.ComponentResource implements SignedRunsOutputs {
  declare readonly initializationPolicy: pulumi.Output<string>;
  declare readonly workerPoolId: pulumi.Output<string>;
  declare readonly pushPolicyId: pulumi.Output<string>;
  declare readonly launcherEnvironment: pulumi.Output<LauncherEnvironment>;
  declare readonly workflowFiles: pulumi.Output<WorkflowFile[]>;
  declare readonly trustedKeys: pulumi.Output<TrustedKey[]>;
  declare readonly activeKeys: pulumi.Output<SignedRunsActiveKeys>;
  declare readonly signingKeys: pulumi.Output<SignedRunsSigningKeys>;
  declare readonly stackIds: pulumi.Output<string[]>;
  /** The repository's side (stacks, keys, GitHub environments, secrets and workflows), a child component. */
  declare readonly repository: SignedRunsRepository;
  /** The pool's side (worker pool, initialization policy, launcher environment), a child component. */
  declare readonly pool: SignedRunsWorkerPool;

  constructor(name: string, args: SignedRunsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every plain value is parsed here, before this component or any child is registered.
    parseInput(schema.signedRunsArgs, args, "", "args");
    planRepository(args, { poolProvided: true, parsed: true });
    // launcher.kubernetes is checked now too: the pool, which uses it, is registered only after this component.
    planWorkerPool({ workerPool: args.workerPool, launcher: args.launcher }, name);
    const [repositoryKeys, setRepositoryKeys] = pulumi.deferredOutput<TrustedKey[]>();
    const ownGrant: PoolGrant = {
      repository: pulumi
        .all([args.github.owner, args.github.repository])
        .apply(([owner, repository]) => `${owner}/${repository}`),
      stacks: args.stacks.map((stack) => stack.id),
      trustedKeys: repositoryKeys,
    };
    const grants = [ownGrant, ...(args.additionalRepositories ?? [])];
    super(SIGNED_RUNS_TYPE, name, {}, opts);

    // The pool's policy needs the repository's keys and the repository's created stacks need the pool's id:
    // the keys are handed over through a deferred output once the repository exists.
    const pool = new SignedRunsWorkerPool(
      name,
      {
        workerPool: args.workerPool,
        // The own grant's repository may still be an Output; the pool resolves every grant before rendering.
        repositories: grants as unknown as SignedRunsWorkerPoolArgs["repositories"],
        maxTokenLifetimeSeconds: args.signing?.maxTokenLifetimeSeconds,
        // The generated workflow writes this issuer; tokens from anything else are not this repository's CI.
        issuer: DEFAULT_ISSUER,
        launcher: args.launcher,
        [PARSED]: true,
      } as SignedRunsWorkerPoolArgs,
      { parent: this },
    );
    const repository = new SignedRunsRepository(
      name,
      {
        github: args.github,
        stacks: args.stacks,
        spacelift: args.spacelift,
        workerPoolId: pool.workerPoolId,
        pushPolicy: args.pushPolicy,
        signing: args.signing,
        workflow: args.workflow,
      },
      { parent: this },
    );
    setRepositoryKeys(repository.trustedKeys);

    this.pool = pool;
    this.repository = repository;
    this.initializationPolicy = pool.initializationPolicy;
    this.workerPoolId = pool.workerPoolId;
    this.launcherEnvironment = pool.launcherEnvironment;
    this.pushPolicyId = repository.pushPolicyId;
    this.workflowFiles = repository.workflowFiles;
    this.trustedKeys = repository.trustedKeys;
    this.activeKeys = repository.activeKeys;
    this.signingKeys = repository.signingKeys;
    this.stackIds = repository.stackIds;
    this.registerOutputs({
      initializationPolicy: this.initializationPolicy,
      workerPoolId: this.workerPoolId,
      pushPolicyId: this.pushPolicyId,
      launcherEnvironment: this.launcherEnvironment,
      workflowFiles: this.workflowFiles,
      trustedKeys: this.trustedKeys,
      activeKeys: this.activeKeys,
      signingKeys: this.signingKeys,
      stackIds: this.stackIds,
    });
  }

  /** @deprecated Removed: reading it throws; use `trustedKeys`, or `activeKeys` for the kids. */
  get trustedKey(): never {
    return this.repository.trustedKey;
  }

  /** @deprecated Removed: reading it throws; use `signingKeys`. */
  get signingKey(): never {
    return this.repository.signingKey;
  }
}
