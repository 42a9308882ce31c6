/**
 * The two Pulumi programs of bulk onboarding, as plain functions so they run
 * under Pulumi's mocks as well as inline in the Automation API:
 * - one per repository: its SignedRunsRepository (keys, GitHub secrets and
 *   workflows, push-policy attachments);
 * - one shared pool: a SignedRunsWorkerPool whose policy trusts every
 *   repository's keys, each for its own stacks only.
 *
 * In your own project, import from "pulumi-spacelift-signed-runs" instead of "../../components".
 */
import * as github from "@pulumi/github";
import { SignedRunsRepository, SignedRunsWorkerPool, type SignedRunsStackArgs, type SignedRunsWorkerPoolSelection, type TrustedKey } from "../../components";

export interface RepositoryEntry {
  owner: string;
  repository: string;
  stacks: SignedRunsStackArgs[];
}

export interface OnboardingSettings {
  spaceliftEndpoint: string;
  /** ES256 by default: the repositories' trusted keys are then public and the pool's policy holds no secret. */
  algorithm?: "HS256" | "ES256";
  /** Default: the shared pool stack creates a pool. */
  workerPool?: SignedRunsWorkerPoolSelection;
}

/** A Pulumi stack name for a repository: `repo-<owner>-<repository>`. */
export function repositoryStackName(entry: RepositoryEntry): string {
  return `repo-${entry.owner}-${entry.repository}`.replace(/[^A-Za-z0-9_.-]/g, "-");
}

/** Declares one repository's resources; `workerPoolId` is needed only by stacks with `create`. */
export function declareRepository(entry: RepositoryEntry, settings: OnboardingSettings, workerPoolId?: string) {
  const githubProvider = new github.Provider("github", { owner: entry.owner });
  const repository = new SignedRunsRepository(
    entry.repository,
    {
      github: { owner: entry.owner, repository: entry.repository },
      stacks: entry.stacks,
      spacelift: { endpoint: settings.spaceliftEndpoint },
      workerPoolId,
      signing: { algorithm: settings.algorithm ?? "ES256" },
    },
    { providers: [githubProvider] },
  );
  return {
    repository,
    outputs: {
      trustedKeys: repository.trustedKeys,
      stackIds: repository.stackIds,
      workflowFiles: repository.workflowFiles.apply((files) => files.map((file) => file.path)),
    },
  };
}

/** Declares the shared pool trusting every given key. */
export function declareSharedPool(trustedKeys: TrustedKey[], settings: OnboardingSettings) {
  const pool = new SignedRunsWorkerPool("shared", {
    workerPool: settings.workerPool ?? { name: "signed runs (shared)" },
    trustedKeys: [trustedKeys],
  });
  return {
    pool,
    outputs: {
      workerPoolId: pool.workerPoolId,
      initializationPolicy: pool.initializationPolicy,
      launcherEnvironment: pool.launcherEnvironment,
    },
  };
}

/** The inline programs the Automation API runs. */
export const repositoryProgram = (entry: RepositoryEntry, settings: OnboardingSettings, workerPoolId?: string) => async () => declareRepository(entry, settings, workerPoolId).outputs;
export const sharedPoolProgram = (trustedKeys: TrustedKey[], settings: OnboardingSettings) => async () => declareSharedPool(trustedKeys, settings).outputs;
