/**
 * Component, workflow and policy agree, end to end: under Pulumi's mocks the
 * component makes its keys, GitHub secrets, environments, workflow files and
 * policy; the generated workflow file is executed
 * (test/support/githubWorkflowHarness.ts) with the repository secrets and the
 * environments (branch policies, environment secrets) the component set; the
 * run token it sends to the
 * (fake, local) Spacelift API is judged by the component's
 * `initializationPolicy` in real OPA (every engine in test/support/opa.ts).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import type { TrustedKey } from "../components/policy/initializationPolicy";
import { signRunToken, type RunSigningKey } from "../components/runToken/runToken";
import { SignedRuns } from "../components/signedRuns/signedRuns";
import { PINNED_SPACECTL_VERSION } from "../components/workflow/renderWorkflows";
import { SHARED_REPOSITORIES, rotationArgs, sharedPool, singleStackArgs } from "./support/componentScenarios";
import type { FakeSpaceliftApi, RecordedRun } from "./support/fakeSpaceliftApi";
import { assertAllowedEverywhere, assertDeniedEverywhere } from "./support/opa";
import { promiseOf, runWithMocks, type MockRun } from "./support/pulumiMocks";
import type { GithubEnvironment } from "./support/githubWorkflowHarness";
import { executePush } from "./support/workflowTestbed";

const sha = () => randomBytes(20).toString("hex");

/** The GitHub secrets exactly as the component set them. */
function githubSecrets(run: MockRun, repository?: string): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const r of run.ofType("github:index/actionsSecret:ActionsSecret")) {
    if (repository === undefined || r.inputs.repository === repository)
      secrets[String(r.inputs.secretName)] = String(r.inputs.value);
  }
  return secrets;
}

/** The GitHub environments exactly as the component set them: branch policies and environment secrets. */
function githubEnvironments(run: MockRun, repository?: string): Record<string, GithubEnvironment> {
  const ours = (r: { inputs: Record<string, unknown> }) =>
    repository === undefined || r.inputs.repository === repository;
  const environments: Record<string, GithubEnvironment> = {};
  for (const r of run.ofType("github:index/repositoryEnvironment:RepositoryEnvironment").filter(ours)) {
    const name = String(r.inputs.environment);
    const policy = r.inputs.deploymentBranchPolicy as
      { protectedBranches: boolean; customBranchPolicies: boolean } | undefined;
    const customBranches = run
      .ofType("github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy")
      .filter((p) => ours(p) && p.inputs.environment === name)
      .map((p) => String(p.inputs.branchPattern));
    environments[name] = {
      deploymentBranchPolicy: policy?.customBranchPolicies
        ? { customBranches }
        : policy?.protectedBranches
          ? { protectedBranches: true }
          : undefined,
      secrets: Object.fromEntries(
        run
          .ofType("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret")
          .filter((e) => ours(e) && e.inputs.environment === name)
          .map((e) => [String(e.inputs.secretName), String(e.inputs.value)]),
      ),
    };
  }
  return environments;
}

function workflowFile(run: MockRun, stack: string, repository?: string): string {
  const file = run
    .ofType("github:index/repositoryFile:RepositoryFile")
    .find(
      (r) =>
        r.inputs.file === `.github/workflows/spacelift-signed-run-${stack}.yml` &&
        (repository === undefined || r.inputs.repository === repository),
    );
  assert.ok(file, `a workflow file for ${stack}`);
  return String(file.inputs.content);
}

interface SignedPush {
  api: FakeSpaceliftApi;
  run: RecordedRun;
  branch: string;
  trackedBranch: string;
}

/** Executes the component's workflow for `stack` on a push to `branch` and returns the one run it triggered. */
async function pushAndTrigger(
  mock: MockRun,
  stack: string,
  branch: string,
  trackedBranch: string,
  repository?: string,
): Promise<SignedPush> {
  // Repositories without spacelift.apiKey have the Spacelift API key secrets set by their owner, outside the component.
  const secrets = {
    SPACELIFT_API_KEY_ID: "01HUSERMANAGEDKEY",
    SPACELIFT_API_KEY_SECRET: "user-managed-secret",
    ...githubSecrets(mock, repository),
  };
  const { job, api } = await executePush(
    workflowFile(mock, stack, repository),
    [{ id: stack, branch: trackedBranch }],
    {
      push: { branch, sha: sha(), repository: `acme/${repository ?? "payments-infra"}` },
      secrets,
      environments: githubEnvironments(mock, repository),
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    },
  );
  assert.equal(job.conclusion, "success", job.visibleLog);
  assert.equal(api.runs.length, 1, "exactly one run triggered");
  assert.ok(api.runs[0].metadata, "the run carries metadata");
  return { api, run: api.runs[0], branch, trackedBranch };
}

function assertAllowedOnlyForItsRun(policy: string, push: SignedPush, otherStack: string): void {
  const { api, run, trackedBranch } = push;
  assertAllowedEverywhere(policy, api.launcherInput(run));
  assertDeniedEverywhere(policy, api.launcherInput({ ...run, stack: otherStack }), "token is for stack");
  assertDeniedEverywhere(policy, api.launcherInput({ ...run, sha: sha() }), "token is for commit");
  assertDeniedEverywhere(
    policy,
    api.launcherInput({ ...run, runType: run.runType === "TRACKED" ? "PROPOSED" : "TRACKED" }),
    "token is for run type",
  );
  // Spacelift reports "-" for API-triggered runs (the fake API's default), the docs sample the tracked branch: both are allowed.
  assertAllowedEverywhere(policy, api.launcherInput({ ...run, commitBranch: trackedBranch }));
  assertDeniedEverywhere(policy, api.launcherInput({ ...run, metadata: undefined }));
}

for (const algorithm of ["HS256", "ES256"] as const) {
  test(`${algorithm}: the component's workflow signs with the component's key, and the component's policy allows exactly that run`, async () => {
    const mock = await runWithMocks(() => new SignedRuns("payments", rotationArgs(["1"], undefined, algorithm)));
    const policy = await promiseOf(mock.result.initializationPolicy);

    const tracked = await pushAndTrigger(mock, "payments-prod", "main", "main");
    assert.equal(tracked.run.runType, "TRACKED");
    assert.equal(tracked.run.stack, "payments-prod");
    assertAllowedOnlyForItsRun(policy, tracked, "payments-dev");

    const proposed = await pushAndTrigger(mock, "payments-dev", "feature/x", "dev");
    assert.equal(proposed.run.runType, "PROPOSED");
    assertAllowedOnlyForItsRun(policy, proposed, "payments-prod");

    // The same workflow with another component's key (another seed) is not trusted.
    const stranger = await runWithMocks(() => new SignedRuns("payments", rotationArgs(["1"], undefined, algorithm)), {
      seed: "another-account",
    });
    const forged = await pushAndTrigger(stranger, "payments-prod", "main", "main");
    assertDeniedEverywhere(policy, forged.api.launcherInput(forged.run), "does not verify");
  });
}

test("a key can sign only its own run types and stacks: staging's tracked key never signs for a main stack, the proposed key never signs TRACKED", async () => {
  const mock = await runWithMocks(() => new SignedRuns("payments", rotationArgs(["1"], undefined, "ES256")));
  const policy = await promiseOf(mock.result.initializationPolicy);
  const keys = await promiseOf(mock.result.signingKeys);
  const active = await promiseOf(mock.result.activeKeys);
  const tracked = await pushAndTrigger(mock, "payments-prod", "main", "main");
  const forge = (kid: string, privateKeyPem: string, stack: string, runType: "TRACKED" | "PROPOSED" | "TASK") =>
    signRunToken({
      key: { kid, algorithm: "ES256", privateKeyPem },
      commitSha: tracked.run.sha!,
      stack,
      runType,
      branch: "main",
    });
  const devKey = active.tracked.find((t) => t.branch === "dev")!;
  // The dev branch's tracked key, signing a TRACKED run of the stack that tracks main.
  assertDeniedEverywhere(
    policy,
    tracked.api.launcherInput({
      ...tracked.run,
      metadata: await forge(devKey.kid, keys.tracked.dev, "payments-prod", "TRACKED"),
    }),
    "may not sign for stack",
  );
  // ... and of its own stack it may.
  assertAllowedEverywhere(
    policy,
    tracked.api.launcherInput({
      ...tracked.run,
      stack: "payments-dev",
      metadata: await forge(devKey.kid, keys.tracked.dev, "payments-dev", "TRACKED"),
    }),
  );
  // The proposed key (readable on any branch) signing TRACKED, and a tracked key signing PROPOSED.
  assertDeniedEverywhere(
    policy,
    tracked.api.launcherInput({
      ...tracked.run,
      metadata: await forge(active.proposed.kid, keys.proposed, "payments-prod", "TRACKED"),
    }),
    "may not sign",
  );
  const proposedRun = { ...tracked.run, runType: "PROPOSED" as const };
  assertAllowedEverywhere(
    policy,
    tracked.api.launcherInput({
      ...proposedRun,
      metadata: await forge(active.proposed.kid, keys.proposed, "payments-prod", "PROPOSED"),
    }),
  );
  assertDeniedEverywhere(
    policy,
    tracked.api.launcherInput({
      ...proposedRun,
      metadata: await forge(active.tracked[0].kid, keys.tracked.main, "payments-prod", "PROPOSED"),
    }),
    "may not sign",
  );
});

test("a feature branch's job cannot reach a tracked key: it signs PROPOSED with the proposed key, and GitHub would not let a job naming the environment start", async () => {
  const mock = await runWithMocks(() => new SignedRuns("payments", rotationArgs(["1"], undefined, "ES256")));
  const environments = githubEnvironments(mock);
  assert.deepEqual(Object.keys(environments).sort(), ["spacelift-dev", "spacelift-main"]);
  assert.deepEqual(environments["spacelift-main"].deploymentBranchPolicy, { customBranches: ["main"] });
  assert.deepEqual(
    Object.keys(githubSecrets(mock)).filter((name) => name.startsWith("SPACELIFT_RUN")),
    ["SPACELIFT_RUN_SIGNING_KEY_PROPOSED_1"],
    "no tracked key is a repository secret",
  );
  const feature = await pushAndTrigger(mock, "payments-prod", "staging", "main");
  assert.equal(feature.run.runType, "PROPOSED");
  assertAllowedEverywhere(await promiseOf(mock.result.initializationPolicy), feature.api.launcherInput(feature.run));
});

test("key rotation runbook: at every step, tokens from the workflow in place (tracked and proposed) verify in every policy a launcher may run", async () => {
  // Each step is one `pulumi up`. The mocks derive keys from resource names and a fixed seed,
  // as a real stack keeps a key generation's resource (and key) across updates.
  const steps = [
    { label: "1. one generation", args: rotationArgs(["2026-05"]) },
    { label: "2. add 2026-11, still signing with 2026-05", args: rotationArgs(["2026-05", "2026-11"], "2026-05") },
    { label: "3. activeKey = 2026-11", args: rotationArgs(["2026-05", "2026-11"], "2026-11") },
    { label: "4. remove 2026-05", args: rotationArgs(["2026-11"]) },
  ];
  const results: Array<{ label: string; policy: string; pushes: SignedPush[] }> = [];
  for (const step of steps) {
    const mock = await runWithMocks(() => new SignedRuns("payments", step.args));
    const policy = await promiseOf(mock.result.initializationPolicy);
    const pushes = [
      await pushAndTrigger(mock, "payments-prod", "main", "main"),
      await pushAndTrigger(mock, "payments-dev", "dev", "dev"),
      await pushAndTrigger(mock, "payments-prod", "feature/x", "main"),
    ];
    assert.deepEqual(
      pushes.map((p) => p.run.runType),
      ["TRACKED", "TRACKED", "PROPOSED"],
      step.label,
    );
    results.push({ label: step.label, policy, pushes });
  }
  const allowed = (policyStep: number, tokenStep: number) => {
    for (const push of results[tokenStep].pushes)
      assertAllowedEverywhere(results[policyStep].policy, push.api.launcherInput(push.run));
  };
  // Launchers are redeployed after step 2, so until then they run policy 1; from step 2 on, policy 2 or later.
  // Tokens of one step may still be in flight when the next step lands.
  allowed(0, 0);
  allowed(0, 1); // step 2's workflow still signs with 2026-05, which the old launchers trust
  allowed(1, 0);
  allowed(1, 1);
  allowed(1, 2); // after switching activeKey, redeployed launchers trust 2026-11
  allowed(2, 1);
  allowed(2, 2);
  allowed(2, 3);
  allowed(3, 2);
  allowed(3, 3);
  // The runbook's order matters: skipping the launcher redeploy denies the new keys, and the retired keys stop working.
  for (const push of results[2].pushes)
    assertDeniedEverywhere(results[0].policy, push.api.launcherInput(push.run), "unknown key");
  for (const push of results[0].pushes)
    assertDeniedEverywhere(results[3].policy, push.api.launcherInput(push.run), "unknown key");
});

test("shared pool: each repository's workflow runs on the pool for its own stacks; its keys cannot sign for another repository's stack", async () => {
  const mock = await runWithMocks(() => sharedPool());
  const policy = await promiseOf(mock.result.pool.initializationPolicy);
  const keys = await Promise.all(mock.result.repositories.map((r) => promiseOf(r.trustedKeys)));
  for (const [index, repo] of SHARED_REPOSITORIES.entries()) {
    const push = await pushAndTrigger(mock, repo.stacks[0], "main", "main", repo.repository);
    assertAllowedEverywhere(policy, push.api.launcherInput(push.run));
    // Every other repository's stack: the token (and one freshly signed by each of this repository's keys naming that stack) is denied.
    for (const [otherIndex, other] of SHARED_REPOSITORIES.entries()) {
      if (otherIndex === index) continue;
      for (const otherStack of other.stacks) {
        assertDeniedEverywhere(
          policy,
          push.api.launcherInput({ ...push.run, stack: otherStack }),
          "token is for stack",
        );
        for (const key of keys[index]) {
          const runType = key.runTypes[0];
          const forged = await signRunToken({
            key: signingKey(key),
            commitSha: push.run.sha!,
            stack: otherStack,
            runType,
            branch: "main",
          });
          assertDeniedEverywhere(
            policy,
            push.api.launcherInput({ ...push.run, runType, stack: otherStack, metadata: forged }),
            "may not sign for stack",
          );
        }
      }
    }
  }
});

test("an existing pool granting another repository its stack: that repository's key is trusted for its granted stack only", async () => {
  const extra: TrustedKey = {
    kid: "ci.other",
    algorithm: "HS256",
    secret: "x".repeat(40),
    stacks: ["other-prod", "payments-prod"],
    runTypes: ["TRACKED"],
  };
  const mock = await runWithMocks(
    () =>
      new SignedRuns(
        "payments",
        singleStackArgs({
          workerPool: { id: "01HEXISTINGPOOL" },
          signing: { algorithm: "ES256" },
          additionalRepositories: [{ repository: "acme/other", stacks: ["other-prod"], trustedKeys: [extra] }],
        }),
      ),
  );
  const policy = await promiseOf(mock.result.initializationPolicy);
  const push = await pushAndTrigger(mock, "payments-prod", "main", "main");
  assertAllowedEverywhere(policy, push.api.launcherInput(push.run));
  const otherKey = { kid: extra.kid, algorithm: "HS256" as const, secret: "x".repeat(40) };
  // The generated workflow writes the "github-actions" issuer; so does signRunToken by default.
  const otherToken = await signRunToken({
    key: otherKey,
    commitSha: push.run.sha!,
    stack: "other-prod",
    runType: "TRACKED",
    branch: "main",
  });
  assertAllowedEverywhere(policy, push.api.launcherInput({ ...push.run, stack: "other-prod", metadata: otherToken }));
  // The key names payments-prod too, but the pool's owner granted it other-prod only.
  const crossToken = await signRunToken({
    key: otherKey,
    commitSha: push.run.sha!,
    stack: "payments-prod",
    runType: "TRACKED",
    branch: "main",
  });
  assertDeniedEverywhere(
    policy,
    push.api.launcherInput({ ...push.run, metadata: crossToken }),
    "may not sign for stack",
  );
});

function signingKey(key: TrustedKey): RunSigningKey {
  if (key.algorithm !== "HS256") throw new Error("the shared-pool scenario uses HS256 keys");
  return { kid: key.kid, algorithm: "HS256", secret: key.secret };
}
