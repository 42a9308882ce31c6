/**
 * The component set-ups the tests (and the schema contract test) run under
 * mocks. Each builds resources and returns the components it made.
 */
import * as pulumi from "@pulumi/pulumi";
import type { TrustedKey } from "../../components/policy/initializationPolicy";
import { SignedRuns } from "../../components/signedRuns/signedRuns";
import type { SignedRunsArgs } from "../../components/signedRuns/args";
import { SignedRunsRepository } from "../../components/signedRuns/signedRunsRepository";
import { SignedRunsWorkerPool } from "../../components/signedRuns/signedRunsWorkerPool";

export const API_KEY_SECRET = "api-key-secret-DO-NOT-LEAK-7f3a9c";
export const API_KEY_ID = "01HAPIKEYID0000000000000000";

export function singleStackArgs(overrides: Partial<SignedRunsArgs> = {}): SignedRunsArgs {
  return {
    github: { owner: "acme", repository: "payments-infra" },
    stacks: [{ id: "payments-prod" }],
    spacelift: { endpoint: "https://acme.app.spacelift.io", apiKey: { id: API_KEY_ID, secret: API_KEY_SECRET } },
    ...overrides,
  };
}

export function monorepoArgs(): SignedRunsArgs {
  return {
    github: { owner: "acme", repository: "platform", branch: "trunk" },
    stacks: [
      { id: "network-prod", projectRoot: "network", additionalProjectGlobs: ["modules/**"] },
      { id: "cluster-prod", projectRoot: "cluster" },
      { id: "cluster-staging", projectRoot: "cluster", branch: "staging" },
    ],
    spacelift: {
      endpoint: "https://acme.app.spacelift.io/",
      apiKey: { oidc: { apiKeyId: "01HOIDCKEY", audience: "acme" } },
    },
    workflow: { branch: "trunk", commitMessage: "ci: signed runs" },
  };
}

export function createdStacksArgs(): SignedRunsArgs {
  return {
    github: { owner: "acme", repository: "apps" },
    stacks: [
      {
        id: "web-prod",
        projectRoot: "web",
        create: {
          name: "Web (production)",
          spaceId: "prod-space",
          labels: ["team:web"],
          description: "Web tier",
          administrative: false,
          autodeploy: true,
          protectFromDeletion: true,
          runnerImage: "public.ecr.aws/spacelift/runner-pulumi-javascript:latest",
          vendor: { pulumi: { loginUrl: "s3://acme-pulumi-state", stackName: "web-prod" } },
        },
      },
      {
        id: "db-prod",
        projectRoot: "db",
        branch: "release",
        create: { vendor: { terraform: { workflowTool: "OPEN_TOFU", version: "1.8.0", workspace: "prod" } } },
      },
      { id: "legacy-prod" },
    ],
    spacelift: { endpoint: "https://acme.app.spacelift.io", apiKey: { id: API_KEY_ID, secret: API_KEY_SECRET } },
    workerPool: { name: "apps pool", description: "signed runs only", labels: ["signed"], spaceId: "prod-space" },
    pushPolicy: { name: "apps: ignore pushes", labels: ["signed-runs"], spaceId: "prod-space", engineType: "REGO_V1" },
  };
}

export function rotationArgs(
  keys: string[],
  activeKey?: string,
  algorithm: "HS256" | "ES256" = "HS256",
  trackedReviewers?: { users?: number[]; teams?: number[] },
): SignedRunsArgs {
  return singleStackArgs({
    stacks: [{ id: "payments-prod" }, { id: "payments-dev", branch: "dev" }],
    signing: {
      algorithm,
      keys,
      ...(activeKey !== undefined ? { activeKey } : {}),
      ...(trackedReviewers !== undefined ? { trackedReviewers } : {}),
    },
  });
}

export const SHARED_REPOSITORIES = [
  { repository: "billing", stacks: ["billing-prod"] },
  { repository: "search", stacks: ["search-prod", "search-dev"] },
  { repository: "identity", stacks: ["identity-prod"] },
] as const;

/**
 * Three repositories, one pool: the pool's owner grants each repository its own
 * stacks. The shared pool is created first, as in bulk onboarding; repositories
 * get its id for their created stacks, and their keys reach the grants once
 * they exist.
 */
export function sharedPool(
  algorithm: "HS256" | "ES256" = "HS256",
  poolSettings: { id?: string } = {},
): { repositories: SignedRunsRepository[]; pool: SignedRunsWorkerPool } {
  const deferred = SHARED_REPOSITORIES.map(() => pulumi.deferredOutput<TrustedKey[]>());
  const pool = new SignedRunsWorkerPool("shared", {
    workerPool: poolSettings.id !== undefined ? { id: poolSettings.id } : { name: "shared signed-runs pool" },
    repositories: SHARED_REPOSITORIES.map((repo, index) => ({
      repository: `acme/${repo.repository}`,
      stacks: [...repo.stacks],
      trustedKeys: deferred[index][0],
    })),
    launcher: { policyPath: "/opt/spacelift/policy.rego" },
  });
  const repositories = SHARED_REPOSITORIES.map(
    (repo) =>
      new SignedRunsRepository(repo.repository, {
        github: { owner: "acme", repository: repo.repository },
        stacks: repo.stacks.map((id, index) => (index === 0 ? { id, create: {} } : { id, branch: "dev" })),
        spacelift: { endpoint: "https://acme.app.spacelift.io" },
        workerPoolId: pool.workerPoolId,
        signing: { algorithm },
      }),
  );
  repositories.forEach((repository, index) => deferred[index][1](repository.trustedKeys));
  return { repositories, pool };
}

/** Every scenario, for tests that check properties of all of them (schema contract, secrets). */
export const ALL_SCENARIOS: Record<string, () => unknown> = {
  "single stack": () => new SignedRuns("payments", singleStackArgs()),
  monorepo: () => new SignedRuns("platform", monorepoArgs()),
  "created stacks": () => new SignedRuns("apps", createdStacksArgs()),
  "existing pool": () => new SignedRuns("payments", singleStackArgs({ workerPool: { id: "01HEXISTINGPOOL" } })),
  "existing push policy": () =>
    new SignedRuns("payments", singleStackArgs({ pushPolicy: { id: "existing-push-policy" } })),
  HS256: () => new SignedRuns("payments", singleStackArgs({ signing: { algorithm: "HS256" } })),
  "tracked reviewers": () =>
    new SignedRuns("payments", rotationArgs(["1"], undefined, "ES256", { users: [1001], teams: [2002] })),
  "rotation, two generations": () => new SignedRuns("payments", rotationArgs(["2026-05", "2026-11"], "2026-05")),
  "shared pool": () => sharedPool(),
};
