/**
 * The OnboardingRunner backed by Pulumi's Automation API: inline programs,
 * state in a local `file://` backend, one Pulumi stack per repository and one
 * for the shared pool. Needs the Pulumi CLI on PATH.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, type InlineProgramArgs, type LocalWorkspaceOptions, type Stack } from "@pulumi/pulumi/automation";
import type { TrustedKey } from "../../components";
import type { OnboardingRunner } from "./onboard";
import { repositoryProgram, repositoryStackName, sharedPoolProgram, type OnboardingSettings, type RepositoryEntry } from "./programs";

export const PROJECT_NAME = "signed-runs-onboarding";
export const POOL_STACK_NAME = "shared-pool";

export interface AutomationOptions extends OnboardingSettings {
  /** Where the file:// backend keeps state. */
  stateDirectory: string;
  /** Encrypts the stacks' secrets; from PULUMI_CONFIG_PASSPHRASE in CI. */
  passphrase: string;
  /** Receives Pulumi's own output; default: dropped, the loop prints one line per repository. */
  onPulumiOutput?: (text: string) => void;
}

export function automationRunner(options: AutomationOptions): OnboardingRunner {
  const stateDirectory = path.resolve(options.stateDirectory);
  fs.mkdirSync(stateDirectory, { recursive: true });
  const workspace: LocalWorkspaceOptions = {
    projectSettings: { name: PROJECT_NAME, runtime: "nodejs", backend: { url: `file://${stateDirectory}` } },
    envVars: { PULUMI_CONFIG_PASSPHRASE: options.passphrase },
  };
  const stack = (stackName: string, program: InlineProgramArgs["program"]): Promise<Stack> =>
    LocalWorkspace.createOrSelectStack({ projectName: PROJECT_NAME, stackName, program }, workspace);
  const existing = async (stackName: string): Promise<Stack | undefined> => {
    try {
      return await LocalWorkspace.selectStack({ projectName: PROJECT_NAME, stackName, program: async () => ({}) }, workspace);
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
    async upPool(trustedKeys: TrustedKey[]) {
      const poolStack = await stack(POOL_STACK_NAME, sharedPoolProgram(trustedKeys, options));
      const result = await poolStack.up({ onOutput });
      return { workerPoolId: result.outputs.workerPoolId.value as string };
    },
  };
}
