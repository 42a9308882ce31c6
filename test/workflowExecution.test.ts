/**
 * The generated workflow, executed: the harness runs its steps with bash under
 * GitHub's environment contract; the test-only spacectl stand-in talks to a
 * fake Spacelift API on 127.0.0.1; the tokens it carried are judged by the
 * rendered initialization policy in real OPA (1.x, 1.x --v0-compatible, 0.70).
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, test } from "node:test";
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from "jose";
import { DEFAULT_ISSUER, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from "../components/runTokenContract";
import { PINNED_SPACECTL_VERSION, renderWorkflows } from "../components/workflows";
import type { FakeSpaceliftApi, RecordedRun } from "./support/fakeSpaceliftApi";
import type { JobRun } from "./support/githubWorkflowHarness";
import { assertAllowedEverywhere, assertDeniedEverywhere } from "./support/opa";
import {
  API_KEY_ID,
  ENDPOINT,
  apiKeySecrets,
  es256Key,
  executePush,
  hs256Key,
  policyFor,
  randomSha,
  singleStackWorkflow,
  type TestSigningKey,
} from "./support/workflowTestbed";

const STACKS = [
  { id: "net-prod", branch: "main" },
  { id: "app-prod", branch: "main" },
];

function stepOutcomes(job: JobRun): Record<string, string> {
  return Object.fromEntries(job.steps.map((step) => [step.name, step.outcome]));
}

function onlyRun(api: FakeSpaceliftApi): RecordedRun {
  assert.equal(api.runs.length, 1, `expected exactly one runTrigger, got ${JSON.stringify(api.runs)}`);
  return api.runs[0];
}

function assertJobSucceeded(job: JobRun): void {
  assert.equal(job.started, true, "the workflow did not start");
  assert.equal(job.conclusion, "success", `job failed: ${job.steps.map((step) => `${step.name}: ${step.outcome}\n${step.stdout}${step.stderr}`).join("\n")}`);
}

async function verifySignature(key: TestSigningKey, token: string): Promise<void> {
  const trusted = key.trustedKey(["net-prod"]);
  const verificationKey = trusted.algorithm === "HS256" ? new TextEncoder().encode(trusted.secret) : await importSPKI(trusted.publicKeyPem, "ES256");
  await jwtVerify(token, verificationKey, { algorithms: [key.algorithm] });
}

/** The token must hold exactly the contract's claims for this push. */
function assertContractClaims(token: string, key: TestSigningKey, expected: { sha: string; stack: string; runType: string; branch: string }): void {
  assert.deepEqual(decodeProtectedHeader(token), { alg: key.algorithm, kid: key.kid, typ: "JWT" });
  const claims = decodeJwt(token);
  assert.deepEqual(Object.keys(claims).sort(), ["branch", "exp", "iat", "iss", "nbf", "run_type", "spacelift_stack", "sub"]);
  assert.equal(claims.sub, expected.sha);
  assert.equal(claims.spacelift_stack, expected.stack);
  assert.equal(claims.run_type, expected.runType);
  assert.equal(claims.branch, expected.branch);
  assert.equal(claims.iss, DEFAULT_ISSUER);
  assert.equal(claims.iat, claims.nbf);
  assert.equal((claims.exp as number) - (claims.nbf as number), DEFAULT_MAX_TOKEN_LIFETIME_SECONDS);
  assert.ok(Math.abs((claims.nbf as number) - Date.now() / 1000) < 600, "nbf is not about now");
}

/** Allowed for the recorded run; denied for another stack, another commit, the other run type. */
function assertPolicyJudgesLikeContract(api: FakeSpaceliftApi, run: RecordedRun, key: TestSigningKey, branch: string): void {
  // The key may sign for both stacks, so the other-stack case fails on the binding, not on the key's stack list.
  const policy = policyFor(key, ["net-prod", "app-prod"]);
  const input = api.launcherInput(run, branch);
  assertAllowedEverywhere(policy, input);
  assertDeniedEverywhere(policy, api.launcherInput({ ...run, stack: "app-prod" }, branch), "token is for stack");
  assertDeniedEverywhere(policy, api.launcherInput({ ...run, sha: randomSha() }, branch), "token is for commit");
  const otherType = run.runType === "TRACKED" ? "PROPOSED" : "TRACKED";
  assertDeniedEverywhere(policy, api.launcherInput({ ...run, runType: otherType }, branch), "token is for run type");
  assertDeniedEverywhere(policy, api.launcherInput({ ...run, metadata: undefined }, branch));
}

describe("the executed workflow, API key mode", () => {
  for (const makeKey of [hs256Key, es256Key]) {
    test(`${makeKey().algorithm}: a push to the tracked branch makes exactly one TRACKED runTrigger, and OPA allows only its run`, async () => {
      const key = makeKey();
      const sha = randomSha();
      const secrets = apiKeySecrets(key);
      const { job, api } = await executePush(singleStackWorkflow(key), STACKS, {
        push: { branch: "main", sha },
        secrets,
        preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
      });
      assertJobSucceeded(job);
      assert.deepEqual(stepOutcomes(job), {
        "Install spacectl 1.22.0 (SHA-256 verified)": "success",
        [`Sign the run token (${key.algorithm}, key ${key.kid})`]: "success",
        "Trigger a tracked run (spacectl stack deploy)": "success",
        "Trigger a proposed run (spacectl stack preview)": "skipped",
      });
      // spacectl's calls, in its order, against the endpoint in the workflow file.
      assert.deepEqual(
        api.requests.map((request) => request.operation),
        ["apiKeyUser", "stack", "runTrigger"],
      );
      assert.deepEqual(api.requests[0].body?.variables, { id: API_KEY_ID, secret: secrets.SPACELIFT_API_KEY_SECRET });
      const run = onlyRun(api);
      assert.equal(run.stack, "net-prod");
      assert.equal(run.sha, sha);
      assert.equal(run.runType, "TRACKED");
      assert.equal(run.host, new URL(ENDPOINT).host);
      assert.ok(run.metadata, "the runTrigger carried no run metadata header");
      assertContractClaims(run.metadata, key, { sha, stack: "net-prod", runType: "TRACKED", branch: "main" });
      await verifySignature(key, run.metadata);
      if (key.algorithm === "ES256") {
        assert.equal(Buffer.from(run.metadata.split(".")[2], "base64url").length, 64, "an ES256 JWS signature is raw R||S, 64 bytes");
      }
      // The preinstalled spacectl of the pinned version was used; nothing was downloaded.
      assert.deepEqual(job.curlInvocations, []);
      assertPolicyJudgesLikeContract(api, run, key, "main");
    });

    test(`${makeKey().algorithm}: a push to another branch makes one PROPOSED runTrigger, and OPA allows only its run`, async () => {
      const key = makeKey();
      const sha = randomSha();
      const { job, api } = await executePush(singleStackWorkflow(key), STACKS, {
        push: { branch: "feature/vpc-peering", sha },
        secrets: apiKeySecrets(key),
        preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
      });
      assertJobSucceeded(job);
      assert.equal(stepOutcomes(job)["Trigger a tracked run (spacectl stack deploy)"], "skipped");
      assert.equal(stepOutcomes(job)["Trigger a proposed run (spacectl stack preview)"], "success");
      const run = onlyRun(api);
      assert.deepEqual([run.stack, run.sha, run.runType], ["net-prod", sha, "PROPOSED"]);
      assertContractClaims(run.metadata ?? "", key, { sha, stack: "net-prod", runType: "PROPOSED", branch: "feature/vpc-peering" });
      await verifySignature(key, run.metadata ?? "");
      assertPolicyJudgesLikeContract(api, run, key, "feature/vpc-peering");
    });
  }

  test("the tracked branch is compared case-sensitively: a push to MAIN is PROPOSED although GitHub's == would call it main", async () => {
    const key = hs256Key();
    const { job, api } = await executePush(singleStackWorkflow(key), STACKS, {
      push: { branch: "MAIN", sha: randomSha() },
      secrets: apiKeySecrets(key),
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    });
    assertJobSucceeded(job);
    assert.equal(onlyRun(api).runType, "PROPOSED");
    assert.equal(decodeJwt(onlyRun(api).metadata ?? "").branch, "MAIN");
  });

  test("a push that deletes a branch signs nothing and triggers nothing", async () => {
    const key = hs256Key();
    const { job, api } = await executePush(singleStackWorkflow(key), STACKS, {
      // GitHub runs the workflow with the default branch's head as GITHUB_SHA.
      push: { branch: "main", sha: randomSha(), deleted: true },
      secrets: apiKeySecrets(key),
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    });
    assertJobSucceeded(job);
    assert.deepEqual(job.steps[1].outputs, { run_type: "NONE" });
    assert.deepEqual(
      job.steps.slice(2).map((step) => step.outcome),
      ["skipped", "skipped"],
    );
    assert.deepEqual(api.requests, []);
  });

  test("a custom signing secret name is read, and neither secret nor token ever reaches the log", async () => {
    const key = es256Key();
    const secrets = apiKeySecrets(key, "RUN_KEY_2026");
    const workflow = singleStackWorkflow(key, { signing: { algorithm: key.algorithm, kid: key.kid, secretName: "RUN_KEY_2026" } });
    const { job, api } = await executePush(workflow, STACKS, { push: { branch: "main", sha: randomSha() }, secrets, preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION });
    assertJobSucceeded(job);
    const token = onlyRun(api).metadata ?? "";
    for (const secret of [secrets.RUN_KEY_2026, secrets.SPACELIFT_API_KEY_SECRET]) {
      // Never printed at all, not even to be masked.
      assert.ok(!job.rawOutput.includes(secret), "a secret value was printed by a step");
      for (const line of secret.split("\n").filter((line) => line.length > 20)) assert.ok(!job.rawOutput.includes(line));
    }
    // The token is printed once, inside the ::add-mask:: command that hides it.
    assert.deepEqual(
      job.rawOutput.split("\n").filter((line) => line.includes(token)),
      [`::add-mask::${token}`],
    );
    assert.ok(!job.visibleLog.includes(token));
    assert.ok(job.masks.includes(token));
  });

  test("a missing or unusable signing key fails the sign step with a clear message and triggers nothing", async () => {
    const cases: Array<[TestSigningKey, string, RegExp]> = [
      [hs256Key(), "", /signing key secret is empty/],
      [es256Key(), "not a pem", /not a PEM private key/],
      [es256Key(), generateP384Pem(), /not a P-256 private key/],
    ];
    for (const [key, value, message] of cases) {
      const secrets = { ...apiKeySecrets(key), SPACELIFT_RUN_SIGNING_KEY: value };
      const { job, api } = await executePush(singleStackWorkflow(key), STACKS, {
        push: { branch: "main", sha: randomSha() },
        secrets,
        preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
      });
      assert.equal(job.conclusion, "failure");
      const sign = job.steps[1];
      assert.equal(sign.outcome, "failure");
      assert.match(sign.stdout, message);
      assert.deepEqual(api.runs, []);
      assert.deepEqual(
        job.steps.slice(2).map((step) => step.outcome),
        ["skipped", "skipped"],
      );
    }
  });
});

function generateP384Pem(): string {
  return generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

describe("the executed workflows of a monorepo", () => {
  const key = hs256Key();
  const files = renderWorkflows({
    stacks: [
      { id: "net-prod", branch: "main", projectRoot: "network", additionalProjectGlobs: ["modules/**"] },
      { id: "app-prod", branch: "main", projectRoot: "apps/web" },
    ],
    signing: { algorithm: key.algorithm, kid: key.kid },
    spacelift: { endpoint: ENDPOINT, auth: { type: "apiKey" } },
  });

  async function pushTouching(changedFiles: string[]): Promise<RecordedRun[]> {
    const sha = randomSha();
    const secrets = apiKeySecrets(key);
    const runs: RecordedRun[] = [];
    for (const file of files) {
      const { job, api } = await executePush(file.content, STACKS, {
        push: { branch: "main", sha, changedFiles },
        secrets,
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
