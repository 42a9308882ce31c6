/**
 * Bulk onboarding for real: `scripts/with-engine.sh spacelift-signed-runs onboard --repositories FILE
 * --backend file://…`, as docs/bulk-onboarding.md runs it, on the three repositories of
 * examples/bulk-onboarding/repositories.json, through the Automation API, the real engine and the stand-ins.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { createEngineProject } from "./support/engineProject";
import {
  environmentsOf,
  expectedEnvironments,
  proposedKid,
  repositorySecretNames,
  trackedKid,
  workflowFile,
} from "./support/engineExpectations";
import { readFakeGithub, readFakeSpacelift } from "./support/standins";

test("onboard --repositories FILE --backend file://… onboards three repositories and the shared pool with per-repository progress and a summary; a second run changes nothing", async () => {
  const project = createEngineProject();
  try {
    await project.withEngine([
      "seed-standins",
      "--repository",
      "acme/billing:main",
      "--repository",
      "acme/search:main,dev",
      "--repository",
      "acme/identity:main",
      "--stack",
      "billing-prod=billing@main",
      "--stack",
      "search-prod=search@main",
      "--stack",
      "search-dev=search@dev",
      "--stack",
      "identity-prod=identity@main",
    ]);
    const backend = `file://${path.join(project.dir, "onboarding-state")}`;
    // The package's bin (dist/cli/main.js) stands for `npx spacelift-signed-runs`, as in test/cliReadme.test.ts:
    // npx does not resolve a package's own bin in a copy whose node_modules is a link.
    const onboard = [
      "node",
      "dist/cli/main.js",
      "onboard",
      "--repositories",
      "examples/bulk-onboarding/repositories.json",
      "--backend",
      backend,
    ];

    const first = await project.withEngine(onboard);
    const lines = first.stdout.trim().split("\n");
    const expectLine = (pattern: RegExp) =>
      assert.ok(
        lines.some((l) => pattern.test(l)),
        `a line matches ${pattern}:\n${first.stdout}`,
      );
    expectLine(/^\[1\/3\] acme\/billing: starting, 1 stack\(s\) \(billing-prod\)$/);
    expectLine(
      /^\[1\/3\] acme\/billing: onboarded in \d+\.\ds, keys acme\.billing:proposed:1, acme\.billing:tracked:main:1$/,
    );
    expectLine(/^\[2\/3\] acme\/search: starting, 2 stack\(s\) \(search-prod, search-dev\)$/);
    expectLine(/^\[2\/3\] acme\/search: onboarded in /);
    expectLine(/^\[3\/3\] acme\/identity: onboarded in /);
    // Per repository a proposed key and a tracked key per tracked branch: 2 + 3 + 2.
    expectLine(/^pool: \S+ trusts 7 key\(s\) of 3 repositories, each for its own stacks; redeploy the launchers/);
    expectLine(/^summary: 3 of 3 repositories onboarded, 0 failed; pool updated; \d+\.\ds in total$/);

    const gh = readFakeGithub(project.githubWorld);
    for (const [repository, stacks, branches] of [
      ["billing", ["billing-prod"], ["main"]],
      ["search", ["search-prod", "search-dev"], ["main", "dev"]],
      ["identity", ["identity-prod"], ["main"]],
    ] as const) {
      const repo = gh.repositories[`acme/${repository}`];
      assert.deepEqual(
        Object.keys(repo.secrets).sort(),
        repositorySecretNames(["1"], "none"),
        `acme/${repository}'s secrets`,
      );
      assert.deepEqual(
        environmentsOf(repo),
        expectedEnvironments([...branches], ["1"]),
        `acme/${repository}'s environments`,
      );
      assert.deepEqual(
        Object.keys(repo.branches.main.files).sort(),
        stacks.map(workflowFile).sort(),
        `acme/${repository}'s workflows`,
      );
      for (const kid of [
        proposedKid("acme", repository, "1"),
        ...branches.map((branch) => trackedKid("acme", repository, branch, "1")),
      ])
        assert.ok(first.stdout.includes(kid), `the progress names ${kid}`);
    }
    const sl = readFakeSpacelift(project.spaceliftWorld);
    assert.equal(Object.keys(sl.workerPools).length, 1, "one shared pool");
    assert.deepEqual(
      Object.values(sl.attachments)
        .map((a) => a.stackId)
        .sort(),
      ["billing-prod", "identity-prod", "search-dev", "search-prod"],
    );

    // The second run: same lines, and the fake worlds are byte for byte what the first run left (no secret rewritten, no file committed, no token reset).
    const before = [
      JSON.stringify(readFakeGithub(project.githubWorld)),
      JSON.stringify(readFakeSpacelift(project.spaceliftWorld)),
    ];
    const second = await project.withEngine(onboard);
    assert.match(second.stdout, /^summary: 3 of 3 repositories onboarded, 0 failed; pool updated; /m);
    assert.deepEqual(
      [JSON.stringify(readFakeGithub(project.githubWorld)), JSON.stringify(readFakeSpacelift(project.spaceliftWorld))],
      before,
      "the second run changed the fake worlds",
    );
    assert.deepEqual(project.survivors, [], "no process outlived an onboarding run");
  } finally {
    assert.deepEqual(await project.close(), [], "no process was left when the project closed");
  }
});
