/**
 * One measurement for `npm run bench:component`, run in a fresh process by
 * bench/component.ts: N repositories of 2 stacks each, all on one shared
 * SignedRunsWorkerPool, registered in one program under Pulumi's mocks.
 * Prints one JSON line: resources registered, wall time, peak RSS.
 */
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import type { TrustedKey } from "../components/policy/initializationPolicy";
import { SignedRunsRepository } from "../components/signedRuns/signedRunsRepository";
import { SignedRunsWorkerPool } from "../components/signedRuns/signedRunsWorkerPool";
import { promiseOf, runWithMocks } from "../test/support/pulumiMocks";

async function main(): Promise<void> {
  const repositories = Number(process.argv[2]);
  if (!Number.isInteger(repositories) || repositories < 1) throw new Error("usage: componentProgram.js <repositories>");
  const started = performance.now();
  const run = await runWithMocks(() => {
    // Each repository is granted its own stacks; its keys reach the pool once the repository exists.
    const deferred = Array.from({ length: repositories }, () => pulumi.deferredOutput<TrustedKey[]>());
    const stacksOf = (i: number) => [`service-${i}-prod`, `service-${i}-dev`];
    const pool = new SignedRunsWorkerPool("shared", {
      repositories: deferred.map(([keys], i) => ({
        repository: `acme/service-${i}`,
        stacks: stacksOf(i),
        trustedKeys: keys,
      })),
    });
    const repos: SignedRunsRepository[] = [];
    for (let i = 0; i < repositories; i++) {
      repos.push(
        new SignedRunsRepository(`repo-${i}`, {
          github: { owner: "acme", repository: `service-${i}` },
          stacks: [
            { id: `service-${i}-prod`, create: {} },
            { id: `service-${i}-dev`, branch: "dev" },
          ],
          spacelift: { endpoint: "https://acme.app.spacelift.io" },
          workerPoolId: pool.workerPoolId,
        }),
      );
    }
    repos.forEach((repo, i) => deferred[i][1](repo.trustedKeys));
    // Both roots, so that the run waits until every repository's resources are registered.
    return { pool, repos };
  });
  const policy = await promiseOf(run.result.pool.initializationPolicy);
  // Per repository: the component, push policy, 2 attachments, 1 created stack, 2 workflow files, the proposed key and
  // its secret, and per tracked branch (main, dev) an environment, its branch policy, a tracked key and its secret.
  const expectedResources = 2 + 17 * repositories;
  if (run.resources.length !== expectedResources)
    throw new Error(`registered ${run.resources.length} resources, expected ${expectedResources}`);
  const wallMs = performance.now() - started;
  if (run.programErrors.length > 0) throw new Error(run.programErrors.join("\n"));
  const kids = (policy.match(/"acme\.service-\d+:proposed:1"/g) ?? []).length;
  if (kids !== repositories) throw new Error(`the policy trusts ${kids} keys, expected ${repositories}`);
  process.stdout.write(
    `${JSON.stringify({
      repositories,
      resources: run.resources.length,
      wallMs,
      peakRssKiB: process.resourceUsage().maxRSS,
      policyBytes: Buffer.byteLength(policy),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
