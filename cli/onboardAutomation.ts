/**
 * The OnboardingRunner backed by Pulumi's Automation API: inline programs,
 * one Pulumi stack per repository and one for the shared pool, their state in
 * the backend the caller names. Needs the Pulumi CLI on PATH.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  LocalWorkspace,
  type InlineProgramArgs,
  type LocalWorkspaceOptions,
  type Stack,
} from "@pulumi/pulumi/automation";
import type { RepositoryGrant, TrustedKey } from "../components/policy/initializationPolicy";
import { CliError, ExitCode } from "./errors";
import type { OnboardingRunner } from "./onboard";
import {
  repositoryProgram,
  repositoryStackName,
  sharedPoolProgram,
  type OnboardingSettings,
  type RepositoryEntry,
} from "./onboardPrograms";

export const PROJECT_NAME = "signed-runs-onboarding";
export const POOL_STACK_NAME = "shared-pool";

export interface AutomationOptions extends OnboardingSettings {
  /** The backend URL the stacks' state lives in (see resolveBackend). */
  backendUrl: string;
  /** Receives Pulumi's own output; default: dropped, the loop prints one line per repository. */
  onPulumiOutput?: (text: string) => void;
}

/** The schemes of Pulumi's self-managed backends, and Pulumi Cloud (https). */
const BACKEND_SCHEMES = ["file://", "s3://", "azblob://", "gs://", "https://"];

/**
 * The backend URL: `--backend`, else $PULUMI_BACKEND_URL, else a local
 * `file://` directory (which a throwaway CI runner loses: see docs/bulk-onboarding.md).
 * A relative file:// path is made absolute, so the state does not move with the working directory.
 */
export function resolveBackend(
  option: string | undefined,
  environment: NodeJS.ProcessEnv = process.env,
): { url: string; local: boolean } {
  const given = option ?? (environment.PULUMI_BACKEND_URL || undefined);
  const url = given ?? "file://.pulumi-state";
  const field = option !== undefined ? "--backend" : given !== undefined ? "PULUMI_BACKEND_URL" : "--backend";
  if (!BACKEND_SCHEMES.some((scheme) => url.startsWith(scheme)) || url.length === url.indexOf("://") + 3) {
    throw new CliError(
      ExitCode.Usage,
      `${field}: ${JSON.stringify(url.slice(0, 200))} is not a Pulumi backend URL. Fix: use a bucket such as s3://acme-pulumi-state, azblob://state, gs://acme-pulumi-state, Pulumi Cloud (https://api.pulumi.com), or file://DIR for a directory that outlives the run`,
    );
  }
  if (!url.startsWith("file://")) return { url, local: false };
  const directory = url.slice("file://".length);
  const absolute = directory.startsWith("~") ? directory : path.resolve(directory);
  return { url: `file://${absolute}`, local: true };
}

/**
 * What must be in place before the first stack is touched: the Pulumi CLI on
 * PATH (the Automation API drives it), and a passphrase for the stacks'
 * secrets unless Pulumi Cloud keeps them. Fails with one error and its fix.
 */
export function checkPulumiPrerequisites(
  backendUrl: string,
  environment: NodeJS.ProcessEnv = process.env,
): { pulumiVersion: string } {
  const probe = spawnSync("pulumi", ["version"], { encoding: "utf8", env: environment });
  if (probe.error !== undefined || probe.status !== 0) {
    const why =
      (probe.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT"
        ? "is not on PATH"
        : `does not run (pulumi version: ${(probe.stderr || String(probe.error)).trim().split("\n")[0].slice(0, 200)})`;
    throw new CliError(
      ExitCode.Usage,
      `pulumi: the Pulumi CLI ${why}; onboard drives it through the Automation API. Fix: install it (curl -fsSL https://get.pulumi.com | sh, or the pulumi/actions step in a GitHub workflow) and put it on PATH`,
    );
  }
  if (
    !backendUrl.startsWith("https://") &&
    !environment.PULUMI_CONFIG_PASSPHRASE &&
    !environment.PULUMI_CONFIG_PASSPHRASE_FILE
  ) {
    throw new CliError(
      ExitCode.Usage,
      "PULUMI_CONFIG_PASSPHRASE: is not set, and a self-managed backend encrypts the stacks' secrets (the signing keys) with it. Fix: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) from a CI secret, the same value on every run",
    );
  }
  return { pulumiVersion: probe.stdout.trim() };
}

export function automationRunner(options: AutomationOptions): OnboardingRunner {
  if (options.backendUrl.startsWith("file://") && !options.backendUrl.startsWith("file://~")) {
    fs.mkdirSync(options.backendUrl.slice("file://".length), { recursive: true });
  }
  const workspace: LocalWorkspaceOptions = {
    projectSettings: { name: PROJECT_NAME, runtime: "nodejs", backend: { url: options.backendUrl } },
  };
  const stack = (stackName: string, program: InlineProgramArgs["program"]): Promise<Stack> =>
    LocalWorkspace.createOrSelectStack({ projectName: PROJECT_NAME, stackName, program }, workspace);
  const existing = async (stackName: string): Promise<Stack | undefined> => {
    try {
      return await LocalWorkspace.selectStack(
        { projectName: PROJECT_NAME, stackName, program: async () => ({}) },
        workspace,
      );
    } catch {
      return undefined;
    }
  };
  const onOutput = options.onPulumiOutput ?? (() => undefined);

  return {
    async existingWorkerPoolId() {
      const pool = await existing(POOL_STACK_NAME);
      const outputs = pool === undefined ? {} : await pool.outputs();
      return outputs.workerPoolId?.value as string | undefined;
    },
    async upRepository(entry: RepositoryEntry, workerPoolId: string | undefined) {
      const repositoryStack = await stack(repositoryStackName(entry), repositoryProgram(entry, options, workerPoolId));
      const result = await repositoryStack.up({ onOutput });
      return result.outputs.trustedKeys.value as TrustedKey[];
    },
    async previousTrustedKeys(entry: RepositoryEntry) {
      const repositoryStack = await existing(repositoryStackName(entry));
      if (repositoryStack === undefined) return undefined;
      return (await repositoryStack.outputs()).trustedKeys?.value as TrustedKey[] | undefined;
    },
    async upPool(grants: RepositoryGrant[]) {
      const poolStack = await stack(POOL_STACK_NAME, sharedPoolProgram(grants, options));
      const result = await poolStack.up({ onOutput });
      return { workerPoolId: result.outputs.workerPoolId.value as string };
    },
  };
}
