/**
 * The plain decision functions behind the components, without Pulumi:
 * kids, environments and secret names, key generations, tracked branches,
 * reviewers, endpoint normalisation, the launcher environment and the grants.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as schema from "../components/schema/component";
import {
  keyId,
  githubOwner,
  githubRepositoryName,
  branchName,
  launcherPolicyPath,
  normalizeEndpoint,
  spaceliftEndpoint,
} from "../components/schema/primitives";
import { parseInput } from "../components/schema/problems";
import { SignedRunsInputError } from "../components/schema/inputError";
import {
  planKeyGenerations,
  proposedKeyId,
  proposedSecretName,
  trackedEnvironmentName,
  trackedKeyId,
  trackedSecretName,
} from "../components/signedRuns/keyGenerations";
import { DEFAULT_LAUNCHER_POLICY_PATH, buildLauncherEnvironment } from "../components/signedRuns/launcherEnvironment";
import {
  planRepository,
  planTrackedBranches,
  workflowResourceSuffix,
} from "../components/signedRuns/signedRunsRepository";
import { planWorkerPool } from "../components/signedRuns/signedRunsWorkerPool";

const assertKeyId = (field: string, value: unknown) => parseInput(keyId, value, field);

test("kids: <owner>.<repository>:proposed:<generation> and <owner>.<repository>:tracked:<branch>:<generation>, lowercased owner and repository, deterministic", () => {
  assert.equal(proposedKeyId("acme", "payments-infra", "2026-11"), "acme.payments-infra:proposed:2026-11");
  assert.equal(proposedKeyId("Acme", "Payments_Infra", "1"), "acme.payments_infra:proposed:1");
  assert.equal(trackedKeyId("acme", "payments-infra", "main", "2026-11"), "acme.payments-infra:tracked:main:2026-11");
  assert.equal(
    trackedKeyId("acme", "payments-infra", "Main", "1"),
    "acme.payments-infra:tracked:Main:1",
    "branches are case-sensitive in Git",
  );
  assert.equal(trackedKeyId("acme", "r", "staging", "1"), trackedKeyId("acme", "r", "staging", "1"));
  // Owners have no '.', and no part has ':': repository and generation boundaries cannot shift.
  assert.notEqual(proposedKeyId("acme", "a.b", "1"), proposedKeyId("acme", "a", "b.1"));
  assert.notEqual(proposedKeyId("acme", "web", "1"), proposedKeyId("acme-web", "web", "1"));
  assert.notEqual(trackedKeyId("acme", "r", "main", "1"), proposedKeyId("acme", "r", "1"));
});

test("tracked kids: a branch with '/' or '+' is cleaned and hashed, so release/1, release-1 and release+1 never share a kid", () => {
  const kids = ["release/1", "release-1", "release+1"].map((branch) => trackedKeyId("acme", "r", branch, "1"));
  assert.equal(kids[1], "acme.r:tracked:release-1:1");
  assert.match(kids[0], /^acme\.r:tracked:release-1-[0-9a-f]{8}:1$/);
  assert.equal(new Set(kids).size, 3);
  for (const kid of kids) assertKeyId("kid", kid);
});

test("kids: a name too long for 128 characters is cut and made unique with a hash, the generation kept", () => {
  const owner = "o".repeat(39);
  const repositoryA = `${"r".repeat(99)}a`;
  const repositoryB = `${"r".repeat(99)}b`;
  for (const derive of [
    (r: string) => proposedKeyId(owner, r, "2026-11"),
    (r: string) => trackedKeyId(owner, r, "b".repeat(200), "2026-11"),
  ]) {
    const a = derive(repositoryA);
    const b = derive(repositoryB);
    assert.equal(a.length, 128);
    assert.ok(a.endsWith(":2026-11"));
    assert.notEqual(a, b);
    assertKeyId("kid", a);
    assertKeyId("kid", b);
    assert.equal(derive(repositoryA), a, "deterministic");
  }
  assert.notEqual(
    trackedKeyId(owner, repositoryA, `${"b".repeat(199)}x`, "1"),
    trackedKeyId(owner, repositoryA, `${"b".repeat(199)}y`, "1"),
  );
});

test("environments: spacelift-<branch>; '+' cleaned with a hash; at most 255 characters; distinct branches, distinct environments", () => {
  assert.equal(trackedEnvironmentName("main"), "spacelift-main");
  assert.equal(trackedEnvironmentName("release/1.x"), "spacelift-release/1.x");
  assert.match(trackedEnvironmentName("a+b"), /^spacelift-a-b-[0-9a-f]{8}$/);
  assert.notEqual(trackedEnvironmentName("a+b"), trackedEnvironmentName("a-b"));
  const long = trackedEnvironmentName("b".repeat(255));
  assert.equal(long.length, 255);
  assert.notEqual(long, trackedEnvironmentName(`${"b".repeat(254)}c`));
});

test('key generations: default one generation "1", the last is active; a repository secret for the proposed key and an environment secret name for the tracked keys', () => {
  assert.deepEqual(planKeyGenerations({}), [
    {
      generation: "1",
      proposedSecretName: "SPACELIFT_RUN_SIGNING_KEY_PROPOSED_1",
      trackedSecretName: "SPACELIFT_RUN_SIGNING_KEY_TRACKED_1",
      active: true,
    },
  ]);
  assert.deepEqual(
    planKeyGenerations({ keys: ["2026-05", "2026-11"] }).map((g) => [g.generation, g.active]),
    [
      ["2026-05", false],
      ["2026-11", true],
    ],
  );
  assert.deepEqual(
    planKeyGenerations({ keys: ["2026-05", "2026-11"], activeKey: "2026-05" }).map((g) => g.active),
    [true, false],
  );
  assert.deepEqual(
    planKeyGenerations({ keys: ["v1.a"], secretName: "SIGNING" }).map((g) => [
      g.proposedSecretName,
      g.trackedSecretName,
    ]),
    [["SIGNING_PROPOSED_V1_A", "SIGNING_TRACKED_V1_A"]],
  );
  assert.equal(
    proposedSecretName("SPACELIFT_RUN_SIGNING_KEY", "2026-11"),
    "SPACELIFT_RUN_SIGNING_KEY_PROPOSED_2026_11",
  );
  assert.equal(trackedSecretName("SPACELIFT_RUN_SIGNING_KEY", "2026-11"), "SPACELIFT_RUN_SIGNING_KEY_TRACKED_2026_11");
});

test("tracked branches: distinct, in the order of their first stack, each with its stacks; a glob character is refused", () => {
  const plan = planTrackedBranches(
    [{ id: "a" }, { id: "b", branch: "staging" }, { id: "c" }, { id: "d", branch: "release/1" }],
    "main",
  );
  assert.deepEqual(
    plan.map((b) => [b.branch, b.environment, b.stacks]),
    [
      ["main", "spacelift-main", ["a", "c"]],
      ["staging", "spacelift-staging", ["b"]],
      ["release/1", "spacelift-release/1", ["d"]],
    ],
  );
  assert.match(plan[2].resourceSuffix, /^release-1-[0-9a-f]{8}$/);
  const github = { owner: "acme", repository: "r" };
  const spacelift = { endpoint: "https://acme.app.spacelift.io" };
  assert.throws(
    () =>
      parseInput(schema.signedRunsRepositoryArgs, {
        github,
        spacelift,
        stacks: [{ id: "a" }, { id: "b", branch: "release-{1,2}" }],
      }),
    { name: "SignedRunsInputError", message: /^stacks\[1\]\.branch: "release-\{1,2\}" has a glob character/ },
  );
  assert.throws(
    () =>
      parseInput(schema.signedRunsRepositoryArgs, {
        github: { ...github, branch: "v{1}" },
        spacelift,
        stacks: [{ id: "a" }],
      }),
    { message: /^github\.branch: "v\{1\}" has a glob character/ },
  );
});

test("tracked reviewers: 1 to 6 positive ids, users and teams", () => {
  const planReviewers = (trackedReviewers: unknown) =>
    parseInput(schema.trackedReviewers, trackedReviewers, "signing.trackedReviewers");
  const base = {
    github: { owner: "acme", repository: "r" },
    stacks: [{ id: "s" }],
    spacelift: { endpoint: "https://acme.app.spacelift.io" },
  };
  assert.equal(planRepository(base).reviewers, undefined);
  assert.deepEqual(planRepository({ ...base, signing: { trackedReviewers: { teams: [7] } } }).reviewers, {
    users: [],
    teams: [7],
  });
  assert.deepEqual(
    planRepository({ ...base, signing: { trackedReviewers: { users: [1, 2], teams: [3] } } }).reviewers,
    { users: [1, 2], teams: [3] },
  );
  for (const [bad, field] of [
    [{}, "signing.trackedReviewers"],
    [{ users: [1, 2, 3, 4], teams: [5, 6, 7] }, "signing.trackedReviewers"],
    [{ users: ["octocat"] }, "signing.trackedReviewers.users[0]"],
    [{ teams: [0] }, "signing.trackedReviewers.teams[0]"],
    [{ users: [1, 1] }, "signing.trackedReviewers.users"],
    [{ reviewers: [1] }, "signing.trackedReviewers.reviewers"],
  ] as const) {
    assert.throws(
      () => planReviewers(bad as never),
      (error: Error & { field?: string }) => error.field === field,
      JSON.stringify(bad),
    );
  }
});

test("endpoint: https origin only; a trailing slash is dropped", () => {
  const normalized = (value: string) => normalizeEndpoint(parseInput(spaceliftEndpoint, value, "e"));
  assert.equal(normalized("https://acme.app.spacelift.io/"), "https://acme.app.spacelift.io");
  assert.equal(normalized("https://acme.app.spacelift.io"), "https://acme.app.spacelift.io");
  assert.equal(normalized("https://spacelift.internal:8443"), "https://spacelift.internal:8443");
  for (const bad of [
    "http://acme.app.spacelift.io",
    "https://acme.app.spacelift.io/graphql",
    "https://acme.app.spacelift.io/#x",
    "ftp://x",
    "",
    42,
  ]) {
    assert.throws(
      () => parseInput(spaceliftEndpoint, bad, "spacelift.endpoint"),
      { name: "SignedRunsInputError", message: /^spacelift\.endpoint: / },
      String(bad),
    );
  }
});

test("GitHub names and branches follow GitHub's and Git's rules", () => {
  const assertGithubOwner = (field: string, value: string) => parseInput(githubOwner, value, field);
  const assertGithubRepositoryName = (field: string, value: string) => parseInput(githubRepositoryName, value, field);
  const assertBranchName = (field: string, value: string) => parseInput(branchName(), value, field);
  for (const good of ["acme", "a", "acme-corp", "A1-b2"]) assert.doesNotThrow(() => assertGithubOwner("o", good), good);
  for (const bad of ["", "-acme", "acme-", "ac--me", "ac.me", "o".repeat(40)])
    assert.throws(() => assertGithubOwner("o", bad), { name: "SignedRunsInputError" }, bad);
  for (const good of ["payments", "a.b_c-d", ".github"])
    assert.doesNotThrow(() => assertGithubRepositoryName("r", good), good);
  for (const bad of ["", ".", "..", "a/b", "a b", "r".repeat(101)])
    assert.throws(() => assertGithubRepositoryName("r", bad), { name: "SignedRunsInputError" }, bad);
  for (const good of ["main", "release/1.2", "feature_x-y"])
    assert.doesNotThrow(() => assertBranchName("b", good), good);
  for (const bad of ["", "/main", "main/", "a..b", "a b", "a~b", "a^b", "a:b", "x.lock", "a@{b", "-x"])
    assert.throws(() => assertBranchName("b", bad), { name: "SignedRunsInputError" }, bad);
});

test("launcher environment: the pool's config and base64 key, then the policy path; only the path for an existing pool", () => {
  assert.deepEqual(buildLauncherEnvironment({ config: "c", privateKey: "k" }, "/p.rego"), {
    SPACELIFT_TOKEN: "c",
    SPACELIFT_POOL_PRIVATE_KEY: "k",
    SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY: "/p.rego",
  });
  assert.deepEqual(buildLauncherEnvironment(undefined, DEFAULT_LAUNCHER_POLICY_PATH), {
    SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY: DEFAULT_LAUNCHER_POLICY_PATH,
  });
  assert.throws(() => parseInput(launcherPolicyPath, "/with space.rego", "launcher.policyPath"), {
    message: /^launcher\.policyPath: "\/with space\.rego" is not an absolute path/,
  });
});

test("worker pool plan: existing id or settings, lifetime, issuer and path defaults", () => {
  assert.deepEqual(planWorkerPool({}), {
    maxTokenLifetimeSeconds: 3600,
    issuer: undefined,
    policyPath: DEFAULT_LAUNCHER_POLICY_PATH,
    existingPoolId: undefined,
  });
  assert.equal(planWorkerPool({ workerPool: { id: "01H" } }).existingPoolId, "01H");
  assert.equal(planWorkerPool({ issuer: "github-actions" }).issuer, "github-actions");
  const repositories = [{ repository: "acme/billing", stacks: ["billing-prod"], trustedKeys: pulumiLessKeys() }];
  assert.throws(() => parseInput(schema.signedRunsWorkerPoolArgs, { repositories, issuer: "" }), {
    message: /^issuer: "" is not an issuer/,
  });
  assert.throws(
    () => parseInput(schema.signedRunsWorkerPoolArgs, { repositories, workerPool: { id: "01H", labels: ["x"] } }),
    { message: /^workerPool: gives id together with labels/ },
  );
});

test("grants: plain stacks each granted once, a repository granted once; every problem reported; the old trustedKeys argument names the fix", () => {
  const keys = pulumiLessKeys();
  const grants = [
    { repository: "acme/billing", stacks: ["billing-prod"], trustedKeys: keys },
    { repository: "acme/search", stacks: ["search-prod"], trustedKeys: keys },
  ];
  const validateGrants = (repositories: unknown, trustedKeys?: unknown) =>
    parseInput(schema.signedRunsWorkerPoolArgs, { repositories, trustedKeys });
  assert.doesNotThrow(() => validateGrants(grants));
  assert.throws(() => validateGrants(grants, [keys]), {
    name: "SignedRunsInputError",
    message: /^trustedKeys: is no longer taken.*Fix: pass repositories: \[\{ repository: "acme\/payments-infra"/,
  });
  assert.throws(() => validateGrants([]), { message: /^repositories: lists no repository/ });
  const twice = [
    { repository: "acme/billing", stacks: ["shared-prod", "billing-prod"], trustedKeys: keys },
    { repository: "acme/search", stacks: ["shared-prod"], trustedKeys: keys },
    { repository: "ACME/billing", stacks: ["billing-prod", "Bad Stack"], trustedKeys: keys },
  ];
  assert.throws(
    () => validateGrants(twice),
    (error: SignedRunsInputError) => {
      const lines = error.message.split("\n");
      assert.equal(lines.length, 4, error.message);
      assert.match(error.message, /^repositories\[2\]\.stacks\[1\]: "Bad Stack" is not a Spacelift stack id/m);
      assert.match(
        error.message,
        /^repositories\[1\]\.stacks\[0\]: stack "shared-prod" is granted to acme\/billing too\. Fix: /m,
      );
      assert.match(
        error.message,
        /^repositories\[2\]\.repository: "ACME\/billing" is granted in repositories\[0\] too\. Fix: /m,
      );
      assert.match(
        error.message,
        /^repositories\[2\]\.stacks\[0\]: stack "billing-prod" is granted to acme\/billing too\. Fix: /m,
      );
      return true;
    },
  );
});

function pulumiLessKeys() {
  return [
    {
      kid: "k",
      algorithm: "HS256" as const,
      secret: "s".repeat(40),
      stacks: ["billing-prod"],
      runTypes: ["TRACKED" as const],
    },
  ];
}

test("repository plan: auth mode and algorithm decided from plain values", () => {
  const base = {
    github: { owner: "acme", repository: "r" },
    stacks: [{ id: "s" }],
    spacelift: { endpoint: "https://acme.app.spacelift.io" },
  };
  assert.equal(planRepository(base).authMode, "external");
  assert.equal(
    planRepository({ ...base, spacelift: { ...base.spacelift, apiKey: { id: "i", secret: "s" } } }).authMode,
    "apiKey",
  );
  assert.equal(
    planRepository({ ...base, spacelift: { ...base.spacelift, apiKey: { oidc: { apiKeyId: "i" } } } }).authMode,
    "oidc",
  );
  assert.equal(planRepository(base).algorithm, "ES256", "ES256 by default");
  assert.equal(planRepository({ ...base, signing: { algorithm: "HS256" } }).algorithm, "HS256");
});

test("workflow resource names come from the file name", () => {
  assert.equal(workflowResourceSuffix(".github/workflows/spacelift-signed-run-web.yml"), "spacelift-signed-run-web");
  assert.equal(workflowResourceSuffix(".github/workflows/a b.yaml"), "a-b");
});
