/**
 * What the component leaves in the fake worlds, in one place, so the end-to-end engine tests
 * (test/engineEndToEnd.test.ts, test/engineOnboard.test.ts) follow the component when its design
 * changes. Written from the design (issue 8, docs/component.md), not imported from the component,
 * so a change of names in the component shows up here as a failure: per key generation a proposed
 * key in a repository Actions secret, and per tracked branch a tracked key in an environment secret
 * of `spacelift-<branch>`, an environment whose custom deployment branch policy admits only that branch.
 */
import type { FakeRepository } from "./standins";

const PREFIX = "SPACELIFT_RUN_SIGNING_KEY";

function secretSuffix(generation: string): string {
  return generation.replace(/[^A-Za-z0-9]/g, "_").toUpperCase();
}

/** The repository Actions secret of a generation's proposed key. */
export function proposedSecretName(generation: string): string {
  return `${PREFIX}_PROPOSED_${secretSuffix(generation)}`;
}

/** The environment secret of a generation's tracked key (the same name in every tracked branch's environment). */
export function trackedSecretName(generation: string): string {
  return `${PREFIX}_TRACKED_${secretSuffix(generation)}`;
}

/** The kid of a repository's proposed key of one generation. */
export function proposedKid(owner: string, repository: string, generation: string): string {
  return `${owner}.${repository}:proposed:${generation}`;
}

/** The kid of a repository's tracked key of one branch (letters, digits, '.', '_', '-' only here) and generation. */
export function trackedKid(owner: string, repository: string, branch: string, generation: string): string {
  return `${owner}.${repository}:tracked:${branch}:${generation}`;
}

/** The GitHub environment of a tracked branch. */
export function environmentName(branch: string): string {
  return `spacelift-${branch}`;
}

/** Repository secrets of a SignedRuns: the Spacelift API key's (secret-key mode only) and each generation's proposed key, sorted. */
export function repositorySecretNames(generations: string[], apiKey: "secret" | "oidc" | "none"): string[] {
  return [
    ...(apiKey === "secret" ? ["SPACELIFT_API_KEY_ID", "SPACELIFT_API_KEY_SECRET"] : []),
    ...generations.map(proposedSecretName),
  ].sort();
}

/** An environment as the tests compare it: its deployment branch policy, its branch policies and its secrets' names. */
export interface EnvironmentShape {
  deploymentBranchPolicy: { protectedBranches: boolean; customBranchPolicies: boolean } | null;
  branchPolicies: Array<{ name: string; type: string }>;
  secrets: string[];
}

/** The environments a repository should have: one per tracked branch, admitting exactly that branch, holding each generation's tracked key. */
export function expectedEnvironments(
  trackedBranches: string[],
  generations: string[],
): Record<string, EnvironmentShape> {
  return Object.fromEntries(
    [...trackedBranches].sort().map((branch) => [
      environmentName(branch),
      {
        deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
        branchPolicies: [{ name: branch, type: "branch" }],
        secrets: generations.map(trackedSecretName).sort(),
      },
    ]),
  );
}

/** The environments of a fake repository in the shape of expectedEnvironments. */
export function environmentsOf(repo: FakeRepository): Record<string, EnvironmentShape> {
  return Object.fromEntries(
    Object.entries(repo.environments ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, env]) => [
        name,
        {
          deploymentBranchPolicy: env.deploymentBranchPolicy,
          branchPolicies: Object.values(env.branchPolicies ?? {}).map(({ name: policy, type }) => ({
            name: policy,
            type,
          })),
          secrets: Object.keys(env.secrets ?? {}).sort(),
        },
      ]),
  );
}

/** The workflow file of one stack, on the repository's branch. */
export function workflowFile(stackId: string): string {
  return `.github/workflows/spacelift-signed-run-${stackId}.yml`;
}

/**
 * The resources holding the private keys, and the output the GitHub secrets are set from (ES256):
 * `<name>-proposed-key-<generation>` and `<name>-tracked-key-<generation>-<branch>`.
 */
export const SIGNING_KEY_RESOURCE = {
  type: "tls:index/privateKey:PrivateKey",
  proposedSuffix: (generation: string) => `-proposed-key-${generation}`,
  trackedSuffix: (generation: string, branch: string) => `-tracked-key-${generation}-${branch}`,
  privateOutput: "privateKeyPemPkcs8",
};
