/**
 * One repository, several stacks, each with its own project root: a push
 * triggers only the stacks whose files changed (one workflow per stack, with
 * `on.push.paths` from the project root and extra globs). Two stacks exist
 * already; the component creates the third on its own worker pool.
 *
 * In your own project, import from "pulumi-spacelift-signed-runs" instead of "../../components".
 */
import { SignedRuns, type SignedRunsStackArgs } from "../../components";

export const MONOREPO_STACKS: SignedRunsStackArgs[] = [
  // Shared modules change the network too.
  { id: "network-prod", projectRoot: "network", additionalProjectGlobs: ["modules/**"] },
  { id: "cluster-prod", projectRoot: "cluster", additionalProjectGlobs: ["modules/**"] },
  // Tracks its own branch: pushes to "staging" make tracked runs, pushes elsewhere proposed ones.
  {
    id: "cluster-staging",
    projectRoot: "cluster",
    branch: "staging",
    create: {
      name: "Cluster (staging)",
      labels: ["signed-runs"],
      autodeploy: true,
      vendor: { terraform: { workflowTool: "OPEN_TOFU", version: "1.8.0" } },
    },
  },
];

export function monorepoExample(config: {
  githubOwner: string;
  githubRepository: string;
  spaceliftEndpoint: string;
  oidcApiKeyId: string;
}) {
  const signedRuns = new SignedRuns("platform", {
    github: { owner: config.githubOwner, repository: config.githubRepository, branch: "main" },
    stacks: MONOREPO_STACKS,
    // An OIDC API key: the workflow exchanges GitHub's OIDC token, so GitHub stores no Spacelift credential.
    spacelift: { endpoint: config.spaceliftEndpoint, apiKey: { oidc: { apiKeyId: config.oidcApiKeyId } } },
    workerPool: { name: "platform (signed runs)", labels: ["signed-runs"] },
    signing: { algorithm: "ES256", keys: ["2026-11"] },
  });
  return {
    signedRuns,
    outputs: {
      stackIds: signedRuns.stackIds,
      workflowFiles: signedRuns.workflowFiles.apply((files) => files.map((file) => file.path)),
      workerPoolId: signedRuns.workerPoolId,
      initializationPolicy: signedRuns.initializationPolicy,
      launcherEnvironment: signedRuns.launcherEnvironment,
    },
  };
}
