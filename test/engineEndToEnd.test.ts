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
import {
  SIGNING_KEY_RESOURCE,
  environmentName,
  environmentsOf,
  expectedEnvironments,
  proposedKid,
  proposedSecretName,
  repositorySecretNames,
  trackedKid,
  trackedSecretName,
  workflowFile,
} from "./support/engineExpectations";
import {
  fakeGithubLeftovers,
  fakeSpaceliftLeftovers,
  readFakeGithub,
  readFakeSpacelift,
  seededSpaceliftIds,
  REPO_ROOT,
  type FakeRepository,
} from "./support/standins";

const OPA = path.join(REPO_ROOT, ".tools", "bin", "opa-v1");
const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");

function githubSecretHash(value: string): string {
  return createHash("sha256").update(`value\0${value}`).digest("hex");
}
function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

interface ExportedResource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
}

async function exportWithSecrets(
  project: EngineProject,
  stack: string,
): Promise<{ resources: ExportedResource[]; secrets: string[] }> {
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

/** A token to sign: the key, its kid, the stack and run type it claims and the branch it records. */
interface TokenCase {
  keyPem: string;
  kid: string;
  stack: string;
  runType: "TRACKED" | "PROPOSED";
  branch: string;
}

/**
 * Signs a token and asks real OPA whether `policy` allows it for a run of `verifyStack` (default the token's stack)
 * reported, as for API-triggered runs, with branch "-".
 */
async function opaAllows(
  project: EngineProject,
  policy: string,
  token: TokenCase,
  verifyStack = token.stack,
): Promise<{ code: number | null; out: string }> {
  const keyFile = path.join(project.dir, "key.pem");
  const policyFile = path.join(project.dir, "initialization-policy.rego");
  writeFileSync(keyFile, token.keyPem, { mode: 0o600 });
  writeFileSync(policyFile, policy);
  const sha = "0123456789abcdef0123456789abcdef01234567";
  const signed = await node(
    [
      CLI,
      "sign",
      "--key",
      keyFile,
      "--kid",
      token.kid,
      "--stack",
      token.stack,
      "--sha",
      sha,
      "--run-type",
      token.runType,
      "--branch",
      token.branch,
    ],
    project.dir,
  );
  assert.equal(signed.code, 0, signed.out);
  return node(
    [
      CLI,
      "verify",
      "--policy",
      policyFile,
      "--opa",
      OPA,
      "--token",
      signed.out.trim(),
      "--stack",
      verifyStack,
      "--sha",
      sha,
      "--run-type",
      token.runType,
    ],
    project.dir,
  );
}

function privateKeyPem(resources: ExportedResource[], nameSuffix: string): string {
  const key = resources.find((r) => r.type === SIGNING_KEY_RESOURCE.type && r.urn.endsWith(nameSuffix));
  assert.ok(key !== undefined, `the state has the signing key ${nameSuffix}`);
  const value = key.outputs?.[SIGNING_KEY_RESOURCE.privateOutput] as { plaintext?: string } | string;
  return typeof value === "string" ? value : (JSON.parse(value.plaintext as string) as string);
}

/** One generation's private keys from the state: the proposed key and the tracked key of each branch. */
function generationKeys(
  resources: ExportedResource[],
  generation: string,
  branches: string[],
): { proposed: string; tracked: Record<string, string> } {
  return {
    proposed: privateKeyPem(resources, SIGNING_KEY_RESOURCE.proposedSuffix(generation)),
    tracked: Object.fromEntries(
      branches.map((branch) => [
        branch,
        privateKeyPem(resources, SIGNING_KEY_RESOURCE.trackedSuffix(generation, branch)),
      ]),
    ),
  };
}

/**
 * The GitHub side of one generation, as the runbook says: its proposed key in the repository secret, and its
 * tracked key of each branch in that branch's environment only; the secrets hold exactly these keys.
 */
function assertGenerationSecrets(
  repo: FakeRepository,
  generation: string,
  keys: { proposed: string; tracked: Record<string, string> },
  step: string,
): void {
  assert.equal(
    repo.secrets[proposedSecretName(generation)]?.valueSha256,
    githubSecretHash(keys.proposed),
    `${step}: the repository secret ${proposedSecretName(generation)} holds the proposed key of ${generation}`,
  );
  assert.equal(
    repo.secrets[trackedSecretName(generation)],
    undefined,
    `${step}: no tracked key of ${generation} is a repository secret`,
  );
  for (const [branch, pem] of Object.entries(keys.tracked)) {
    const env = repo.environments[environmentName(branch)];
    assert.ok(env !== undefined, `${step}: the environment ${environmentName(branch)} exists`);
    assert.equal(
      env.secrets[trackedSecretName(generation)]?.valueSha256,
      githubSecretHash(pem),
      `${step}: ${environmentName(branch)} holds the tracked key of ${branch}, generation ${generation}`,
    );
  }
  const distinct = new Set([keys.proposed, ...Object.values(keys.tracked)]);
  assert.equal(
    distinct.size,
    1 + Object.keys(keys.tracked).length,
    `${step}: the proposed key and each tracked key of ${generation} are different keys`,
  );
}

/** Seeds the fake worlds with what exists before the program (seed-standins arguments); returns Spacelift's seeded ids. */
async function seed(
  project: EngineProject,
  args: string[],
): Promise<{ baseline: ReturnType<typeof seededSpaceliftIds>; stdout: string }> {
  const seeded = await project.withEngine(["seed-standins", ...args]);
  return { baseline: seededSpaceliftIds(readFakeSpacelift(project.spaceliftWorld)), stdout: seeded.stdout };
}

/** Makes the stack `dev` and sets its configuration, one key at a time as a user would. */
async function initStack(project: EngineProject, config: Record<string, string>): Promise<void> {
  await project.withEngine(["pulumi", "stack", "init", "dev"]);
  for (const [key, value] of Object.entries(config)) await project.withEngine(["pulumi", "config", "set", key, value]);
}

/** `destroy`, then neither fake world holds anything the program made, and no engine process outlived its command. */
async function destroyLeavesNothing(
  project: EngineProject,
  baseline: ReturnType<typeof seededSpaceliftIds>,
): Promise<void> {
  await project.withEngine(["pulumi", "destroy", "--yes", "--skip-preview"]);
  assert.deepEqual(fakeGithubLeftovers(readFakeGithub(project.githubWorld)), []);
  assert.deepEqual(fakeSpaceliftLeftovers(readFakeSpacelift(project.spaceliftWorld), baseline), []);
  assert.deepEqual(project.survivors, [], "no process outlived an engine command");
}

test("root project, as the README's quick start runs it with Pulumi.example.yaml: up, no-change preview, no plaintext secret in state, the policy allows each key only its run types and stacks in OPA, the rotation runbook, destroy empties the fake worlds", async () => {
  const project = createEngineProject();
  try {
    const repo = "acme/payments-infra";
    const branches = ["main", "staging"];
    // The quick start's repository and stacks exist already (the example config does not create them).
    const { baseline, stdout } = await seed(project, [
      "--repository",
      `${repo}:main,staging`,
      "--stack",
      "payments-prod=payments-infra@main",
      "--stack",
      "payments-staging=payments-infra@staging",
    ]);
    assert.match(stdout, /fake GitHub: repository acme\/payments-infra \(branches main, staging\)/);

    // Step 4 of the quick start, with scripts/with-engine.sh in front.
    copyFileSync(path.join(project.dir, "Pulumi.example.yaml"), path.join(project.dir, "Pulumi.dev.yaml"));
    await project.withEngine(["pulumi", "stack", "init", "dev"]);
    const apiKeySecret = "quick-start-api-key-secret-0123456789";
    await project.withEngine(["pulumi", "config", "set", "--secret", "spaceliftApiKeySecret"], { input: apiKeySecret });
    await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"]);

    const gh = () => readFakeGithub(project.githubWorld).repositories[repo];
    assert.deepEqual(Object.keys(gh().secrets).sort(), repositorySecretNames(["2026-11"], "secret"));
    assert.equal(gh().secrets.SPACELIFT_API_KEY_SECRET.valueSha256, githubSecretHash(apiKeySecret));
    // One environment per tracked branch, admitting exactly that branch through a custom branch policy, with its tracked key.
    assert.deepEqual(environmentsOf(gh()), expectedEnvironments(branches, ["2026-11"]));
    assert.deepEqual(Object.keys(gh().branches.main.files).sort(), [
      workflowFile("payments-prod"),
      workflowFile("payments-staging"),
    ]);
    for (const [stack, branch] of [
      ["payments-prod", "main"],
      ["payments-staging", "staging"],
    ]) {
      const jobEnvironments = [
        ...gh().branches.main.files[workflowFile(stack)].content.matchAll(/^\s+environment: (\S+)$/gm),
      ].map((m) => m[1]);
      assert.deepEqual(
        jobEnvironments,
        [environmentName(branch)],
        `${stack}'s tracked job names ${environmentName(branch)}, the only environment its workflow names`,
      );
    }
    const sl = readFakeSpacelift(project.spaceliftWorld);
    assert.equal(Object.keys(sl.workerPools).length, 1);
    assert.deepEqual(
      Object.values(sl.policies).map((p) => p.type),
      ["GIT_PUSH"],
    );
    assert.deepEqual(
      Object.values(sl.attachments)
        .map((a) => a.stackId)
        .sort(),
      ["payments-prod", "payments-staging"],
    );

    await project.withEngine(["pulumi", "preview", "--expect-no-changes"]);

    // Secrets: the values, read back through the engine, match the fake worlds' hashes, and none is in the state in plaintext.
    const { resources } = await exportWithSecrets(project, "dev");
    const keys2026 = generationKeys(resources, "2026-11", branches);
    assertGenerationSecrets(gh(), "2026-11", keys2026, "up");
    const launcher = JSON.parse(
      (await project.withEngine(["pulumi", "stack", "output", "launcherEnvironment", "--show-secrets", "--json"]))
        .stdout,
    ) as Record<string, string>;
    const poolConfig = launcher.SPACELIFT_TOKEN;
    const poolKey = launcher.SPACELIFT_POOL_PRIVATE_KEY;
    assert.equal(
      Object.values(sl.workerPools)[0].configSha256,
      sha256(poolConfig),
      "the launcher's token is the pool's config",
    );
    await assertNoPlaintextSecrets(project, "dev", [
      apiKeySecret,
      keys2026.proposed,
      keys2026.tracked.main,
      keys2026.tracked.staging,
      poolConfig,
      poolKey,
    ]);

    // The rendered policy from the stack output, in real OPA: each key signs only its run types, for its stacks.
    const policyOf = async () =>
      (await project.withEngine(["pulumi", "stack", "output", "initializationPolicy", "--show-secrets"])).stdout;
    const tracked = (
      keys: typeof keys2026,
      generation: string,
      branch = "main",
      stack = "payments-prod",
    ): TokenCase => ({
      keyPem: keys.tracked[branch],
      kid: trackedKid("acme", "payments-infra", branch, generation),
      stack,
      runType: "TRACKED",
      branch,
    });
    const proposed = (
      keys: typeof keys2026,
      generation: string,
      runType: TokenCase["runType"] = "PROPOSED",
    ): TokenCase => ({
      keyPem: keys.proposed,
      kid: proposedKid("acme", "payments-infra", generation),
      stack: "payments-prod",
      runType,
      branch: "feature/x",
    });
    let policy = await policyOf();
    const allowed = await opaAllows(project, policy, tracked(keys2026, "2026-11"));
    assert.equal(allowed.code, 0, allowed.out);
    assert.match(allowed.out, /allowed \(engine: opa /);
    const otherStack = await opaAllows(project, policy, tracked(keys2026, "2026-11"), "payments-other");
    assert.equal(otherStack.code, 1, `a token for another stack is denied:\n${otherStack.out}`);
    const feature = await opaAllows(project, policy, proposed(keys2026, "2026-11"));
    assert.equal(
      feature.code,
      0,
      `a feature branch's preview signed with the proposed key is allowed:\n${feature.out}`,
    );
    const proposedTracked = await opaAllows(project, policy, proposed(keys2026, "2026-11", "TRACKED"));
    assert.equal(proposedTracked.code, 1, `the proposed key signing TRACKED is denied:\n${proposedTracked.out}`);
    const stagingForMain = await opaAllows(project, policy, tracked(keys2026, "2026-11", "staging", "payments-prod"));
    assert.equal(
      stagingForMain.code,
      1,
      `staging's tracked key signing for a main stack is denied:\n${stagingForMain.out}`,
    );
    assert.equal(
      (await opaAllows(project, policy, tracked(keys2026, "2026-11", "staging", "payments-staging"))).code,
      0,
      "staging's tracked key signs for its own stack",
    );

    // The rotation runbook (docs/key-rotation.md) in the root project's keys.
    const workflows = () =>
      Object.values(gh().branches.main.files)
        .map((f) => f.content)
        .join("\n");
    const signsWith = (generation: string) =>
      workflows().includes(proposedSecretName(generation)) && workflows().includes(trackedSecretName(generation));
    const signsWithNeither = (generation: string) =>
      !workflows().includes(proposedSecretName(generation)) && !workflows().includes(trackedSecretName(generation));
    const kids = (generation: string) => [
      proposedKid("acme", "payments-infra", generation),
      ...branches.map((b) => trackedKid("acme", "payments-infra", b, generation)),
    ];
    const trusts = (text: string, generation: string) => kids(generation).every((kid) => text.includes(kid));
    const trustsNone = (text: string, generation: string) => kids(generation).every((kid) => !text.includes(kid));
    // 1. Add a generation: new keys and secrets of both kinds; the workflow still signs with the old ones; the policy trusts both.
    await project.withEngine(["pulumi", "config", "set", "--path", "signingKeys[1]", "2027-05"]);
    await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"]);
    assert.deepEqual(Object.keys(gh().secrets).sort(), repositorySecretNames(["2026-11", "2027-05"], "secret"));
    assert.deepEqual(
      environmentsOf(gh()),
      expectedEnvironments(branches, ["2026-11", "2027-05"]),
      "step 1: each environment holds both generations' tracked keys",
    );
    policy = await policyOf();
    assert.ok(
      trusts(policy, "2026-11") && trusts(policy, "2027-05"),
      "step 1: the policy trusts both generations' keys",
    );
    assert.ok(signsWith("2026-11") && signsWithNeither("2027-05"), "step 1: the workflows still sign with 2026-11");
    const keys2027 = generationKeys((await exportWithSecrets(project, "dev")).resources, "2027-05", branches);
    assertGenerationSecrets(gh(), "2027-05", keys2027, "step 1");
    assertGenerationSecrets(gh(), "2026-11", keys2026, "step 1 (the old keys are untouched)");
    assert.equal(
      (await opaAllows(project, policy, tracked(keys2027, "2027-05"))).code,
      0,
      "step 1: the new tracked key is trusted before it signs",
    );
    assert.equal(
      (await opaAllows(project, policy, proposed(keys2027, "2027-05"))).code,
      0,
      "step 1: the new proposed key is trusted before it signs",
    );
    // 3. Switch: only the workflow files change.
    await project.withEngine(["pulumi", "config", "set", "activeSigningKey", "2027-05"]);
    await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"]);
    assert.ok(signsWith("2027-05") && signsWithNeither("2026-11"), "step 3: the workflows sign with 2027-05");
    assert.deepEqual(Object.keys(gh().secrets).sort(), repositorySecretNames(["2026-11", "2027-05"], "secret"));
    assert.deepEqual(
      environmentsOf(gh()),
      expectedEnvironments(branches, ["2026-11", "2027-05"]),
      "step 3: the environments keep both generations",
    );
    assertGenerationSecrets(gh(), "2026-11", keys2026, "step 3");
    assertGenerationSecrets(gh(), "2027-05", keys2027, "step 3");
    policy = await policyOf();
    assert.ok(trusts(policy, "2026-11") && trusts(policy, "2027-05"), "step 3: in-flight 2026-11 tokens still verify");
    assert.equal(
      (await opaAllows(project, policy, tracked(keys2026, "2026-11"))).code,
      0,
      "step 3: an in-flight 2026-11 token is allowed",
    );
    // 4. Retire: the old keys, their secrets of both kinds and their trust are gone.
    await project.withEngine(["pulumi", "config", "set", "--path", "signingKeys", '["2027-05"]']);
    await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"]);
    assert.deepEqual(Object.keys(gh().secrets).sort(), repositorySecretNames(["2027-05"], "secret"));
    assert.deepEqual(
      environmentsOf(gh()),
      expectedEnvironments(branches, ["2027-05"]),
      "step 4: the environments hold only 2027-05's tracked keys",
    );
    assertGenerationSecrets(gh(), "2027-05", keys2027, "step 4");
    policy = await policyOf();
    assert.ok(trustsNone(policy, "2026-11") && trusts(policy, "2027-05"), "step 4: the policy trusts only 2027-05");
    assert.equal(
      (await opaAllows(project, policy, tracked(keys2027, "2027-05"))).code,
      0,
      "step 4: the new key is allowed",
    );
    assert.equal(
      (await opaAllows(project, policy, tracked(keys2026, "2026-11"))).code,
      1,
      "step 4: the retired tracked key is denied",
    );
    assert.equal(
      (await opaAllows(project, policy, proposed(keys2026, "2026-11"))).code,
      1,
      "step 4: the retired proposed key is denied",
    );
    await project.withEngine(["pulumi", "preview", "--expect-no-changes"]);

    await destroyLeavesNothing(project, baseline);
  } finally {
    assert.deepEqual(await project.close(), [], "no process was left when the project closed");
  }
});

test("examples/existing-infrastructure on an existing pool and push policy: up, no-change preview, no plaintext secret in state, destroy leaves only what existed", async () => {
  const project = createEngineProject({ main: "examples/existing-infrastructure/index.ts" });
  try {
    const repo = "acme/payments-infra";
    const { baseline } = await seed(project, [
      "--repository",
      `${repo}:main`,
      "--policy",
      "existing-push:GIT_PUSH",
      "--worker-pool",
      "existing-pool",
    ]);
    await initStack(project, {
      githubOwner: "acme",
      githubRepository: "payments-infra",
      spaceliftEndpoint: "https://acme.app.spacelift.io",
      existingWorkerPoolId: "existing-pool",
      existingPushPolicyId: "existing-push",
      "github:owner": "acme",
    });
    await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"]);

    const gh = readFakeGithub(project.githubWorld).repositories[repo];
    assert.deepEqual(Object.keys(gh.secrets).sort(), repositorySecretNames(["1"], "none"));
    assert.deepEqual(
      environmentsOf(gh),
      expectedEnvironments(["main"], ["1"]),
      "one environment for main, admitting only main, with the tracked key",
    );
    assert.deepEqual(Object.keys(gh.branches.main.files), [workflowFile("payments-prod")]);
    const sl = readFakeSpacelift(project.spaceliftWorld);
    assert.deepEqual(Object.keys(sl.workerPools), ["existing-pool"], "no new pool");
    assert.deepEqual(Object.keys(sl.policies), ["existing-push"], "no new push policy");
    assert.equal(
      sl.stacks["payments-prod"]?.workerPoolId,
      "existing-pool",
      "the program's stack runs on the existing pool",
    );
    assert.deepEqual(Object.values(sl.attachments), [{ policyId: "existing-push", stackId: "payments-prod" }]);

    await project.withEngine(["pulumi", "preview", "--expect-no-changes"]);
    const { resources } = await exportWithSecrets(project, "dev");
    const keys = generationKeys(resources, "1", ["main"]);
    assertGenerationSecrets(gh, "1", keys, "up");
    await assertNoPlaintextSecrets(project, "dev", [keys.proposed, keys.tracked.main]);

    await destroyLeavesNothing(project, baseline);
    const after = readFakeSpacelift(project.spaceliftWorld);
    assert.deepEqual(
      [Object.keys(after.policies), Object.keys(after.workerPools)],
      [["existing-push"], ["existing-pool"]],
      "what existed before stays",
    );
  } finally {
    assert.deepEqual(await project.close(), [], "no process was left when the project closed");
  }
});

test("examples/monorepo: a GitHub fault fails `up` naming the resource, a second `up` converges with nothing lost or duplicated, no-change preview, no plaintext secret, destroy empties the fake worlds", async () => {
  const project = createEngineProject({ main: "examples/monorepo/index.ts" });
  try {
    const repo = "acme/platform-infra";
    const { baseline } = await seed(project, [
      "--repository",
      `${repo}:main,staging`,
      "--stack",
      "network-prod=platform-infra@main",
      "--stack",
      "cluster-prod=platform-infra@main",
    ]);
    await initStack(project, {
      githubOwner: "acme",
      githubRepository: "platform-infra",
      spaceliftEndpoint: "https://acme.app.spacelift.io",
      spaceliftOidcApiKeyId: "01HXAMPLEOIDCKEY00000000000",
      "github:owner": "acme",
    });
    // The first create of an Actions secret answers 502 once (the count lives in the world file).
    const faults = { SIGNED_RUNS_FAKE_GITHUB_FAULTS: "create:ActionsSecret:1" };
    const failed = await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"], {
      allowFailure: true,
      env: faults,
    });
    assert.notEqual(failed.code, 0, "up fails on the GitHub fault");
    const failure = `${failed.stdout}\n${failed.stderr}`;
    assert.match(
      failure,
      /github:index:ActionsSecret \([^)]*proposed-key-secret-2026-11\):\s*\n\s*error: PUT \S+\/actions\/secrets\/SPACELIFT_RUN_SIGNING_KEY_PROPOSED_2026_11: 502/,
      "the failure names the secret resource and GitHub's answer",
    );
    assert.deepEqual(
      Object.keys(readFakeGithub(project.githubWorld).repositories[repo].secrets),
      [],
      "the failed secret was not stored",
    );

    await project.withEngine(["pulumi", "up", "--yes", "--skip-preview"], { env: faults });
    const gh = readFakeGithub(project.githubWorld).repositories[repo];
    assert.deepEqual(Object.keys(gh.secrets).sort(), repositorySecretNames(["2026-11"], "oidc"));
    assert.deepEqual(
      environmentsOf(gh),
      expectedEnvironments(["main", "staging"], ["2026-11"]),
      "one environment per tracked branch, nothing duplicated",
    );
    const stacks = ["network-prod", "cluster-prod", "cluster-staging"];
    assert.deepEqual(Object.keys(gh.branches.main.files).sort(), stacks.map(workflowFile).sort());
    const sl = readFakeSpacelift(project.spaceliftWorld);
    assert.equal(Object.keys(sl.workerPools).length, 1, "one pool, not two");
    assert.equal(Object.keys(sl.policies).length, 1, "one push policy, not two");
    assert.deepEqual(
      Object.values(sl.attachments)
        .map((a) => a.stackId)
        .sort(),
      [...stacks].sort(),
      "one attachment per stack",
    );
    assert.equal(sl.stacks["cluster-staging"]?.seeded, undefined, "the component created cluster-staging");

    await project.withEngine(["pulumi", "preview", "--expect-no-changes"]);
    const { resources } = await exportWithSecrets(project, "dev");
    const keys = generationKeys(resources, "2026-11", ["main", "staging"]);
    assertGenerationSecrets(gh, "2026-11", keys, "up");
    const launcher = JSON.parse(
      (await project.withEngine(["pulumi", "stack", "output", "launcherEnvironment", "--show-secrets", "--json"]))
        .stdout,
    ) as Record<string, string>;
    await assertNoPlaintextSecrets(project, "dev", [
      keys.proposed,
      keys.tracked.main,
      keys.tracked.staging,
      launcher.SPACELIFT_TOKEN,
      launcher.SPACELIFT_POOL_PRIVATE_KEY,
    ]);

    await destroyLeavesNothing(project, baseline);
  } finally {
    assert.deepEqual(await project.close(), [], "no process was left when the project closed");
  }
});

test("scripts/with-engine.sh installs the stand-ins only with SIGNED_RUNS_STANDINS=1, and seeds fake worlds only then", async () => {
  const project = createEngineProject();
  try {
    const real = { SIGNED_RUNS_STANDINS: "0" };
    const refused = await project.withEngine(["seed-standins", "--repository", "acme/x"], {
      allowFailure: true,
      env: real,
    });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /run it with SIGNED_RUNS_STANDINS=1/);
    const plugins = (await project.withEngine(["pulumi", "plugin", "ls", "--json"], { env: real })).stdout;
    assert.deepEqual(
      (JSON.parse(plugins) as Array<{ name: string }>).map((p) => p.name),
      ["terraform-provider"],
      "only the bridge without SIGNED_RUNS_STANDINS",
    );
    const withStandins = (await project.withEngine(["pulumi", "plugin", "ls", "--json"])).stdout;
    assert.deepEqual((JSON.parse(withStandins) as Array<{ name: string }>).map((p) => p.name).sort(), [
      "github",
      "random",
      "terraform-provider",
      "tls",
    ]);
    assert.deepEqual(project.survivors, []);
  } finally {
    assert.deepEqual(await project.close(), []);
  }
});
