import * as pulumi from "@pulumi/pulumi";
import type { TrustedKey } from "./initializationPolicy";
import { SignedRunsInputError, quoteValue } from "./inputError";
import type { LauncherEnvironment, SignedRunsArgs, SignedRunsOutputs } from "./signedRunsArgs";
import { SignedRunsRepository, planRepository } from "./signedRunsRepository";
import { SignedRunsWorkerPool, planWorkerPool } from "./signedRunsWorkerPool";
import type { WorkflowFile } from "./workflows";

export const SIGNED_RUNS_TYPE = "spacelift-signed-runs:index:SignedRuns";

/**
 * The whole signed-run setup for one repository in one resource: a worker pool
 * (or an existing one), a push policy on every stack, the signing keys, the
 * GitHub secrets and workflow, and the launcher's initialization policy.
 * It composes SignedRunsWorkerPool and SignedRunsRepository.
 */
export class SignedRuns extends pulumi.ComponentResource implements SignedRunsOutputs {
  declare readonly initializationPolicy: pulumi.Output<string>;
  declare readonly workerPoolId: pulumi.Output<string>;
  declare readonly pushPolicyId: pulumi.Output<string>;
  declare readonly launcherEnvironment: pulumi.Output<LauncherEnvironment>;
  declare readonly workflowFiles: pulumi.Output<WorkflowFile[]>;
  declare readonly trustedKey: pulumi.Output<TrustedKey>;
  declare readonly trustedKeys: pulumi.Output<TrustedKey[]>;
  declare readonly signingKey: pulumi.Output<string>;
  declare readonly stackIds: pulumi.Output<string[]>;
  declare readonly repository: SignedRunsRepository;
  declare readonly pool: SignedRunsWorkerPool;

  constructor(name: string, args: SignedRunsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every plain value is checked here, before this component or any child is registered.
    planRepository(args, { poolProvided: true });
    planWorkerPool(
      { workerPool: args.workerPool, maxTokenLifetimeSeconds: args.signing?.maxTokenLifetimeSeconds, launcher: args.launcher },
      { lifetime: "signing.maxTokenLifetimeSeconds" },
    );
    const additional = args.signing?.additionalTrustedKeys ?? [];
    if (!Array.isArray(additional)) {
      throw new SignedRunsInputError("signing.additionalTrustedKeys", `${quoteValue(additional)} is not a list`, "pass a list of trusted keys, e.g. [otherRepository.trustedKeys]");
    }
    super(SIGNED_RUNS_TYPE, name, {}, opts);

    // The pool's policy needs the repository's keys and the repository's created stacks need the pool's id:
    // the keys are handed over through a deferred output once the repository exists.
    const [repositoryKeys, setRepositoryKeys] = pulumi.deferredOutput<TrustedKey[]>();
    const pool = new SignedRunsWorkerPool(name, {
      workerPool: args.workerPool,
      trustedKeys: [repositoryKeys, ...additional],
      maxTokenLifetimeSeconds: args.signing?.maxTokenLifetimeSeconds,
      launcher: args.launcher,
    }, { parent: this });
    const { additionalTrustedKeys: _omitted, ...repositorySigning } = args.signing ?? {};
    void _omitted;
    const repository = new SignedRunsRepository(name, {
      github: args.github,
      stacks: args.stacks,
      spacelift: args.spacelift,
      workerPoolId: pool.workerPoolId,
      pushPolicy: args.pushPolicy,
      signing: repositorySigning,
      workflow: args.workflow,
    }, { parent: this });
    setRepositoryKeys(repository.trustedKeys);

    this.pool = pool;
    this.repository = repository;
    this.initializationPolicy = pool.initializationPolicy;
    this.workerPoolId = pool.workerPoolId;
    this.launcherEnvironment = pool.launcherEnvironment;
    this.pushPolicyId = repository.pushPolicyId;
    this.workflowFiles = repository.workflowFiles;
    this.trustedKey = repository.trustedKey;
    this.trustedKeys = repository.trustedKeys;
    this.signingKey = repository.signingKey;
    this.stackIds = repository.stackIds;
    this.registerOutputs({
      initializationPolicy: this.initializationPolicy,
      workerPoolId: this.workerPoolId,
      pushPolicyId: this.pushPolicyId,
      launcherEnvironment: this.launcherEnvironment,
      workflowFiles: this.workflowFiles,
      trustedKey: this.trustedKey,
      trustedKeys: this.trustedKeys,
      signingKey: this.signingKey,
      stackIds: this.stackIds,
    });
  }
}
