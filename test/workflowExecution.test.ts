/**
 * The generated workflow, executed: the harness runs its jobs with bash under
 * GitHub's environment contract, behind GitHub's environment gate; the
 * test-only spacectl stand-in talks to a fake Spacelift API on 127.0.0.1 that
 * reports the branch of API-triggered runs as Spacelift does ("-", or the
 * stack's tracked branch); the tokens it carried are judged by the rendered
 * initialization policy in real OPA (1.x, 1.x --v0-compatible, 0.70).
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, test } from "node:test";
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from "jose";
import {
  DEFAULT_ISSUER,
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  tokenHeaderSegment,
} from "../components/runToken/contract";
import { PINNED_SPACECTL_VERSION, renderWorkflows } from "../components/workflow/renderWorkflows";
import type { ApiRunBranchReport, FakeSpaceliftApi, FakeStack, RecordedRun } from "./support/fakeSpaceliftApi";
import type { JobRun } from "./support/githubWorkflowHarness";
import { assertAllowedEverywhere, assertDeniedEverywhere } from "./support/opa";
import {
  API_KEY_ID,
  ENDPOINT,
  PROPOSED_SECRET,
  TRACKED_SECRET,
  executePush,
  githubFor,
  policyFor,
  randomSha,
  repositoryKeys,
  signingFor,
  singleStackWorkflow,
  type RepositoryKeys,
  type TestSigningKey,
} from "./support/workflowTestbed";

const STACKS: FakeStack[] = [
  { id: "net-prod", branch: "main" },
  { id: "app-prod", branch: "main" },
];
const BRANCH_REPORTS: ApiRunBranchReport[] = ["dash", "tracked branch"];

function stepOutcomes(job: JobRun): Record<string, string> {
  return Object.fromEntries(job.steps.map((step) => [step.name, step.outcome]));
}

function onlyRun(api: FakeSpaceliftApi): RecordedRun {
  assert.equal(api.runs.length, 1, `expected exactly one runTrigger, got ${JSON.stringify(api.runs)}`);
  return api.runs[0];
}

function assertJobSucceeded(job: JobRun): void {
  assert.equal(job.started, true, `the job did not start: ${job.conclusion} ${job.refusal ?? ""}`);
  assert.equal(
    job.conclusion,
    "success",
    `job failed: ${job.steps.map((step) => `${step.name}: ${step.outcome}\n${step.stdout}${step.stderr}`).join("\n")}`,
  );
}

async function verifySignature(key: TestSigningKey, token: string): Promise<void> {
  const trusted = key.trustedKey(["net-prod"], ["TRACKED"]);
  const verificationKey =
    trusted.algorithm === "HS256"
      ? new TextEncoder().encode(trusted.secret)
      : await importSPKI(trusted.publicKeyPem, "ES256");
  await jwtVerify(token, verificationKey, { algorithms: [key.algorithm] });
}

/** The token must hold exactly the contract's claims for this push. */
function assertContractClaims(
  token: string,
  key: TestSigningKey,
  expected: { sha: string; stack: string; runType: string; branch: string },
): void {
  assert.deepEqual(decodeProtectedHeader(token), { alg: key.algorithm, kid: key.kid, typ: "JWT" });
  // Byte for byte the header the policy lists in trusted_kids_by_header, so the policy need not decode it.
  assert.equal(token.split(".")[0], tokenHeaderSegment(key.algorithm, key.kid));
  const claims = decodeJwt(token);
  assert.deepEqual(Object.keys(claims).sort(), [
    "branch",
    "exp",
    "iat",
    "iss",
    "nbf",
    "run_type",
    "spacelift_stack",
    "sub",
  ]);
  assert.equal(claims.sub, expected.sha);
  assert.equal(claims.spacelift_stack, expected.stack);
  assert.equal(claims.run_type, expected.runType);
  assert.equal(claims.branch, expected.branch);
  assert.equal(claims.iss, DEFAULT_ISSUER);
  assert.equal(claims.iat, claims.nbf);
  assert.equal((claims.exp as number) - (claims.nbf as number), DEFAULT_MAX_TOKEN_LIFETIME_SECONDS);
  assert.ok(Math.abs((claims.nbf as number) - Date.now() / 1000) < 600, "nbf is not about now");
}

/** Allowed for the recorded run, whatever branch Spacelift reports; denied for another stack, another commit, the other run type. */
function assertPolicyJudgesLikeContract(api: FakeSpaceliftApi, run: RecordedRun, keys: RepositoryKeys): void {
  // Every key may sign for both stacks, so the other-stack case fails on the binding, not on the key's stack list.
  const policy = policyFor(keys, STACKS);
  for (const commitBranch of ["-", "main"])
    assertAllowedEverywhere(policy, api.launcherInput({ ...run, commitBranch }));
  assertDeniedEverywhere(policy, api.launcherInput({ ...run, stack: "app-prod" }), "token is for stack");
  assertDeniedEverywhere(policy, api.launcherInput({ ...run, sha: randomSha() }), "token is for commit");
  const otherType = run.runType === "TRACKED" ? "PROPOSED" : "TRACKED";
  assertDeniedEverywhere(policy, api.launcherInput({ ...run, runType: otherType }), "token is for run type");
  assertDeniedEverywhere(policy, api.launcherInput({ ...run, metadata: undefined }));
}

/** The generated file with one edit that must apply. */
function edit(workflow: string, from: string | RegExp, to: string): string {
  const edited = workflow.replace(from, to);
  assert.notEqual(edited, workflow, `the edit ${String(from)} did not apply`);
  return edited;
}

describe("the executed workflow, API key mode", () => {
  for (const algorithm of ["HS256", "ES256"] as const) {
    test(`${algorithm}: a push to the tracked branch runs the tracked job in its environment, makes one TRACKED runTrigger, and OPA allows only its run`, async () => {
      const keys = repositoryKeys(algorithm);
      const tracked = keys.tracked.get("main")!;
      const sha = randomSha();
      const github = githubFor(keys);
      const { job, workflow, api } = await executePush(singleStackWorkflow(keys), STACKS, {
        push: { branch: "main", sha },
        ...github,
        preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
      });
      assertJobSucceeded(job);
      assert.deepEqual(
        workflow.jobs.map((j) => [j.id, j.conclusion]),
        [
          ["tracked", "success"],
          ["proposed", "skipped"],
        ],
      );
      assert.equal(job.environment, "spacelift-main");
      assert.deepEqual(stepOutcomes(job), {
        "Install spacectl 1.22.0 (SHA-256 verified)": "success",
        [`Sign a TRACKED run token (${algorithm}, key ${tracked.kid})`]: "success",
        "Trigger a tracked run (spacectl stack deploy)": "success",
      });
      // spacectl's calls, in its order, against the endpoint in the workflow file.
      assert.deepEqual(
        api.requests.map((request) => request.operation),
        ["apiKeyUser", "stack", "runTrigger"],
      );
      assert.deepEqual(api.requests[0].body?.variables, {
        id: API_KEY_ID,
        secret: github.secrets.SPACELIFT_API_KEY_SECRET,
      });
      const run = onlyRun(api);
      assert.equal(run.stack, "net-prod");
      assert.equal(run.sha, sha);
      assert.equal(run.runType, "TRACKED");
      assert.equal(run.commitBranch, "-", "Spacelift reports '-' as the branch of an API-triggered run");
      assert.equal(run.host, new URL(ENDPOINT).host);
      assert.ok(run.metadata, "the runTrigger carried no run metadata header");
      assertContractClaims(run.metadata, tracked, { sha, stack: "net-prod", runType: "TRACKED", branch: "main" });
      await verifySignature(tracked, run.metadata);
      if (algorithm === "ES256") {
        assert.equal(
          Buffer.from(run.metadata.split(".")[2], "base64url").length,
          64,
          "an ES256 JWS signature is raw R||S, 64 bytes",
        );
      }
      // The preinstalled spacectl of the pinned version was used; nothing was downloaded.
      assert.deepEqual(job.curlInvocations, []);
      assertPolicyJudgesLikeContract(api, run, keys);
    });

    for (const branchReport of BRANCH_REPORTS) {
      test(`${algorithm}: a feature-branch push runs the proposed job with the proposed key only; its preview is allowed when Spacelift reports ${branchReport === "dash" ? "'-'" : "the tracked branch"}`, async () => {
        const keys = repositoryKeys(algorithm);
        const sha = randomSha();
        const { job, workflow, api } = await executePush(
          singleStackWorkflow(keys),
          STACKS,
          {
            push: { branch: "feature/vpc-peering", sha },
            ...githubFor(keys),
            preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
          },
          undefined,
          branchReport,
        );
        assertJobSucceeded(job);
        assert.deepEqual(
          workflow.jobs.map((j) => [j.id, j.conclusion]),
          [
            ["tracked", "skipped"],
            ["proposed", "success"],
          ],
        );
        assert.equal(job.environment, undefined);
        // The job's secrets context never held the tracked key's secret.
        assert.ok(!job.secretNames.includes(TRACKED_SECRET), JSON.stringify(job.secretNames));
        assert.ok(job.secretNames.includes(PROPOSED_SECRET));
        assert.equal(stepOutcomes(job)["Trigger a proposed run (spacectl stack preview)"], "success");
        const run = onlyRun(api);
        assert.deepEqual(
          [run.stack, run.sha, run.runType, run.commitBranch],
          ["net-prod", sha, "PROPOSED", branchReport === "dash" ? "-" : "main"],
        );
        assertContractClaims(run.metadata ?? "", keys.proposed, {
          sha,
          stack: "net-prod",
          runType: "PROPOSED",
          branch: "feature/vpc-peering",
        });
        await verifySignature(keys.proposed, run.metadata ?? "");
        // The launcher input as the fake API produced it, with the branch Spacelift reports.
        assertAllowedEverywhere(policyFor(keys, STACKS), api.launcherInput(run));
        assertPolicyJudgesLikeContract(api, run, keys);
      });
    }
  }

  test("a push to MAIN (the stack tracks main): GitHub's case-insensitive if: picks the tracked job, and nothing is signed", async () => {
    const keys = repositoryKeys("HS256");
    const github = githubFor(keys);
    // The environment's branch policy names main exactly: GitHub does not let MAIN in.
    const gated = await executePush(singleStackWorkflow(keys), STACKS, {
      push: { branch: "MAIN", sha: randomSha() },
      ...github,
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    });
    assert.equal(gated.job.id, "tracked");
    assert.deepEqual([gated.job.started, gated.job.conclusion], [false, "failure"]);
    assert.match(gated.job.refusal ?? "", /Branch "MAIN" is not allowed to deploy to spacelift-main/);
    assert.deepEqual(gated.api.requests, []);
    // An environment without a branch policy lets MAIN in; the sign step compares exactly and refuses.
    const open = {
      ...github,
      environments: { "spacelift-main": { secrets: github.environments["spacelift-main"].secrets } },
    };
    const refused = await executePush(singleStackWorkflow(keys), STACKS, {
      push: { branch: "MAIN", sha: randomSha() },
      ...open,
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    });
    assert.equal(refused.job.conclusion, "failure");
    assert.match(refused.job.steps[1].stdout, /signs TRACKED runs of branch "main" only, not of "MAIN"/);
    assert.deepEqual(refused.api.runs, []);
  });

  test("a push that deletes a branch signs nothing and triggers nothing", async () => {
    const keys = repositoryKeys("HS256");
    const { job, api } = await executePush(singleStackWorkflow(keys), STACKS, {
      // GitHub runs the workflow with the default branch's head as GITHUB_SHA.
      push: { branch: "feature/old", sha: randomSha(), deleted: true },
      ...githubFor(keys),
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    });
    assertJobSucceeded(job);
    assert.deepEqual(job.steps[1].outputs, { run_type: "NONE" });
    assert.equal(job.steps[2].outcome, "skipped");
    assert.deepEqual(api.requests, []);
  });

  test("custom secret names are read, and neither key nor token ever reaches the log", async () => {
    const keys = repositoryKeys("ES256");
    const tracked = keys.tracked.get("main")!;
    const signing = signingFor(keys);
    signing.proposed.secretName = "RUN_KEY_2026";
    signing.tracked[0].secretName = "TRACKED_RUN_KEY_2026";
    const workflow = singleStackWorkflow(keys, { signing });
    const secrets: Record<string, string> = { ...githubFor(keys).secrets, RUN_KEY_2026: keys.proposed.secretValue };
    const environments = {
      "spacelift-main": {
        deploymentBranchPolicy: { customBranches: ["main"] },
        secrets: { TRACKED_RUN_KEY_2026: tracked.secretValue },
      },
    };
    for (const branch of ["main", "feature/x"]) {
      const { job, api } = await executePush(workflow, STACKS, {
        push: { branch, sha: randomSha() },
        secrets,
        environments,
        preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
      });
      assertJobSucceeded(job);
      const token = onlyRun(api).metadata ?? "";
      assert.equal(decodeProtectedHeader(token).kid, branch === "main" ? tracked.kid : keys.proposed.kid);
      for (const secret of [tracked.secretValue, keys.proposed.secretValue, secrets.SPACELIFT_API_KEY_SECRET]) {
        // Never printed at all, not even to be masked.
        assert.ok(!job.rawOutput.includes(secret), "a secret value was printed by a step");
        for (const line of secret.split("\n").filter((line) => line.length > 20))
          assert.ok(!job.rawOutput.includes(line));
      }
      // The token is printed once, inside the ::add-mask:: command that hides it.
      assert.deepEqual(
        job.rawOutput.split("\n").filter((line) => line.includes(token)),
        [`::add-mask::${token}`],
      );
      assert.ok(!job.visibleLog.includes(token));
      assert.ok(job.masks.includes(token));
    }
  });

  test("a missing or unusable signing key fails the sign step with a clear message and triggers nothing", async () => {
    const cases: Array<[RepositoryKeys, string, RegExp]> = [
      [repositoryKeys("HS256"), "", /signing key secret is empty/],
      [repositoryKeys("ES256"), "not a pem", /not a PEM private key/],
      [repositoryKeys("ES256"), generateP384Pem(), /not a P-256 private key/],
    ];
    for (const [keys, value, message] of cases) {
      const github = githubFor(keys);
      github.environments["spacelift-main"].secrets = { [TRACKED_SECRET]: value };
      const { job, api } = await executePush(singleStackWorkflow(keys), STACKS, {
        push: { branch: "main", sha: randomSha() },
        ...github,
        preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
      });
      assert.equal(job.conclusion, "failure");
      const sign = job.steps[1];
      assert.equal(sign.outcome, "failure");
      assert.match(sign.stdout, message);
      assert.deepEqual(api.runs, []);
      assert.equal(job.steps[2].outcome, "skipped");
    }
  });

  test("an environment that was never set up (GitHub creates it empty) gives the tracked job no key: nothing is signed", async () => {
    const keys = repositoryKeys("HS256");
    const { job, api } = await executePush(singleStackWorkflow(keys), STACKS, {
      push: { branch: "main", sha: randomSha() },
      secrets: githubFor(keys).secrets,
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    });
    assert.equal(job.conclusion, "failure");
    assert.match(job.steps[1].stdout, /signing key secret is empty/);
    assert.deepEqual(api.runs, []);
  });
});

function generateP384Pem(): string {
  return generateKeyPairSync("ec", { namedCurve: "P-384" })
    .privateKey.export({ format: "pem", type: "pkcs8" })
    .toString();
}

describe("a collaborator who can push any branch cannot get a TRACKED run", () => {
  test("a modified workflow on a feature branch that names the tracked environment is refused before any step: the tracked key stays unreadable", async () => {
    const keys = repositoryKeys("HS256");
    // The attacker's copy of the workflow: the tracked job runs on every branch, and its sign step
    // believes the pushed branch is the tracked one.
    const modified = edit(
      edit(singleStackWorkflow(keys), "if: github.ref == 'refs/heads/main'", "if: github.ref != ''"),
      /TRACKED_BRANCH: main\n {6}RUN_TYPE: TRACKED/,
      "TRACKED_BRANCH: feature/evil\n      RUN_TYPE: TRACKED",
    );
    const { workflow, api } = await executePush(edit(modified, /\n {2}proposed:[\s\S]*$/, "\n"), STACKS, {
      push: { branch: "feature/evil", sha: randomSha() },
      ...githubFor(keys),
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    });
    const [tracked] = workflow.jobs;
    assert.equal(tracked.environment, "spacelift-main");
    assert.deepEqual([tracked.started, tracked.conclusion, tracked.steps], [false, "failure", []]);
    assert.match(
      tracked.refusal ?? "",
      /Branch "feature\/evil" is not allowed to deploy to spacelift-main due to environment protection rules/,
    );
    assert.deepEqual(tracked.secretNames, []);
    assert.deepEqual(api.requests, [], "nothing reached Spacelift");
  });

  test("the same job without environment: reads only repository secrets, so it has no key to sign with", async () => {
    const keys = repositoryKeys("ES256");
    let modified = edit(singleStackWorkflow(keys), "if: github.ref == 'refs/heads/main'", "if: github.ref != ''");
    modified = edit(modified, /\n {4}# GitHub starts this job only[^\n]*\n[^\n]*\n {4}environment: spacelift-main/, "");
    modified = edit(
      modified,
      /TRACKED_BRANCH: main\n {6}RUN_TYPE: TRACKED/,
      "TRACKED_BRANCH: feature/evil\n      RUN_TYPE: TRACKED",
    );
    modified = edit(modified, /\n {2}proposed:[\s\S]*$/, "\n");
    const { job, api } = await executePush(modified, STACKS, {
      push: { branch: "feature/evil", sha: randomSha() },
      ...githubFor(keys),
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    });
    assert.equal(job.started, true);
    assert.ok(!job.secretNames.includes(TRACKED_SECRET));
    assert.match(job.steps[1].stdout, /signing key secret is empty/);
    assert.deepEqual(api.runs, []);
  });

  for (const algorithm of ["HS256", "ES256"] as const) {
    test(`${algorithm}: a feature branch's workflow that signs TRACKED with the proposed key gets its run, and real OPA denies it`, async () => {
      const keys = repositoryKeys(algorithm);
      // The attacker's proposed job: signs TRACKED (claiming the tracked branch) and asks for a deploy.
      let modified = edit(
        singleStackWorkflow(keys),
        /TRACKED_BRANCH: main\n {6}RUN_TYPE: PROPOSED/,
        "TRACKED_BRANCH: feature/evil\n      RUN_TYPE: TRACKED",
      );
      modified = edit(modified, "outputs.run_type == 'PROPOSED'", "outputs.run_type == 'TRACKED'");
      modified = edit(modified, "spacectl stack preview --id", "spacectl stack deploy --id");
      const sha = randomSha();
      const { job, api } = await executePush(modified, STACKS, {
        push: { branch: "feature/evil", sha },
        ...githubFor(keys),
        preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
      });
      assertJobSucceeded(job);
      const run = onlyRun(api);
      assert.equal(run.runType, "TRACKED");
      const claims = decodeJwt(run.metadata ?? "");
      assert.deepEqual([claims.run_type, claims.sub, claims.spacelift_stack], ["TRACKED", sha, "net-prod"]);
      assert.equal(decodeProtectedHeader(run.metadata ?? "").kid, keys.proposed.kid);
      for (const commitBranch of ["-", "main"]) {
        assertDeniedEverywhere(
          policyFor(keys, STACKS),
          api.launcherInput({ ...run, commitBranch }),
          /may not sign run type "TRACKED"/,
        );
      }
    });
  }

  test("a staging push whose workflow signs for a main stack with the staging key is denied by real OPA", async () => {
    const stacks: FakeStack[] = [
      { id: "net-prod", branch: "main" },
      { id: "app-staging", branch: "staging" },
    ];
    const keys = repositoryKeys("ES256", ["main", "staging"]);
    const files = renderWorkflows({
      stacks: stacks.map((stack) => ({ ...stack })),
      signing: signingFor(keys),
      spacelift: { endpoint: ENDPOINT, auth: { type: "apiKey" } },
    });
    const github = githubFor(keys);
    const policy = policyFor(keys, stacks);
    // The staging stack's own workflow: allowed.
    const staging = await executePush(files[1].content, stacks, {
      push: { branch: "staging", sha: randomSha() },
      ...github,
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    });
    assertJobSucceeded(staging.job);
    assert.equal(staging.job.environment, "spacelift-staging");
    assertAllowedEverywhere(policy, staging.api.launcherInput(onlyRun(staging.api)));
    // net-prod's workflow edited on staging to use staging's environment (which admits staging) and key.
    let modified = edit(
      files[0].content,
      "if: github.ref == 'refs/heads/main'",
      "if: github.ref == 'refs/heads/staging'",
    );
    modified = edit(modified, "environment: spacelift-main", "environment: spacelift-staging");
    modified = edit(
      modified,
      /TRACKED_BRANCH: main\n {6}RUN_TYPE: TRACKED/,
      "TRACKED_BRANCH: staging\n      RUN_TYPE: TRACKED",
    );
    modified = edit(modified, /acme\.infra:tracked:main:1/g, "acme.infra:tracked:staging:1");
    modified = edit(modified, /\n {2}proposed:[\s\S]*$/, "\n");
    const sha = randomSha();
    const { job, api } = await executePush(modified, stacks, {
      push: { branch: "staging", sha },
      ...github,
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    });
    assertJobSucceeded(job);
    const run = onlyRun(api);
    assert.deepEqual([run.stack, run.runType], ["net-prod", "TRACKED"]);
    assert.equal(decodeProtectedHeader(run.metadata ?? "").kid, keys.tracked.get("staging")!.kid);
    for (const commitBranch of ["-", "main"]) {
      assertDeniedEverywhere(policy, api.launcherInput({ ...run, commitBranch }), /may not sign for stack/);
    }
  });
});

describe("the executed workflows of a monorepo", () => {
  const keys = repositoryKeys("HS256");
  const files = renderWorkflows({
    stacks: [
      { id: "net-prod", branch: "main", projectRoot: "network", additionalProjectGlobs: ["modules/**"] },
      { id: "app-prod", branch: "main", projectRoot: "apps/web" },
    ],
    signing: signingFor(keys),
    spacelift: { endpoint: ENDPOINT, auth: { type: "apiKey" } },
  });

  async function pushTouching(changedFiles: string[]): Promise<RecordedRun[]> {
    const sha = randomSha();
    const github = githubFor(keys);
    const runs: RecordedRun[] = [];
    for (const file of files) {
      const { job, api } = await executePush(file.content, STACKS, {
        push: { branch: "main", sha, changedFiles },
        ...github,
        preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
      });
      if (job.started) assertJobSucceeded(job);
      else assert.deepEqual(api.requests, [], "a workflow that did not start reached Spacelift");
      runs.push(...api.runs);
      for (const run of api.runs) assert.equal(run.sha, sha);
    }
    return runs;
  }

  test("a push touching one project root triggers only that stack", async () => {
    assert.deepEqual(
      (await pushTouching(["network/vpc/main.tf"])).map((run) => [run.stack, run.runType]),
      [["net-prod", "TRACKED"]],
    );
    assert.deepEqual(
      (await pushTouching(["apps/web/index.ts", "README.md"])).map((run) => run.stack),
      ["app-prod"],
    );
  });

  test("an additional project glob triggers its stack; a push touching both roots triggers both; a push touching neither triggers none", async () => {
    assert.deepEqual(
      (await pushTouching(["modules/vpc/outputs.tf"])).map((run) => run.stack),
      ["net-prod"],
    );
    assert.deepEqual(
      (await pushTouching(["network/a.tf", "apps/web/b.ts"])).map((run) => run.stack),
      ["net-prod", "app-prod"],
    );
    assert.deepEqual(await pushTouching(["docs/index.md", "apps/webby/x.ts", "networking/x.tf"]), []);
  });
});
