/**
 * The repository's Pulumi projects under the real engine, against the stand-in providers, run as a person
 * runs them: `scripts/with-engine.sh pulumi …` with SIGNED_RUNS_STANDINS=1 (test/support/engineProject.ts).
 * The root project follows the README's quick start with the keys of Pulumi.example.yaml, then the
 * rotation runbook; the two examples go up, preview without changes and are destroyed; the monorepo meets a
 * GitHub fault first. Component-specific expectations live in test/support/engineExpectations.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runInGroup } from "./support/engine";
import { createEngineProject, projectBackendText, secretValuesOf, type EngineProject } from "./support/engineProject";
import { SIGNING_KEY_RESOURCE, kidOf, repositorySecretNames, signingKeySecretName, workflowFile } from "./support/engineExpectations";
import { fakeGithubLeftovers, fakeSpaceliftLeftovers, readFakeGithub, readFakeSpacelift, seededSpaceliftIds, REPO_ROOT } from "./support/standins";

const OPA = path.join(REPO_ROOT, ".tools", "bin", "opa-v1");
const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");

function githubSecretHash(value: string): string {
  return createHash("sha256").update(`value\0${value}`).digest("hex");
}
function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

interface ExportedResource { urn: string; type: string; outputs?: Record<string, unknown> }

async function exportWithSecrets(project: EngineProject, stack: string): Promise<{ resources: ExportedResource[]; secrets: string[] }> {
  const { stdout } = await project.withEngine(["pulumi", "stack", "export", "--show-secrets", "--stack", stack]);
  const doc = JSON.parse(stdout) as { deployment: { resources: ExportedResource[] } };
  return { resources: doc.deployment.resources, secrets: secretValuesOf(doc) };
}

/**
 * None of `values` (secrets read back through the engine or the fake worlds) is in the plain export or in any
 * backend file, as they are or JSON-escaped; each must be among the stack's secret values.
 */
async function assertNoPlaintextSecrets(project: EngineProject, stack: string, values: string[]): Promise<void> {
  const { secrets } = await exportWithSecrets(project, stack);
  const plain = (await project.withEngine(["pulumi", "stack", "export", "--stack", stack])).stdout;
  const files = projectBackendText(project);
  assert.ok(values.length > 0);
  for (const value of values) {
    const label = `a secret of ${value.length} characters (sha256 ${sha256(value).slice(0, 12)})`;
    assert.ok(value.length >= 16, `${label} is a real value`);
    assert.ok(secrets.includes(value), `${label} is a secret of the stack`);
    const escaped = JSON.stringify(value).slice(1, -1);
    assert.ok(!plain.includes(value) && !plain.includes(escaped), `${label} is in plaintext in the exported state`);
    assert.ok(!files.includes(value) && !files.includes(escaped), `${label} is in plaintext in the backend's files`);
  }
}

async function node(args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  const r = await runInGroup(process.execPath, args, { cwd, env: process.env });
  return { code: r.code, out: `${r.stdout}${r.stderr}` };
}

/** Signs a token with `keyPem` and asks real OPA whether `policy` allows it. */
async function opaAllows(project: EngineProject, policy: string, keyPem: string, kid: string, stack: string, verifyStack = stack): Promise<{ code: number | null; out: string }> {
  const keyFile = path.join(project.dir, "key.pem");
  const policyFile = path.join(project.dir, "initialization-policy.rego");
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  writeFileSync(policyFile, policy);
  const sha = "0123456789abcdef0123456789abcdef01234567";
  const signed = await node([CLI, "sign", "--key", keyFile, "--kid", kid, "--stack", stack, "--sha", sha, "--run-type", "TRACKED", "--branch", "main"], project.dir);
  assert.equal(signed.code, 0, signed.out);
  return node([CLI, "verify", "--policy", policyFile, "--opa", OPA, "--token", signed.out.trim(), "--stack", verifyStack, "--sha", sha, "--run-type", "TRACKED"], project.dir);
}

function signingKeyPem(resources: ExportedResource[], generation: string): string {
  const key = resources.find((r) => r.type === SIGNING_KEY_RESOURCE.type && r.urn.endsWith(SIGNING_KEY_RESOURCE.nameSuffix(generation)));
  assert.ok(key !== undefined, `the state has the signing key of generation ${generation}`);
  const value = key.outputs?.[SIGNING_KEY_RESOURCE.privateOutput] as { plaintext?: string } | string;
  return typeof value === "string" ? value : (JSON.parse(value.plaintext as string) as string);
}

test("root project, as the README's quick start runs it with Pulumi.example.yaml: up, no-change preview, no plaintext secret in state, the policy allows the stack's key in OPA, the rotation runbook, destroy empties the fake worlds", async () => {
  const project = createEngineProject();
  try {
    const repo = "acme/payments-infra";
    // The quick start's repository and stacks exist already (the example config does not create them).
    const seeded = await project.withEngine(["seed-standins", "--repository", `${repo}:main,staging`, "--stack", "payments-prod=payments-infra@main", "--stack", "payments-staging=payments-infra@staging"]);
    assert.match(seeded.stdout, /fake GitHub: repository acme\/payments-infra \(branches main, staging\)/);
    const baseline = seededSpaceliftIds(readFakeSpacelift(project.spaceliftWorld));

    // Step 4 of the quick start, with scripts/with-engine.sh in front.
    copyFileSync(path.join(project.dir, "Pulumi.example.yaml"), path.join(project.dir, "Pulumi.dev.yaml"));
    await project.withEngine(["pulumi", "stack", "init", "dev"]);
    const apiKeySecret = "quick-start-api-key-secret-0123456789";
    await project.withEngine(["pulumi", "config", "set", "--secret", "spaceliftApiKeySecret"], { input: apiKeySecret });
    await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"]);

    const gh = () => readFakeGithub(project.githubWorld).repositories[repo];
    assert.deepEqual(Object.keys(gh().secrets).sort(), repositorySecretNames(["2026-11"], "secret"));
    assert.equal(gh().secrets.SPACELIFT_API_KEY_SECRET.valueSha256, githubSecretHash(apiKeySecret));
    assert.deepEqual(Object.keys(gh().branches.main.files).sort(), [workflowFile("payments-prod"), workflowFile("payments-staging")]);
    const sl = readFakeSpacelift(project.spaceliftWorld);
    assert.equal(Object.keys(sl.workerPools).length, 1);
    assert.deepEqual(Object.values(sl.policies).map((p) => p.type), ["GIT_PUSH"]);
    assert.deepEqual(Object.values(sl.attachments).map((a) => a.stackId).sort(), ["payments-prod", "payments-staging"]);

    await project.withEngine(["pulumi", "preview", "--expect-no-changes"]);

    // Secrets: the values, read back through the engine, match the fake worlds' hashes, and none is in the state in plaintext.
    const { resources } = await exportWithSecrets(project, "dev");
    const key2026 = signingKeyPem(resources, "2026-11");
    assert.equal(gh().secrets[signingKeySecretName("2026-11")].valueSha256, githubSecretHash(key2026), "the GitHub secret holds the stack's signing key");
    const launcher = JSON.parse((await project.withEngine(["pulumi", "stack", "output", "launcherEnvironment", "--show-secrets", "--json"])).stdout) as Record<string, string>;
    const poolConfig = launcher.SPACELIFT_TOKEN;
    const poolKey = launcher.SPACELIFT_POOL_PRIVATE_KEY;
    assert.equal(Object.values(sl.workerPools)[0].configSha256, sha256(poolConfig), "the launcher's token is the pool's config");
    await assertNoPlaintextSecrets(project, "dev", [apiKeySecret, key2026, poolConfig, poolKey]);

    // The rendered policy from the stack output allows a token signed with the stack's key, in real OPA.
    const policyOf = async () => (await project.withEngine(["pulumi", "stack", "output", "initializationPolicy", "--show-secrets"])).stdout;
    const kid2026 = kidOf("acme", "payments-infra", "2026-11");
    const allowed = await opaAllows(project, await policyOf(), key2026, kid2026, "payments-prod");
    assert.equal(allowed.code, 0, allowed.out);
    assert.match(allowed.out, /allowed \(engine: opa /);
    const otherStack = await opaAllows(project, await policyOf(), key2026, kid2026, "payments-prod", "payments-other");
    assert.equal(otherStack.code, 1, `a token for another stack is denied:\n${otherStack.out}`);

    // The rotation runbook (README, "Key rotation runbook") in the root project's keys.
    const workflows = () => Object.values(gh().branches.main.files).map((f) => f.content).join("\n");
    const kid2027 = kidOf("acme", "payments-infra", "2027-05");
    // 1. Add a generation: a new key and secret; the workflow still signs with the old one; the policy trusts both.
    await project.withEngine(["pulumi", "config", "set", "--path", "signingKeys[1]", "2027-05"]);
    await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"]);
    assert.deepEqual(Object.keys(gh().secrets).sort(), repositorySecretNames(["2026-11", "2027-05"], "secret"));
    let policy = await policyOf();
    assert.ok(policy.includes(kid2026) && policy.includes(kid2027), "step 1: the policy trusts both generations");
    assert.ok(workflows().includes(signingKeySecretName("2026-11")) && !workflows().includes(signingKeySecretName("2027-05")), "step 1: the workflows still sign with 2026-11");
    const key2027 = signingKeyPem((await exportWithSecrets(project, "dev")).resources, "2027-05");
    assert.equal(gh().secrets[signingKeySecretName("2027-05")].valueSha256, githubSecretHash(key2027));
    assert.equal(gh().secrets[signingKeySecretName("2026-11")].valueSha256, githubSecretHash(key2026), "step 1: the old key is untouched");
    assert.equal((await opaAllows(project, policy, key2027, kid2027, "payments-prod")).code, 0, "step 1: the new key is trusted before it signs");
    // 3. Switch: only the workflow files change.
    await project.withEngine(["pulumi", "config", "set", "activeSigningKey", "2027-05"]);
    await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"]);
    assert.ok(workflows().includes(signingKeySecretName("2027-05")) && !workflows().includes(signingKeySecretName("2026-11")), "step 3: the workflows sign with 2027-05");
    assert.deepEqual(Object.keys(gh().secrets).sort(), repositorySecretNames(["2026-11", "2027-05"], "secret"));
    policy = await policyOf();
    assert.ok(policy.includes(kid2026) && policy.includes(kid2027), "step 3: in-flight 2026-11 tokens still verify");
    assert.equal((await opaAllows(project, policy, key2026, kid2026, "payments-prod")).code, 0, "step 3: an in-flight 2026-11 token is allowed");
    // 4. Retire: the old key, its secret and its trust are gone.
    await project.withEngine(["pulumi", "config", "set", "--path", "signingKeys", "[\"2027-05\"]"]);
    await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"]);
    assert.deepEqual(Object.keys(gh().secrets).sort(), repositorySecretNames(["2027-05"], "secret"));
    policy = await policyOf();
    assert.ok(!policy.includes(kid2026) && policy.includes(kid2027), "step 4: the policy trusts only 2027-05");
    assert.equal((await opaAllows(project, policy, key2027, kid2027, "payments-prod")).code, 0, "step 4: the new key is allowed");
    assert.equal((await opaAllows(project, policy, key2026, kid2026, "payments-prod")).code, 1, "step 4: the retired key is denied");
    await project.withEngine(["pulumi", "preview", "--expect-no-changes"]);

    await project.withEngine(["pulumi", "destroy", "--yes", "--skip-preview"]);
    assert.deepEqual(fakeGithubLeftovers(readFakeGithub(project.githubWorld)), []);
    assert.deepEqual(fakeSpaceliftLeftovers(readFakeSpacelift(project.spaceliftWorld), baseline), []);
    assert.deepEqual(project.survivors, [], "no process outlived an engine command");
  } finally {
    assert.deepEqual(await project.close(), [], "no process was left when the project closed");
  }
});

test("examples/existing-infrastructure on an existing pool and push policy: up, no-change preview, no plaintext secret in state, destroy leaves only what existed", async () => {
  const project = createEngineProject({ main: "examples/existing-infrastructure/index.ts" });
  try {
    const repo = "acme/payments-infra";
    await project.withEngine(["seed-standins", "--repository", `${repo}:main`, "--policy", "existing-push:GIT_PUSH", "--worker-pool", "existing-pool"]);
    const baseline = seededSpaceliftIds(readFakeSpacelift(project.spaceliftWorld));
    await project.withEngine(["pulumi", "stack", "init", "dev"]);
    for (const [key, value] of [["githubOwner", "acme"], ["githubRepository", "payments-infra"], ["spaceliftEndpoint", "https://acme.app.spacelift.io"], ["existingWorkerPoolId", "existing-pool"], ["existingPushPolicyId", "existing-push"], ["github:owner", "acme"]]) {
      await project.withEngine(["pulumi", "config", "set", key, value]);
    }
    await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"]);

    const gh = readFakeGithub(project.githubWorld).repositories[repo];
    assert.deepEqual(Object.keys(gh.secrets).sort(), repositorySecretNames(["1"], "none"));
    assert.deepEqual(Object.keys(gh.branches.main.files), [workflowFile("payments-prod")]);
    const sl = readFakeSpacelift(project.spaceliftWorld);
    assert.deepEqual(Object.keys(sl.workerPools), ["existing-pool"], "no new pool");
    assert.deepEqual(Object.keys(sl.policies), ["existing-push"], "no new push policy");
    assert.equal(sl.stacks["payments-prod"]?.workerPoolId, "existing-pool", "the program's stack runs on the existing pool");
    assert.deepEqual(Object.values(sl.attachments), [{ policyId: "existing-push", stackId: "payments-prod" }]);

    await project.withEngine(["pulumi", "preview", "--expect-no-changes"]);
    const { resources } = await exportWithSecrets(project, "dev");
    const key = signingKeyPem(resources, "1");
    assert.equal(gh.secrets[signingKeySecretName("1")].valueSha256, githubSecretHash(key));
    await assertNoPlaintextSecrets(project, "dev", [key]);

    await project.withEngine(["pulumi", "destroy", "--yes", "--skip-preview"]);
    assert.deepEqual(fakeGithubLeftovers(readFakeGithub(project.githubWorld)), []);
    const after = readFakeSpacelift(project.spaceliftWorld);
    assert.deepEqual(fakeSpaceliftLeftovers(after, baseline), []);
    assert.deepEqual([Object.keys(after.policies), Object.keys(after.workerPools)], [["existing-push"], ["existing-pool"]], "what existed before stays");
    assert.deepEqual(project.survivors, [], "no process outlived an engine command");
  } finally {
    assert.deepEqual(await project.close(), [], "no process was left when the project closed");
  }
});

test("examples/monorepo: a GitHub fault fails `up` naming the resource, a second `up` converges with nothing lost or duplicated, no-change preview, no plaintext secret, destroy empties the fake worlds", async () => {
  const project = createEngineProject({ main: "examples/monorepo/index.ts" });
  try {
    const repo = "acme/platform-infra";
    await project.withEngine(["seed-standins", "--repository", `${repo}:main,staging`, "--stack", "network-prod=platform-infra@main", "--stack", "cluster-prod=platform-infra@main"]);
    const baseline = seededSpaceliftIds(readFakeSpacelift(project.spaceliftWorld));
    await project.withEngine(["pulumi", "stack", "init", "dev"]);
    for (const [key, value] of [["githubOwner", "acme"], ["githubRepository", "platform-infra"], ["spaceliftEndpoint", "https://acme.app.spacelift.io"], ["spaceliftOidcApiKeyId", "01HXAMPLEOIDCKEY00000000000"], ["github:owner", "acme"]]) {
      await project.withEngine(["pulumi", "config", "set", key, value]);
    }
    // The first create of an Actions secret answers 502 once (the count lives in the world file).
    const faults = { SIGNED_RUNS_FAKE_GITHUB_FAULTS: "create:ActionsSecret:1" };
    const failed = await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"], { allowFailure: true, env: faults });
    assert.notEqual(failed.code, 0, "up fails on the GitHub fault");
    const failure = `${failed.stdout}\n${failed.stderr}`;
    assert.match(failure, /github:index:ActionsSecret \([^)]*signing-key-secret-2026-11\):\s*\n\s*error: PUT \S+\/actions\/secrets\/SPACELIFT_RUN_SIGNING_KEY_2026_11: 502/, "the failure names the secret resource and GitHub's answer");
    assert.deepEqual(Object.keys(readFakeGithub(project.githubWorld).repositories[repo].secrets), [], "the failed secret was not stored");

    await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"], { env: faults });
    const gh = readFakeGithub(project.githubWorld).repositories[repo];
    assert.deepEqual(Object.keys(gh.secrets).sort(), repositorySecretNames(["2026-11"], "oidc"));
    const stacks = ["network-prod", "cluster-prod", "cluster-staging"];
    assert.deepEqual(Object.keys(gh.branches.main.files).sort(), stacks.map(workflowFile).sort());
    const sl = readFakeSpacelift(project.spaceliftWorld);
    assert.equal(Object.keys(sl.workerPools).length, 1, "one pool, not two");
    assert.equal(Object.keys(sl.policies).length, 1, "one push policy, not two");
    assert.deepEqual(Object.values(sl.attachments).map((a) => a.stackId).sort(), [...stacks].sort(), "one attachment per stack");
    assert.equal(sl.stacks["cluster-staging"]?.seeded, undefined, "the component created cluster-staging");

    await project.withEngine(["pulumi", "preview", "--expect-no-changes"]);
    const { resources } = await exportWithSecrets(project, "dev");
    const key = signingKeyPem(resources, "2026-11");
    assert.equal(gh.secrets[signingKeySecretName("2026-11")].valueSha256, githubSecretHash(key));
    const launcher = JSON.parse((await project.withEngine(["pulumi", "stack", "output", "launcherEnvironment", "--show-secrets", "--json"])).stdout) as Record<string, string>;
    await assertNoPlaintextSecrets(project, "dev", [key, launcher.SPACELIFT_TOKEN, launcher.SPACELIFT_POOL_PRIVATE_KEY]);

    await project.withEngine(["pulumi", "destroy", "--yes", "--skip-preview"]);
    assert.deepEqual(fakeGithubLeftovers(readFakeGithub(project.githubWorld)), []);
    assert.deepEqual(fakeSpaceliftLeftovers(readFakeSpacelift(project.spaceliftWorld), baseline), []);
    assert.deepEqual(project.survivors, [], "no process outlived an engine command");
  } finally {
    assert.deepEqual(await project.close(), [], "no process was left when the project closed");
  }
});

test("scripts/with-engine.sh installs the stand-ins only with SIGNED_RUNS_STANDINS=1, and seeds fake worlds only then", async () => {
  const project = createEngineProject();
  try {
    const real = { SIGNED_RUNS_STANDINS: "0" };
    const refused = await project.withEngine(["seed-standins", "--repository", "acme/x"], { allowFailure: true, env: real });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /run it with SIGNED_RUNS_STANDINS=1/);
    const plugins = (await project.withEngine(["pulumi", "plugin", "ls", "--json"], { env: real })).stdout;
    assert.deepEqual((JSON.parse(plugins) as Array<{ name: string }>).map((p) => p.name), ["terraform-provider"], "only the bridge without SIGNED_RUNS_STANDINS");
    const withStandins = (await project.withEngine(["pulumi", "plugin", "ls", "--json"])).stdout;
    assert.deepEqual((JSON.parse(withStandins) as Array<{ name: string }>).map((p) => p.name).sort(), ["github", "random", "terraform-provider", "tls"]);
    assert.deepEqual(project.survivors, []);
  } finally {
    assert.deepEqual(await project.close(), []);
  }
});
