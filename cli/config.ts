import { KUBERNETES_POLICY_PATH, planKubernetes, type KubernetesPlan } from "../components/kubernetes/manifests";
import * as path from "node:path";
import type { SigningAlgorithm } from "../components/runToken/contract";
import type { SignedRunsStackArgs } from "../components/signedRuns/args";
import { branchResourceSuffix } from "../components/signedRuns/keyGenerations";
import { renderConfig } from "../components/schema/configFiles";
import { normalizeEndpoint } from "../components/schema/primitives";
import { parseInput } from "../components/schema/problems";
import {
  DEFAULT_REPOSITORY_BRANCH,
  planRepository,
  type RepositoryPlan,
} from "../components/signedRuns/signedRunsRepository";
import { planWorkerPool } from "../components/signedRuns/signedRunsWorkerPool";

/**
 * The `render` config file: the SignedRuns component's arguments minus every
 * secret, plus where the signing keys live on disk. Its schema (renderConfig)
 * is built from the component's, so `render` and `pulumi up` accept exactly
 * the same values; it adds only what a file needs: secrets are refused.
 */
export interface RenderConfig {
  github: { owner: string; repository: string; branch: string };
  stacks: SignedRunsStackArgs[];
  spacelift: { endpoint: string; oidc?: { apiKeyId: string; audience?: string } };
  /** The component's own plan: algorithm, generations (kid, secret name), lifetime, auth mode. */
  plan: RepositoryPlan;
  signing: {
    algorithm: SigningAlgorithm;
    /** Key generations, oldest first; the policy trusts all of them. */
    keys: string[];
    /** The generation the workflow signs with. */
    activeKey: string;
    maxTokenLifetimeSeconds: number;
    /** Absolute paths of each generation's key files: its proposed key and, by tracked branch, its tracked keys. */
    keyFiles: Record<string, GenerationKeyFiles>;
  };
  workflow: { spacectlVersion?: string; spacectlSha256?: string };
  launcher: { policyPath: string; kubernetes?: KubernetesPlan };
}

/** One generation's key files. */
export interface GenerationKeyFiles {
  proposed: string;
  /** By tracked branch. */
  tracked: Record<string, string>;
}

/** Where generated keys go, relative to the config file, unless `signing.keyDirectory` says otherwise. */
export const DEFAULT_KEY_DIRECTORY = "signed-runs-keys";

/**
 * Parses a config file (every problem in one SignedRunsInputError) and fills in
 * defaults. `configDirectory` anchors relative paths.
 */
export function parseRenderConfig(raw: unknown, configDirectory: string): RenderConfig {
  const config = parseInput(renderConfig, raw, "", "(config file)");
  const { keyDirectory: keyDirectoryRaw, keyFiles: named = {}, ...componentSigning } = config.signing ?? {};
  const apiKey = config.spacelift.apiKey;
  const oidc = apiKey !== undefined && "oidc" in apiKey ? apiKey.oidc : undefined;
  // The component's own plan. A secret-key apiKey is left out: render needs neither its id nor its secret.
  const plan = planRepository(
    {
      github: config.github,
      stacks: config.stacks,
      spacelift: { endpoint: config.spacelift.endpoint, ...(oidc !== undefined ? { apiKey: { oidc } } : {}) },
      workerPoolId: "render",
      ...(config.pushPolicy !== undefined ? { pushPolicy: config.pushPolicy } : {}),
      signing: componentSigning,
      ...(config.workflow !== undefined ? { workflow: config.workflow } : {}),
    },
    { parsed: true },
  );
  // launcher.kubernetes is planned here: render has no provider, and the schema refused the pool's credentials.
  // Its name defaults to "signed-runs".
  const { kubernetes: kubernetesParsed, ...vmLauncher } = config.launcher ?? {};
  const kubernetes =
    kubernetesParsed === undefined ? undefined : planKubernetes("launcher.kubernetes", kubernetesParsed, "signed-runs");
  const pool = planWorkerPool({ launcher: vmLauncher });
  const keys = plan.generations.map((g) => g.generation);
  const keyDirectory = path.resolve(configDirectory, keyDirectoryRaw ?? DEFAULT_KEY_DIRECTORY);
  const keyFiles: Record<string, GenerationKeyFiles> = {};
  for (const generation of keys)
    keyFiles[generation] = generationKeyFiles(generation, named[generation] ?? {}, plan, keyDirectory, configDirectory);
  const { spacectlVersion, spacectlSha256 } = config.workflow ?? {};
  return {
    github: {
      owner: config.github.owner as string,
      repository: config.github.repository as string,
      branch: config.github.branch ?? DEFAULT_REPOSITORY_BRANCH,
    },
    stacks: plan.stacks,
    spacelift: {
      endpoint: normalizeEndpoint(config.spacelift.endpoint),
      ...(oidc === undefined ? {} : { oidc: oidc as { apiKeyId: string; audience?: string } }),
    },
    plan,
    signing: {
      algorithm: plan.algorithm,
      keys,
      activeKey: plan.generations.find((g) => g.active)!.generation,
      maxTokenLifetimeSeconds: plan.maxTokenLifetimeSeconds,
      keyFiles,
    },
    workflow: {
      ...(spacectlVersion === undefined ? {} : { spacectlVersion }),
      ...(spacectlSha256 === undefined ? {} : { spacectlSha256 }),
    },
    launcher:
      kubernetes === undefined ? { policyPath: pool.policyPath } : { policyPath: KUBERNETES_POLICY_PATH, kubernetes },
  };
}

/** A key's default file name: `<generation>.proposed.<alg>` or `<generation>.tracked.<branch>.<alg>` (the branch as in resource names). */
export function defaultKeyFileName(generation: string, algorithm: SigningAlgorithm, branch?: string): string {
  const which = branch === undefined ? "proposed" : `tracked.${branchResourceSuffix(branch)}`;
  return algorithm === "ES256" ? `${generation}.${which}.es256.pem` : `${generation}.${which}.hs256.key`;
}

/** A generation's key files: those `signing.keyFiles.<generation>` names (relative to the config file), the rest in the key directory. */
function generationKeyFiles(
  generation: string,
  named: { proposed?: string; tracked?: Record<string, string> },
  plan: RepositoryPlan,
  keyDirectory: string,
  configDirectory: string,
): GenerationKeyFiles {
  const file = (given: string | undefined, fallback: string) =>
    given === undefined ? path.join(keyDirectory, fallback) : path.resolve(configDirectory, given);
  const branches = plan.trackedBranches.map((b) => b.branch);
  return {
    proposed: file(named.proposed, defaultKeyFileName(generation, plan.algorithm)),
    tracked: Object.fromEntries(
      branches.map((branch) => [
        branch,
        file(named.tracked?.[branch], defaultKeyFileName(generation, plan.algorithm, branch)),
      ]),
    ),
  };
}
