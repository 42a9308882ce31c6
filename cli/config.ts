import { KUBERNETES_POLICY_PATH, planKubernetes, type KubernetesPlan } from "../components/kubernetes/manifests";
import * as path from "node:path";
import { SignedRunsInputError, quoteValue } from "../components/inputError";
import type { SigningAlgorithm } from "../components/runTokenContract";
import type { SignedRunsRepositoryArgs, SignedRunsStackArgs } from "../components/signedRunsArgs";
import { branchResourceSuffix } from "../components/keyGenerations";
import { DEFAULT_REPOSITORY_BRANCH, planRepository, type RepositoryPlan } from "../components/signedRunsRepository";
import { normalizeEndpoint } from "../components/signedRunsValidation";
import { planWorkerPool } from "../components/signedRunsWorkerPool";

/**
 * The `render` config file: the SignedRuns component's arguments minus every
 * secret, plus where the signing keys live on disk. The checks are the
 * component's own (planRepository, planWorkerPool), so `render` and
 * `pulumi up` accept exactly the same values; this file adds only what JSON
 * needs: unknown fields (typos) and secrets are refused.
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

const FIELDS: Record<string, string[]> = {
  "": ["$schema", "github", "stacks", "spacelift", "signing", "workflow", "launcher", "workerPool", "pushPolicy"],
  github: ["owner", "repository", "branch"],
  spacelift: ["endpoint", "apiKey"],
  signing: ["algorithm", "keys", "activeKey", "maxTokenLifetimeSeconds", "secretName", "trackedReviewers", "keyDirectory", "keyFiles"],
  workflow: ["branch", "commitMessage", "spacectlVersion", "spacectlSha256"],
  launcher: ["policyPath", "kubernetes"],
};
const STACK_FIELDS = ["id", "branch", "projectRoot", "additionalProjectGlobs", "create"];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function object(field: string, value: unknown, example: string): Json {
  if (!isObject(value)) {
    throw new SignedRunsInputError(field, value === undefined ? "is missing" : `${quoteValue(value)} is not an object`, `write it as ${example}`);
  }
  return value;
}

function optionalObject(field: string, value: unknown, example: string): Json {
  return value === undefined ? {} : object(field, value, example);
}

function onlyFields(field: string, value: Json, allowed: string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new SignedRunsInputError(
        field === "" ? key : `${field}.${key}`,
        "is not a known field",
        `remove it or fix its spelling; the known fields here are ${allowed.filter((a) => a !== "$schema").join(", ")}`,
      );
    }
  }
}

function optionalString(field: string, value: unknown, fix: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") {
    throw new SignedRunsInputError(field, `${quoteValue(value)} is not a non-empty string`, fix);
  }
  return value;
}

/**
 * Checks a parsed config file and fills in defaults. Every error names the
 * field, the bad value and the fix. `configDirectory` anchors relative paths.
 */
export function parseRenderConfig(raw: unknown, configDirectory: string): RenderConfig {
  const root = object("(config file)", raw, '{ "github": {...}, "stacks": [...], "spacelift": {...} }');
  onlyFields("", root, FIELDS[""]);
  const github = object("github", root.github, '{ "owner": "acme", "repository": "payments-infra" }');
  onlyFields("github", github, FIELDS.github);
  if (Array.isArray(root.stacks)) {
    root.stacks.forEach((stack, index) => {
      if (isObject(stack)) onlyFields(`stacks[${index}]`, stack, STACK_FIELDS);
    });
  }
  const spacelift = object("spacelift", root.spacelift, '{ "endpoint": "https://acme.app.spacelift.io" }');
  onlyFields("spacelift", spacelift, FIELDS.spacelift);
  const apiKey = spacelift.apiKey === undefined ? undefined : object("spacelift.apiKey", spacelift.apiKey, '{ "oidc": { "apiKeyId": "01H..." } }');
  if (apiKey !== undefined && "secret" in apiKey) {
    // The value is not quoted: it is a secret.
    throw new SignedRunsInputError("spacelift.apiKey.secret", "a secret does not belong in the config file, and render never needs it", "remove it; give it to `pulumi up` as secret config or SPACELIFT_API_KEY_SECRET, and to GitHub as the SPACELIFT_API_KEY_SECRET secret");
  }
  if (apiKey !== undefined) onlyFields("spacelift.apiKey", apiKey, apiKey.oidc !== undefined ? ["oidc"] : ["id"]);
  const signing = optionalObject("signing", root.signing, '{ "algorithm": "ES256" }');
  onlyFields("signing", signing, FIELDS.signing);
  const workflow = optionalObject("workflow", root.workflow, '{ "spacectlVersion": "1.12.0" }');
  onlyFields("workflow", workflow, FIELDS.workflow);
  const launcher = optionalObject("launcher", root.launcher, '{ "policyPath": "/etc/spacelift/initialization-policy.rego" }');
  onlyFields("launcher", launcher, FIELDS.launcher);

  const { keyDirectory: keyDirectoryRaw, keyFiles: keyFilesRaw, ...componentSigning } = signing;
  // The component's own validation. A secret-key apiKey is left out: render needs neither its id nor its secret.
  const repositoryArgs = {
    github: root.github,
    stacks: root.stacks,
    spacelift: { endpoint: spacelift.endpoint, ...(apiKey?.oidc !== undefined ? { apiKey: { oidc: apiKey.oidc } } : {}) },
    workerPoolId: "render",
    pushPolicy: root.pushPolicy,
    signing: componentSigning,
    workflow,
  } as unknown as SignedRunsRepositoryArgs;
  const plan = planRepository(repositoryArgs);
  // launcher.kubernetes is planned here: render has no provider, and never takes the pool's credentials.
  const { kubernetes: kubernetesRaw, ...vmLauncher } = launcher;
  const kubernetes = kubernetesRaw === undefined ? undefined : planRenderKubernetes(kubernetesRaw, vmLauncher.policyPath);
  const pool = planWorkerPool({ workerPool: root.workerPool as never, maxTokenLifetimeSeconds: componentSigning.maxTokenLifetimeSeconds as number | undefined, launcher: vmLauncher as never }, { lifetime: "signing.maxTokenLifetimeSeconds" });
  const owner = repositoryArgs.github.owner as string;
  const repository = repositoryArgs.github.repository as string;
  const endpoint = normalizeEndpoint("spacelift.endpoint", spacelift.endpoint);

  const keys = plan.generations.map((g) => g.generation);
  const keyDirectory = path.resolve(configDirectory, optionalString("signing.keyDirectory", keyDirectoryRaw, "use a directory path relative to the config file") ?? DEFAULT_KEY_DIRECTORY);
  const namedKeyFiles = optionalObject("signing.keyFiles", keyFilesRaw, '{ "2026-11": { "proposed": "keys/2026-11.proposed.pem", "tracked": { "main": "keys/2026-11.main.pem" } } }');
  for (const generation of Object.keys(namedKeyFiles)) {
    if (!keys.includes(generation)) {
      throw new SignedRunsInputError(`signing.keyFiles.${generation}`, `names a generation that is not in signing.keys (${keys.join(", ")})`, "add the generation to signing.keys, or remove this entry");
    }
  }
  const keyFiles: Record<string, GenerationKeyFiles> = {};
  for (const generation of keys) {
    keyFiles[generation] = generationKeyFiles(generation, namedKeyFiles[generation], plan, keyDirectory, configDirectory);
  }
  const spacectlVersion = optionalString("workflow.spacectlVersion", workflow.spacectlVersion, 'use a spacectl release such as "1.12.0", or leave it out for the pinned default');
  const spacectlSha256 = optionalString("workflow.spacectlSha256", workflow.spacectlSha256, "give the SHA-256 of that release's spacectl_<version>_linux_amd64.zip");
  const oidc = apiKey?.oidc as { apiKeyId: string; audience?: string } | undefined;

  return {
    github: { owner, repository, branch: (repositoryArgs.github.branch as string | undefined) ?? DEFAULT_REPOSITORY_BRANCH },
    stacks: plan.stacks,
    spacelift: { endpoint, ...(oidc === undefined ? {} : { oidc }) },
    plan,
    signing: {
      algorithm: plan.algorithm,
      keys,
      activeKey: plan.generations.find((g) => g.active)!.generation,
      maxTokenLifetimeSeconds: plan.maxTokenLifetimeSeconds,
      keyFiles,
    },
    workflow: { ...(spacectlVersion === undefined ? {} : { spacectlVersion }), ...(spacectlSha256 === undefined ? {} : { spacectlSha256 }) },
    launcher: kubernetes === undefined ? { policyPath: pool.policyPath } : { policyPath: KUBERNETES_POLICY_PATH, kubernetes },
  };
}

/** `launcher.kubernetes` in the config file: as the component's, without `provider` and `credentials`; its name defaults to "signed-runs". */
function planRenderKubernetes(raw: unknown, policyPath: unknown): KubernetesPlan {
  if (policyPath !== undefined) {
    throw new SignedRunsInputError("launcher.policyPath", `${JSON.stringify(policyPath)} is given with launcher.kubernetes, whose pods read the policy at ${KUBERNETES_POLICY_PATH}`, "leave launcher.policyPath out when launcher.kubernetes is set");
  }
  if (isObject(raw) && raw.credentials !== undefined) {
    // The value is not quoted: it is a secret.
    throw new SignedRunsInputError("launcher.kubernetes.credentials", "the pool's credentials do not belong in the config file", "remove them; render writes launcher/pool-credentials.yaml.template for you to fill in a copy of");
  }
  if (isObject(raw) && raw.provider !== undefined) {
    throw new SignedRunsInputError("launcher.kubernetes.provider", "is a Pulumi setting; render writes manifests for kubectl", "remove it");
  }
  return planKubernetes("launcher.kubernetes", raw, "signed-runs");
}

/** A key's default file name: `<generation>.proposed.<alg>` or `<generation>.tracked.<branch>.<alg>` (the branch as in resource names). */
export function defaultKeyFileName(generation: string, algorithm: SigningAlgorithm, branch?: string): string {
  const which = branch === undefined ? "proposed" : `tracked.${branchResourceSuffix(branch)}`;
  return algorithm === "ES256" ? `${generation}.${which}.es256.pem` : `${generation}.${which}.hs256.key`;
}

/** `signing.keyFiles.<generation>`: `{ proposed?, tracked?: { <branch>: file } }`; what it leaves out goes to the key directory. */
function generationKeyFiles(generation: string, raw: unknown, plan: RepositoryPlan, keyDirectory: string, configDirectory: string): GenerationKeyFiles {
  const field = `signing.keyFiles.${generation}`;
  const example = '{ "proposed": "keys/proposed.pem", "tracked": { "main": "keys/main.pem" } }';
  if (typeof raw === "string") {
    throw new SignedRunsInputError(
      field,
      "names one file, but each generation now has a proposed key and a tracked key per tracked branch",
      `give ${example} (relative to the config file), or leave the entry out for files in the key directory`,
    );
  }
  const named = optionalObject(field, raw, example);
  onlyFields(field, named, ["proposed", "tracked"]);
  const tracked = optionalObject(`${field}.tracked`, named.tracked, '{ "main": "keys/main.pem" }');
  const branches = plan.trackedBranches.map((b) => b.branch);
  for (const branch of Object.keys(tracked)) {
    if (!branches.includes(branch)) {
      throw new SignedRunsInputError(`${field}.tracked.${branch}`, `names a branch no stack tracks (${branches.join(", ")})`, "use a stack's tracked branch, or remove this entry");
    }
  }
  const file = (fieldName: string, value: unknown, fallback: string) => {
    const given = optionalString(fieldName, value, "use a file path relative to the config file");
    return given === undefined ? path.join(keyDirectory, fallback) : path.resolve(configDirectory, given);
  };
  return {
    proposed: file(`${field}.proposed`, named.proposed, defaultKeyFileName(generation, plan.algorithm)),
    tracked: Object.fromEntries(branches.map((branch) => [branch, file(`${field}.tracked.${branch}`, tracked[branch], defaultKeyFileName(generation, plan.algorithm, branch))])),
  };
}
