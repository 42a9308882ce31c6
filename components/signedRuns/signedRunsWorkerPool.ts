import * as pulumi from "@pulumi/pulumi";
import { renderInitializationPolicy, type TrustedKey } from "../policy/initializationPolicy";
import { buildLauncherEnvironment } from "./launcherEnvironment";
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from "../runToken/contract";
import type { LauncherEnvironment, SignedRunsWorkerPoolArgs, SignedRunsWorkerPoolSelection } from "./args";
import * as schema from "../schema/component";
import { DEFAULT_LAUNCHER_POLICY_PATH } from "../schema/primitives";
import { inputErrorsOf, parseInput } from "../schema/problems";
import { WorkerPool } from "../spacelift/workerPool";
import {
  declareKubernetesLauncher,
  planKubernetesLauncher,
  type KubernetesLauncherPlan,
  type KubernetesLauncherResources,
} from "../kubernetes/launcher";
import { KUBERNETES_POLICY_PATH } from "../kubernetes/manifests";

/** Marks arguments SignedRuns parsed already. Internal. */
export const PARSED = Symbol("parsed by SignedRuns");

export const SIGNED_RUNS_WORKER_POOL_TYPE = "spacelift-signed-runs:index:SignedRunsWorkerPool";

export interface WorkerPoolPlan {
  maxTokenLifetimeSeconds: number;
  issuer: string | undefined;
  policyPath: string;
  existingPoolId: pulumi.Input<string> | undefined;
  /** `launcher.kubernetes`, checked. */
  kubernetes?: KubernetesLauncherPlan;
}

/**
 * A grant as the pool takes it internally: SignedRuns grants its own repository,
 * whose name may still be an Output; the stacks are always plain.
 */
export interface PoolGrant {
  repository: pulumi.Input<string>;
  stacks: string[];
  trustedKeys: pulumi.Input<TrustedKey[]>;
}

/** The pool's settings with their defaults, for arguments the schema accepted (everything but the grants). */
export function planWorkerPool(
  args: Omit<SignedRunsWorkerPoolArgs, "trustedKeys" | "repositories">,
  componentName = "signed-runs",
): WorkerPoolPlan {
  const selection = args.workerPool as { id?: pulumi.Input<string> } | undefined;
  const kubernetes = planLauncherKubernetes(args, componentName);
  return {
    maxTokenLifetimeSeconds: args.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
    issuer: args.issuer,
    policyPath:
      kubernetes !== undefined ? KUBERNETES_POLICY_PATH : (args.launcher?.policyPath ?? DEFAULT_LAUNCHER_POLICY_PATH),
    existingPoolId: selection?.id,
    ...(kubernetes !== undefined ? { kubernetes } : {}),
  };
}

/**
 * `launcher.kubernetes` (issue 12), as the schema accepted it (policyPath beside it and the credentials
 * against workerPool are schema rules, components/schema/rules.ts).
 */
function planLauncherKubernetes(
  args: Pick<SignedRunsWorkerPoolArgs, "launcher">,
  componentName: string,
): KubernetesLauncherPlan | undefined {
  if (args.launcher?.kubernetes === undefined) return undefined;
  return planKubernetesLauncher("launcher.kubernetes", args.launcher.kubernetes, componentName);
}

/**
 * One worker pool (created, or an existing one by id), the initialization
 * policy its launchers run, trusting each granted repository's keys for the
 * stacks its grant lists only, and the launcher's environment.
 */
export class SignedRunsWorkerPool extends pulumi.ComponentResource {
  /** The pool's id, created or given. */
  declare readonly workerPoolId: pulumi.Output<string>;
  /** The initialization policy text; secret whenever it holds an HS256 key. */
  declare readonly initializationPolicy: pulumi.Output<string>;
  /** Secret. */
  declare readonly launcherEnvironment: pulumi.Output<LauncherEnvironment>;
  /** The created pool, when the component created one. */
  declare readonly workerPool: WorkerPool | undefined;
  /** The Kubernetes objects of `launcher.kubernetes`, when given. */
  declare readonly kubernetes: KubernetesLauncherResources | undefined;

  constructor(name: string, args: SignedRunsWorkerPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every plain value is parsed here, before this component or any child is registered
    // (SignedRuns parsed its own arguments, whose grant may name its repository by an Output).
    if (!(args as { [PARSED]?: boolean })[PARSED]) parseInput(schema.signedRunsWorkerPoolArgs, args, "", "args");
    const plan = planWorkerPool(args, name);
    const grants: PoolGrant[] = args.repositories;
    super(SIGNED_RUNS_WORKER_POOL_TYPE, name, {}, opts);
    const parent = { parent: this };

    const pool = declareWorkerPool(name, args.workerPool, plan, parent);
    this.workerPool = pool.created;
    this.workerPoolId = pool.id;
    this.initializationPolicy = initializationPolicyFor(this, grants, plan);
    this.launcherEnvironment = launcherEnvironmentFor(pool.credentials, plan);
    this.kubernetes =
      plan.kubernetes === undefined
        ? undefined
        : declareKubernetesLauncher(
            name,
            plan.kubernetes,
            {
              policy: this.initializationPolicy,
              credentials:
                plan.kubernetes.credentials ??
                pool.credentials.apply((c) => ({ token: c?.config ?? "", privateKey: c?.privateKey ?? "" })),
            },
            this,
          );
    this.registerOutputs({
      workerPoolId: this.workerPoolId,
      initializationPolicy: this.initializationPolicy,
      launcherEnvironment: this.launcherEnvironment,
    });
  }
}

interface DeclaredPool {
  id: pulumi.Output<string>;
  created: WorkerPool | undefined;
  /** The created pool's config and private key; undefined for an existing pool. */
  credentials: pulumi.Output<{ config?: string; privateKey?: string } | undefined>;
}

/** The pool: an existing one by id, or a created one. */
function declareWorkerPool(
  name: string,
  selection: SignedRunsWorkerPoolSelection | undefined,
  plan: WorkerPoolPlan,
  parent: pulumi.CustomResourceOptions,
): DeclaredPool {
  if (plan.existingPoolId !== undefined) {
    return { id: pulumi.output(plan.existingPoolId), created: undefined, credentials: pulumi.output(undefined) };
  }
  const settings = (selection ?? {}) as Exclude<SignedRunsWorkerPoolSelection, { id: unknown }>;
  const pool = new WorkerPool(
    `${name}-worker-pool`,
    {
      name: settings.name ?? `${name} (signed runs)`,
      description:
        settings.description ??
        "Runs only runs whose metadata carries a token signed by the repository's CI (spacelift-signed-runs).",
      labels: settings.labels,
      spaceId: settings.spaceId,
    },
    parent,
  );
  return {
    id: pool.id,
    created: pool,
    credentials: pulumi.all([pool.config, pool.privateKey]).apply(([config, privateKey]) => ({ config, privateKey })),
  };
}

/** The policy text for the grants; secret whenever it embeds an HS256 key, also when a caller passed the key unmarked. */
function initializationPolicyFor(
  component: pulumi.ComponentResource,
  grants: PoolGrant[],
  plan: WorkerPoolPlan,
): pulumi.Output<string> {
  const resolved = pulumi.all(
    grants.map((grant) =>
      pulumi
        .all([grant.repository, grant.trustedKeys])
        .apply(([repository, trustedKeys]) => ({ repository, stacks: [...grant.stacks], trustedKeys })),
    ),
  );
  return resolved.apply((repositories) => {
    const text = inputErrorsOf(component, () =>
      renderInitializationPolicy({
        repositories,
        maxTokenLifetimeSeconds: plan.maxTokenLifetimeSeconds,
        ...(plan.issuer !== undefined ? { issuer: plan.issuer } : {}),
      }),
    );
    return repositories.some((grant) => grant.trustedKeys.some((key) => key.algorithm === "HS256"))
      ? pulumi.secret(text)
      : pulumi.output(text);
  });
}

/** The launcher's environment; secret (it holds the pool's credentials). */
function launcherEnvironmentFor(
  credentials: DeclaredPool["credentials"],
  plan: WorkerPoolPlan,
): pulumi.Output<LauncherEnvironment> {
  return pulumi.secret(credentials.apply((value) => buildLauncherEnvironment(value, plan.policyPath)));
}
