/**
 * What today's component leaves in the fake worlds, in one place, so the end-to-end engine tests
 * (test/engineEndToEnd.test.ts, test/engineOnboard.test.ts) follow the component when its design
 * changes (issue 8: environments and environment secrets for tracked keys).
 */

/** The GitHub secret of one key generation (components/signedRunsRepository.ts). */
export function signingKeySecretName(generation: string): string {
  return `SPACELIFT_RUN_SIGNING_KEY_${generation.replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}`;
}

/** The kid of a repository's key generation. */
export function kidOf(owner: string, repository: string, generation: string): string {
  return `${owner}.${repository}:${generation}`;
}

/** Repository secrets of a SignedRuns with a secret API key, sorted. */
export function repositorySecretNames(generations: string[], apiKey: "secret" | "oidc" | "none"): string[] {
  return [...(apiKey === "secret" ? ["SPACELIFT_API_KEY_ID", "SPACELIFT_API_KEY_SECRET"] : []), ...generations.map(signingKeySecretName)].sort();
}

/** Environments the component makes per repository (none today). */
export const ENVIRONMENTS_PER_REPOSITORY = 0;

/** The workflow file of one stack, on the repository's branch. */
export function workflowFile(stackId: string): string {
  return `.github/workflows/spacelift-signed-run-${stackId}.yml`;
}

/** The resource holding a key generation's private key, and its output the GitHub secret is set from. */
export const SIGNING_KEY_RESOURCE = { type: "tls:index/privateKey:PrivateKey", nameSuffix: (generation: string) => `-signing-key-${generation}`, privateOutput: "privateKeyPemPkcs8" };
