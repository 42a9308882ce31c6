/**
 * The two Pulumi programs of bulk onboarding, as plain functions so they run
 * under Pulumi's mocks as well as inline in the Automation API:
 * - one per repository: its SignedRunsRepository (keys, GitHub secrets and
 *   workflows, push-policy attachments);
 * - one shared pool: a SignedRunsWorkerPool that grants every repository its
 *   own stacks, so each repository's keys sign for those stacks only.
 */
import * as github from "@pulumi/github";
import type { RepositoryGrant } from "../components/policy/initializationPolicy";
import { SignedRunsRepository } from "../components/signedRuns/signedRunsRepository";
import { SignedRunsWorkerPool } from "../components/signedRuns/signedRunsWorkerPool";
import type { OnboardingSettings, RepositoryEntry } from "./onboardFile";

export type { OnboardingSettings, RepositoryEntry } from "./onboardFile";

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

/** Declares the shared pool with the given grants (a stack granted twice is an input error before any resource). */
export function declareSharedPool(grants: RepositoryGrant[], settings: OnboardingSettings) {
  const pool = new SignedRunsWorkerPool("shared", {
    workerPool: settings.workerPool ?? { name: "signed runs (shared)" },
    repositories: grants,
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
export const repositoryProgram =
  (entry: RepositoryEntry, settings: OnboardingSettings, workerPoolId?: string) => async () =>
    declareRepository(entry, settings, workerPoolId).outputs;
export const sharedPoolProgram = (grants: RepositoryGrant[], settings: OnboardingSettings) => async () =>
  declareSharedPool(grants, settings).outputs;
