import * as pulumi from "@pulumi/pulumi";
import { renderInitializationPolicy, type TrustedKey } from "./initializationPolicy";
import { SignedRunsInputError, quoteValue } from "./inputError";
import { DEFAULT_LAUNCHER_POLICY_PATH, assertLauncherPolicyPath, buildLauncherEnvironment } from "./launcherEnvironment";
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from "./runTokenContract";
import type { LauncherEnvironment, SignedRunsWorkerPoolArgs, SignedRunsWorkerPoolSelection } from "./signedRunsArgs";
import { assertSelection, assertTokenLifetime, inputErrorsOf } from "./signedRunsValidation";
import { WorkerPool } from "./spacelift/workerPool";

export const SIGNED_RUNS_WORKER_POOL_TYPE = "spacelift-signed-runs:index:SignedRunsWorkerPool";
export const WORKER_POOL_CREATE_KEYS = ["name", "description", "labels", "spaceId"] as const;

export interface WorkerPoolPlan {
  maxTokenLifetimeSeconds: number;
  policyPath: string;
  existingPoolId: pulumi.Input<string> | undefined;
}

/** Validates every plain value of SignedRunsWorkerPoolArgs; throws SignedRunsInputError. */
export function planWorkerPool(args: Omit<SignedRunsWorkerPoolArgs, "trustedKeys">, fields: { lifetime: string } = { lifetime: "maxTokenLifetimeSeconds" }): WorkerPoolPlan {
  assertSelection("workerPool", args.workerPool, WORKER_POOL_CREATE_KEYS);
  const maxTokenLifetimeSeconds = args.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  assertTokenLifetime(fields.lifetime, maxTokenLifetimeSeconds);
  const policyPath = args.launcher?.policyPath ?? DEFAULT_LAUNCHER_POLICY_PATH;
  assertLauncherPolicyPath("launcher.policyPath", policyPath);
  const selection = args.workerPool as { id?: pulumi.Input<string> } | undefined;
  return { maxTokenLifetimeSeconds, policyPath, existingPoolId: selection?.id };
}

/** Flattens the trusted keys of many repositories into the policy's list. */
export function flattenTrustedKeys(groups: readonly (TrustedKey | TrustedKey[] | undefined)[]): TrustedKey[] {
  const keys = groups.flatMap((group) => (group === undefined ? [] : Array.isArray(group) ? group : [group]));
  if (keys.length === 0) {
    throw new SignedRunsInputError("trustedKeys", "holds no key", "pass at least one repository's trustedKeys, e.g. [repository.trustedKeys]");
  }
  return keys;
}

/**
 * One worker pool (created, or an existing one by id), the initialization
 * policy its launchers run, trusting many repositories' keys each for its own
 * stacks only, and the launcher's environment.
 */
export class SignedRunsWorkerPool extends pulumi.ComponentResource {
  declare readonly workerPoolId: pulumi.Output<string>;
  /** The initialization policy text; secret whenever it holds an HS256 key. */
  declare readonly initializationPolicy: pulumi.Output<string>;
  /** Secret. */
  declare readonly launcherEnvironment: pulumi.Output<LauncherEnvironment>;
  /** The created pool, when the component created one. */
  declare readonly workerPool: WorkerPool | undefined;

  constructor(name: string, args: SignedRunsWorkerPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = planWorkerPool(args);
    if (!Array.isArray(args.trustedKeys)) {
      throw new SignedRunsInputError("trustedKeys", `${quoteValue(args.trustedKeys)} is not a list`, "pass a list, e.g. [repository.trustedKeys] or [keyA, keyB]");
    }
    super(SIGNED_RUNS_WORKER_POOL_TYPE, name, {}, opts);

    let poolCredentials: pulumi.Output<{ config?: string; privateKey?: string } | undefined>;
    if (plan.existingPoolId !== undefined) {
      this.workerPoolId = pulumi.output(plan.existingPoolId);
      this.workerPool = undefined;
      poolCredentials = pulumi.output(undefined);
    } else {
      const settings = (args.workerPool ?? {}) as Exclude<SignedRunsWorkerPoolSelection, { id: unknown }>;
      const pool = new WorkerPool(`${name}-worker-pool`, {
        name: settings.name ?? `${name} (signed runs)`,
        description: settings.description ?? "Runs only runs whose metadata carries a token signed by the repository's CI (spacelift-signed-runs).",
        labels: settings.labels,
        spaceId: settings.spaceId,
      }, { parent: this });
      this.workerPool = pool;
      this.workerPoolId = pool.id;
      poolCredentials = pulumi.all([pool.config, pool.privateKey]).apply(([config, privateKey]) => ({ config, privateKey }));
    }

    const trustedKeys = pulumi.all(args.trustedKeys as pulumi.Input<TrustedKey | TrustedKey[]>[]).apply((groups) => inputErrorsOf(this, () => flattenTrustedKeys(groups as (TrustedKey | TrustedKey[])[])));
    const policyText = trustedKeys.apply((keys) => inputErrorsOf(this, () => renderInitializationPolicy({ trustedKeys: keys, maxTokenLifetimeSeconds: plan.maxTokenLifetimeSeconds })));
    // An HS256 key is embedded in the text, so the text is secret even when a caller passed the key unmarked.
    this.initializationPolicy = pulumi
      .all([policyText, trustedKeys])
      .apply(([text, keys]) => (keys.some((key) => key.algorithm === "HS256") ? pulumi.secret(text) : pulumi.output(text)));
    this.launcherEnvironment = pulumi.secret(poolCredentials.apply((credentials) => buildLauncherEnvironment(credentials, plan.policyPath)));
    this.registerOutputs({
      workerPoolId: this.workerPoolId,
      initializationPolicy: this.initializationPolicy,
      launcherEnvironment: this.launcherEnvironment,
    });
  }
}
