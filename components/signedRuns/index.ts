/** The components: SignedRuns, and the two it is made of, with their arguments and outputs. */
export { SignedRuns } from "./signedRuns";
export { SignedRunsRepository } from "./signedRunsRepository";
export { SignedRunsWorkerPool } from "./signedRunsWorkerPool";
export type {
  LauncherEnvironment,
  SignedRunsActiveKeys,
  SignedRunsApiKeyArgs,
  SignedRunsArgs,
  SignedRunsGithubArgs,
  SignedRunsKubernetesLauncherArgs,
  SignedRunsLauncherArgs,
  SignedRunsOutputs,
  SignedRunsPushPolicySelection,
  SignedRunsRepositoryArgs,
  SignedRunsRepositoryGrant,
  SignedRunsSigningArgs,
  SignedRunsSigningKeys,
  SignedRunsSpaceliftArgs,
  SignedRunsStackArgs,
  SignedRunsStackCreateArgs,
  SignedRunsStackVendor,
  SignedRunsTrackedReviewersArgs,
  SignedRunsWorkerPoolArgs,
  SignedRunsWorkerPoolSelection,
  SignedRunsWorkflowArgs,
} from "./args";
