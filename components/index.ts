/**
 * The package's public API: the three components, the renderers and token
 * functions they are built from, the Spacelift binding, the input error, and
 * the types their signatures use. Everything else is internal and may change
 * in any release; the modules export it for the package's own CLI and tests.
 */

// The components.
export { SignedRuns } from "./signedRuns";
export { SignedRunsRepository } from "./signedRunsRepository";
export { SignedRunsWorkerPool } from "./signedRunsWorkerPool";
export type { KubernetesLauncherResources } from "./kubernetes/launcher";
export type { KubernetesNames } from "./kubernetes/manifests";
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
} from "./signedRunsArgs";

// Bad input, before any resource is registered.
export { SignedRunsInputError } from "./inputError";
export type { InputProblem } from "./inputError";

// The renderers, for programs that provision the pieces themselves.
export { renderInitializationPolicy } from "./initializationPolicy";
export type { EcdsaTrustedKey, HmacTrustedKey, InitializationPolicyOptions, RepositoryGrant, TrustedKey } from "./initializationPolicy";
export { renderPushPolicy } from "./pushPolicy";
export { renderWorkflows } from "./workflows";
export type { SpaceliftAuth, WorkflowFile, WorkflowOptions, WorkflowSigning, WorkflowStack } from "./workflows";

// The run token, for CI systems other than GitHub Actions and for checks.
export { signRunToken, verifyRunToken } from "./runToken";
export type { LauncherInput, RunSigningKey, RunTokenVerdict, SignRunTokenOptions } from "./runToken";
export type { RunTokenClaims, RunType, SigningAlgorithm } from "./runTokenContract";

// The small Spacelift binding the components declare their resources with.
export * as spacelift from "./spacelift";
