import * as pulumi from "@pulumi/pulumi";
import { assertStackId } from "./identifiers";
import { renderInitializationPolicy, type TrustedKey } from "./initializationPolicy";
import { SignedRunsInputError, quoteValue } from "./inputError";
import { DEFAULT_LAUNCHER_POLICY_PATH, assertLauncherPolicyPath, buildLauncherEnvironment } from "./launcherEnvironment";
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from "./runTokenContract";
import type { LauncherEnvironment, SignedRunsWorkerPoolArgs, SignedRunsWorkerPoolSelection } from "./signedRunsArgs";
import { assertSelection, assertTokenLifetime, inputErrorsOf } from "./signedRunsValidation";
import { WorkerPool } from "./spacelift/workerPool";
import { declareKubernetesLauncher, planKubernetesLauncher, type KubernetesLauncherPlan, type KubernetesLauncherResources } from "./kubernetes/launcher";
import { KUBERNETES_POLICY_PATH } from "./kubernetes/manifests";

export const SIGNED_RUNS_WORKER_POOL_TYPE = "spacelift-signed-runs:index:SignedRunsWorkerPool";
export const WORKER_POOL_CREATE_KEYS = ["name", "description", "labels", "spaceId"] as const;

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

/** Validates the pool's plain settings (everything but the grants); throws SignedRunsInputError. */
export function planWorkerPool(args: Omit<SignedRunsWorkerPoolArgs, "trustedKeys" | "repositories">, fields: { lifetime: string } = { lifetime: "maxTokenLifetimeSeconds" }, componentName = "signed-runs"): WorkerPoolPlan {
  assertSelection("workerPool", args.workerPool, WORKER_POOL_CREATE_KEYS);
  const maxTokenLifetimeSeconds = args.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  assertTokenLifetime(fields.lifetime, maxTokenLifetimeSeconds);
  const policyPath = args.launcher?.policyPath ?? DEFAULT_LAUNCHER_POLICY_PATH;
  assertLauncherPolicyPath("launcher.policyPath", policyPath);
  if (args.issuer !== undefined && (typeof args.issuer !== "string" || !/^[\x21-\x7e]{1,256}$/.test(args.issuer))) {
    throw new SignedRunsInputError("issuer", `${quoteValue(args.issuer)} is not an issuer`, "give the iss claim your CI writes (the generated workflow writes \"github-actions\"), or leave it out to accept any");
  }
  const selection = args.workerPool as { id?: pulumi.Input<string> } | undefined;
  const kubernetes = planLauncherKubernetes(args, componentName, selection?.id !== undefined);
  return { maxTokenLifetimeSeconds, issuer: args.issuer, policyPath: kubernetes !== undefined ? KUBERNETES_POLICY_PATH : policyPath, existingPoolId: selection?.id, ...(kubernetes !== undefined ? { kubernetes } : {}) };
}

/** `launcher.kubernetes` (issue 12): its pods read the policy where the component mounts it, so `policyPath` is refused beside it. */
function planLauncherKubernetes(args: Pick<SignedRunsWorkerPoolArgs, "launcher">, componentName: string, existingPool: boolean): KubernetesLauncherPlan | undefined {
  if (args.launcher?.kubernetes === undefined) return undefined;
  if (args.launcher.policyPath !== undefined) {
    throw new SignedRunsInputError("launcher.policyPath", `${quoteValue(args.launcher.policyPath)} is given with launcher.kubernetes, whose pods read the policy at ${KUBERNETES_POLICY_PATH}`, "leave launcher.policyPath out when launcher.kubernetes is set");
  }
  return planKubernetesLauncher("launcher.kubernetes", args.launcher.kubernetes, componentName, existingPool);
}

const GRANT_EXAMPLE = '[{ repository: "acme/payments-infra", stacks: ["payments-prod"], trustedKeys: repo.trustedKeys }]';
const REPOSITORY = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;

/**
 * Checks the grants' plain parts before any resource exists: the old `trustedKeys`
 * argument is refused, every stack is a slug granted to one repository only, and
 * a repository is granted once. Every problem is reported, not just the first.
 */
export function validateGrants(field: string, grants: unknown, oldTrustedKeys?: unknown, fieldOf: (index: number) => string = (index) => `${field}[${index}]`): PoolGrant[] {
  if (oldTrustedKeys !== undefined) {
    throw new SignedRunsInputError(
      "trustedKeys",
      "is no longer taken: which stacks a key may sign for is the pool owner's grant, not the key's claim",
      `pass repositories: ${GRANT_EXAMPLE}`,
    );
  }
  if (!Array.isArray(grants) || grants.length === 0) {
    throw new SignedRunsInputError(field, Array.isArray(grants) ? "lists no repository" : `${quoteValue(grants)} is not a list of grants`, `pass ${GRANT_EXAMPLE}`);
  }
  const problems: string[] = [];
  const stackOwner = new Map<string, string>();
  const repositories = new Map<string, number>();
  grants.forEach((grant: Partial<PoolGrant> | undefined, index) => {
    const at = fieldOf(index);
    if (typeof grant !== "object" || grant === null) {
      problems.push(`${at}: ${quoteValue(grant)} is not a grant`);
      return;
    }
    const repository = grant.repository;
    const name = typeof repository === "string" ? repository : `(${at})`;
    if (typeof repository === "string") {
      if (!REPOSITORY.test(repository)) problems.push(`${at}.repository: ${quoteValue(repository)} is not "owner/name"`);
      const folded = repository.toLowerCase();
      if (repositories.has(folded)) problems.push(`${at}.repository: ${quoteValue(repository)} is granted in ${fieldOf(repositories.get(folded)!)} too`);
      repositories.set(folded, index);
    } else if (!pulumi.Output.isInstance(repository) && !(repository instanceof Promise)) {
      problems.push(`${at}.repository: is missing`);
    }
    if (!Array.isArray(grant.stacks) || grant.stacks.length === 0) {
      problems.push(`${at}.stacks: ${Array.isArray(grant.stacks) ? "lists no stack" : "is missing or not a list"}`);
    } else {
      grant.stacks.forEach((stack: unknown, stackIndex) => {
        try {
          assertStackId(`${at}.stacks[${stackIndex}]`, stack);
        } catch (error) {
          problems.push((error as SignedRunsInputError).message.replace(/\. Fix: .*$/, ""));
          return;
        }
        const other = stackOwner.get(stack as string);
        if (other !== undefined) problems.push(`${at}.stacks[${stackIndex}]: stack ${quoteValue(stack)} is granted to ${other} too`);
        else stackOwner.set(stack as string, name);
      });
    }
    if (grant.trustedKeys === undefined) problems.push(`${at}.trustedKeys: is missing`);
  });
  if (problems.length > 0) {
    const [first, ...rest] = problems;
    const colon = first.indexOf(": ");
    throw new SignedRunsInputError(
      first.slice(0, colon),
      `${first.slice(colon + 2)}${rest.length > 0 ? `; also ${rest.join("; ")}` : ""}`,
      "give each repository one grant and each stack to one repository only, e.g. " + GRANT_EXAMPLE,
    );
  }
  return grants as PoolGrant[];
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
    const plan = planWorkerPool(args, undefined, name);
    const grants = validateGrants("repositories", args.repositories, (args as { trustedKeys?: unknown }).trustedKeys);
    super(SIGNED_RUNS_WORKER_POOL_TYPE, name, {}, opts);
    const parent = { parent: this };

    const pool = declareWorkerPool(name, args.workerPool, plan, parent);
    this.workerPool = pool.created;
    this.workerPoolId = pool.id;
    this.initializationPolicy = initializationPolicyFor(this, grants, plan);
    this.launcherEnvironment = launcherEnvironmentFor(pool.credentials, plan);
    this.kubernetes = plan.kubernetes === undefined ? undefined : declareKubernetesLauncher(name, plan.kubernetes, {
      policy: this.initializationPolicy,
      credentials: plan.kubernetes.credentials ?? pool.credentials.apply((c) => ({ token: c?.config ?? "", privateKey: c?.privateKey ?? "" })),
    }, this);
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
function declareWorkerPool(name: string, selection: SignedRunsWorkerPoolSelection | undefined, plan: WorkerPoolPlan, parent: pulumi.CustomResourceOptions): DeclaredPool {
  if (plan.existingPoolId !== undefined) {
    return { id: pulumi.output(plan.existingPoolId), created: undefined, credentials: pulumi.output(undefined) };
  }
  const settings = (selection ?? {}) as Exclude<SignedRunsWorkerPoolSelection, { id: unknown }>;
  const pool = new WorkerPool(`${name}-worker-pool`, {
    name: settings.name ?? `${name} (signed runs)`,
    description: settings.description ?? "Runs only runs whose metadata carries a token signed by the repository's CI (spacelift-signed-runs).",
    labels: settings.labels,
    spaceId: settings.spaceId,
  }, parent);
  return { id: pool.id, created: pool, credentials: pulumi.all([pool.config, pool.privateKey]).apply(([config, privateKey]) => ({ config, privateKey })) };
}

/** The policy text for the grants; secret whenever it embeds an HS256 key, also when a caller passed the key unmarked. */
function initializationPolicyFor(component: pulumi.ComponentResource, grants: PoolGrant[], plan: WorkerPoolPlan): pulumi.Output<string> {
  const resolved = pulumi.all(grants.map((grant) => pulumi.all([grant.repository, grant.trustedKeys]).apply(([repository, trustedKeys]) => ({ repository, stacks: [...grant.stacks], trustedKeys }))));
  return resolved.apply((repositories) => {
    const text = inputErrorsOf(component, () => renderInitializationPolicy({ repositories, maxTokenLifetimeSeconds: plan.maxTokenLifetimeSeconds, ...(plan.issuer !== undefined ? { issuer: plan.issuer } : {}) }));
    return repositories.some((grant) => grant.trustedKeys.some((key) => key.algorithm === "HS256")) ? pulumi.secret(text) : pulumi.output(text);
  });
}

/** The launcher's environment; secret (it holds the pool's credentials). */
function launcherEnvironmentFor(credentials: DeclaredPool["credentials"], plan: WorkerPoolPlan): pulumi.Output<LauncherEnvironment> {
  return pulumi.secret(credentials.apply((value) => buildLauncherEnvironment(value, plan.policyPath)));
}
