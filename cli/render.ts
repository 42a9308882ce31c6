import * as fs from "node:fs";
import * as path from "node:path";
import { SignedRunsInputError } from "../components/inputError";
import { renderInitializationPolicy, type InitializationPolicyOptions, type TrustedKey } from "../components/initializationPolicy";
import { renderPushPolicy } from "../components/pushPolicy";
import { parseRenderConfig, type RenderConfig } from "./config";
import { CliError, ExitCode } from "./errors";
import { ignoreDirectoryInGit, publicKeyPathFor, readKeyFile, writeNewKey, writeOwnerOnlyFile, writePublicFile, type LoadedKey } from "./keyFiles";
import { deriveKeyId } from "../components/keyGenerations";
import { renderWorkflowsFor } from "../components/signedRunsRepository";
import { RUN_TYPES, type RunType } from "../components/runTokenContract";

/** One file `render` writes, relative to the output directory. */
export interface RenderedFile {
  path: string;
  content: string;
  /** Written with mode 0600 and kept out of git: it holds a secret, or will once filled in. */
  secret: boolean;
}

export const INITIALIZATION_POLICY_FILE = "launcher/initialization-policy.rego";
export const LAUNCHER_ENVIRONMENT_FILE = "launcher/launcher.env";
export const PUSH_POLICY_FILE = "spacelift/push-policy.rego";

/** Reads and checks a config file; errors name the file and the field. */
export function loadRenderConfig(configFile: string): RenderConfig {
  let text: string;
  try {
    text = fs.readFileSync(configFile, "utf8");
  } catch (error) {
    throw new CliError(ExitCode.Usage, `--config: cannot read ${configFile} (${(error as NodeJS.ErrnoException).code ?? "error"}). Fix: give the path of your signed-runs.json (see README, "Quick start")`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CliError(ExitCode.Usage, `${configFile}: is not valid JSON (${(error as Error).message}). Fix: correct the JSON syntax`);
  }
  try {
    return parseRenderConfig(raw, path.dirname(path.resolve(configFile)));
  } catch (error) {
    if (error instanceof SignedRunsInputError) throw new CliError(ExitCode.Usage, `${configFile}: ${error.message}`);
    throw error;
  }
}

/** The trusted keys the config's generations give, oldest first, each limited to the config's stacks. */
export function trustedKeysFor(config: RenderConfig, keys: ReadonlyMap<string, LoadedKey>): TrustedKey[] {
  const stacks = config.stacks.map((s) => s.id);
  return config.signing.keys.map((generation): TrustedKey => {
    const key = keys.get(generation);
    if (key === undefined) throw new Error(`no key loaded for generation ${generation}`);
    const kid = deriveKeyId(config.github.owner, config.github.repository, generation);
    // interim: issue 8 component step (one key signs every run type until render writes proposed/tracked keys)
    const runTypes: RunType[] = [...RUN_TYPES];
    return key.algorithm === "HS256"
      ? { kid, algorithm: "HS256", secret: key.secret, stacks: [...stacks], runTypes }
      : { kid, algorithm: "ES256", publicKeyPem: key.publicKeyPem, stacks: [...stacks], runTypes };
  });
}

export function policyOptionsFor(config: RenderConfig, keys: ReadonlyMap<string, LoadedKey>): InitializationPolicyOptions {
  return { trustedKeys: trustedKeysFor(config, keys), maxTokenLifetimeSeconds: config.signing.maxTokenLifetimeSeconds };
}

/** The resolved values the component's workflow renderer takes, so render writes what `pulumi up` commits. */
function resolvedWorkflowValues(config: RenderConfig) {
  return {
    owner: config.github.owner,
    repository: config.github.repository,
    defaultBranch: config.github.branch,
    endpoint: config.spacelift.endpoint,
    ...(config.spacelift.oidc === undefined ? {} : { oidcApiKeyId: config.spacelift.oidc.apiKeyId, oidcAudience: config.spacelift.oidc.audience }),
    ...config.workflow,
  };
}

/**
 * Every artifact the component would provision, as files. A plain function of
 * the config and the keys, so the same inputs give byte-identical files.
 */
export function renderFiles(config: RenderConfig, keys: ReadonlyMap<string, LoadedKey>): RenderedFile[] {
  const policy = renderInitializationPolicy(policyOptionsFor(config, keys));
  const policyHoldsSecret = config.signing.algorithm === "HS256";
  const workflows = renderWorkflowsFor(config.plan, resolvedWorkflowValues(config));
  return [
    { path: INITIALIZATION_POLICY_FILE, content: policy, secret: policyHoldsSecret },
    { path: LAUNCHER_ENVIRONMENT_FILE, content: launcherEnvironmentTemplate(config), secret: true },
    { path: PUSH_POLICY_FILE, content: renderPushPolicy(), secret: false },
    ...workflows.map((w) => ({ path: w.path, content: w.content, secret: false })),
  ];
}

export function launcherEnvironmentTemplate(config: RenderConfig): string {
  const policyPath = config.launcher.policyPath;
  return [
    `# Launcher environment for the private worker pool that runs the stacks of ${config.github.owner}/${config.github.repository}:`,
    `#   ${config.stacks.map((s) => s.id).join(", ")}`,
    "# Rendered by spacelift-signed-runs. `pulumi up` gives the filled-in values as the secret output",
    "# launcherEnvironment (pulumi stack output launcherEnvironment --show-secrets).",
    "# Once it holds the values this file is a secret: keep it mode 0600 and out of git.",
    "",
    "# The worker pool's config (the token Spacelift shows when the pool is created).",
    "SPACELIFT_TOKEN=",
    "# The worker pool's private key, base64-encoded.",
    "SPACELIFT_POOL_PRIVATE_KEY=",
    `# Where this host keeps ${INITIALIZATION_POLICY_FILE} from this directory.`,
    `SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY=${policyPath}`,
    "",
  ].join("\n");
}

export interface RenderReport {
  written: RenderedFile[];
  /** Key files made by this render (each generation without a key file gets one). */
  generatedKeys: { generation: string; files: string[] }[];
  reusedKeys: { generation: string; file: string }[];
  config: RenderConfig;
}

/** Loads each generation's key, making the missing ones; an existing key is always reused. */
export function ensureKeys(config: RenderConfig): { keys: Map<string, LoadedKey>; generated: RenderReport["generatedKeys"]; reused: RenderReport["reusedKeys"] } {
  const keys = new Map<string, LoadedKey>();
  const generated: RenderReport["generatedKeys"] = [];
  const reused: RenderReport["reusedKeys"] = [];
  for (const generation of config.signing.keys) {
    const file = config.signing.keyFiles[generation];
    const field = `signing.keyFiles.${generation}`;
    const publicOnly = config.signing.algorithm === "ES256" && !fs.existsSync(file) && fs.existsSync(publicKeyPathFor(file));
    if (publicOnly) {
      // Rendering the policy needs only the public key; the private one may live elsewhere.
      keys.set(generation, readKeyFile(publicKeyPathFor(file), field, "ES256"));
      reused.push({ generation, file: publicKeyPathFor(file) });
    } else if (fs.existsSync(file)) {
      keys.set(generation, readKeyFile(file, field, config.signing.algorithm));
      reused.push({ generation, file });
    } else {
      ignoreDirectoryInGit(path.dirname(file));
      const files = writeNewKey(file, config.signing.algorithm, false);
      keys.set(generation, readKeyFile(file, field, config.signing.algorithm));
      generated.push({ generation, files });
    }
  }
  return { keys, generated, reused };
}

export function renderToDirectory(configFile: string, outDirectory: string): RenderReport {
  const config = loadRenderConfig(configFile);
  const { keys, generated, reused } = ensureKeys(config);
  let files: RenderedFile[];
  try {
    files = renderFiles(config, keys);
  } catch (error) {
    if (error instanceof SignedRunsInputError) throw new CliError(ExitCode.Usage, `${configFile}: ${error.message}`);
    throw error;
  }
  for (const file of files) {
    const target = path.join(outDirectory, file.path);
    if (file.secret) {
      ignoreDirectoryInGit(path.dirname(target));
      writeOwnerOnlyFile(target, file.content);
    } else {
      writePublicFile(target, file.content);
    }
  }
  return { written: files, generatedKeys: generated, reusedKeys: reused, config };
}
