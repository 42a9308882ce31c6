/**
 * SignedRuns, SignedRunsRepository and SignedRunsWorkerPool under Pulumi's
 * mocks: the resource graph (types, counts, parents, inputs), the outputs,
 * secret marking and determinism.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { renderPushPolicy } from "../components/policy/pushPolicy";
import { SignedRuns } from "../components/signedRuns/signedRuns";
import { DEFAULT_LAUNCHER_POLICY_PATH } from "../components/signedRuns/launcherEnvironment";
import {
  SPACELIFT_PLUGIN_DOWNLOAD_URL,
  SPACELIFT_PLUGIN_VERSION,
  setSpaceliftPackageSource,
} from "../components/spacelift/resourceOptions";
import { PolicyAttachment } from "../components/spacelift/policyAttachment";
import {
  ALL_SCENARIOS,
  API_KEY_ID,
  API_KEY_SECRET,
  SHARED_REPOSITORIES,
  createdStacksArgs,
  monorepoArgs,
  rotationArgs,
  sharedPool,
  singleStackArgs,
} from "./support/componentScenarios";
import { describeResource, isSecret, promiseOf, resourceTree, runWithMocks, type MockRun } from "./support/pulumiMocks";

const T = {
  signedRuns: "spacelift-signed-runs:index:SignedRuns",
  repository: "spacelift-signed-runs:index:SignedRunsRepository",
  pool: "spacelift-signed-runs:index:SignedRunsWorkerPool",
  policy: "spacelift:index/policy:Policy",
  attachment: "spacelift:index/policyAttachment:PolicyAttachment",
  workerPool: "spacelift:index/workerPool:WorkerPool",
  stack: "spacelift:index/stack:Stack",
  password: "random:index/randomPassword:RandomPassword",
  tlsKey: "tls:index/privateKey:PrivateKey",
  secret: "github:index/actionsSecret:ActionsSecret",
  environmentSecret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
  environment: "github:index/repositoryEnvironment:RepositoryEnvironment",
  branchPolicy: "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
  file: "github:index/repositoryFile:RepositoryFile",
};

/** A stand-in for either SDK's `spacelift.Provider`: same package name, so Pulumi routes spacelift:* resources to it. */
class SpaceliftProvider extends pulumi.ProviderResource {
  constructor(name: string) {
    super("spacelift", name, {}, {});
  }
}

function countTypes(run: MockRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of run.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

function parentsOf(root: unknown): Map<string, string | undefined> {
  return new Map(
    resourceTree(root).map((r) => {
      const d = describeResource(r);
      return [`${d.type}::${d.name}`, d.parent];
    }),
  );
}

test("single stack: pool, push policy + attachment, ES256 by default: a proposed key (repository secret) and a tracked key in the main branch's environment, all children of the component", async () => {
  const run = await runWithMocks(() => new SignedRuns("payments", singleStackArgs()));
  assert.deepEqual(countTypes(run), {
    [T.signedRuns]: 1,
    [T.pool]: 1,
    [T.repository]: 1,
    [T.workerPool]: 1,
    [T.policy]: 1,
    [T.attachment]: 1,
    [T.tlsKey]: 2,
    [T.secret]: 3,
    [T.environment]: 1,
    [T.branchPolicy]: 1,
    [T.environmentSecret]: 1,
    [T.file]: 1,
  });
  const parents = parentsOf(run.result);
  assert.equal(parents.get(`${T.signedRuns}::payments`), undefined);
  assert.equal(parents.get(`${T.pool}::payments`), `${T.signedRuns}::payments`);
  assert.equal(parents.get(`${T.repository}::payments`), `${T.signedRuns}::payments`);
  assert.equal(parents.get(`${T.workerPool}::payments-worker-pool`), `${T.pool}::payments`);
  for (const name of [
    "payments-push-policy",
    "payments-push-policy-payments-prod",
    "payments-proposed-key-1",
    "payments-proposed-key-secret-1",
    "payments-environment-main",
    "payments-environment-branch-main",
    "payments-tracked-key-1-main",
    "payments-tracked-key-secret-1-main",
    "payments-spacelift-api-key-id",
    "payments-spacelift-api-key-secret",
    "payments-workflow-spacelift-signed-run-payments-prod",
  ]) {
    const type = run.byName(name).type;
    assert.equal(parents.get(`${type}::${name}`), `${T.repository}::payments`, name);
  }

  const policy = run.byName("payments-push-policy").inputs;
  assert.deepEqual(policy, {
    name: "payments: ignore pushes (signed runs)",
    body: renderPushPolicy(),
    type: "GIT_PUSH",
  });
  assert.deepEqual(run.byName("payments-push-policy-payments-prod").inputs, {
    policyId: "policy-payments-ignore-pushes-signed-runs-",
    stackId: "payments-prod",
  });
  assert.deepEqual(run.byName("payments-proposed-key-1").inputs, { algorithm: "ECDSA", ecdsaCurve: "P256" });
  assert.deepEqual(run.byName("payments-tracked-key-1-main").inputs, { algorithm: "ECDSA", ecdsaCurve: "P256" });
  const proposedSecret = run.byName("payments-proposed-key-secret-1");
  assert.deepEqual(proposedSecret.inputs, {
    repository: "payments-infra",
    secretName: "SPACELIFT_RUN_SIGNING_KEY_PROPOSED_1",
    value: run.byName("payments-proposed-key-1").state.privateKeyPemPkcs8,
  });
  assert.deepEqual(proposedSecret.secretInputs, ["value"]);
  // The tracked key lives only in the environment, whose branch policy admits exactly "main"; administrators are not exempt.
  assert.deepEqual(run.byName("payments-environment-main").inputs, {
    repository: "payments-infra",
    environment: "spacelift-main",
    deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    canAdminsBypass: false,
  });
  assert.deepEqual(run.byName("payments-environment-branch-main").inputs, {
    repository: "payments-infra",
    environment: "spacelift-main",
    branchPattern: "main",
  });
  const trackedSecret = run.byName("payments-tracked-key-secret-1-main");
  assert.deepEqual(trackedSecret.inputs, {
    repository: "payments-infra",
    environment: "spacelift-main",
    secretName: "SPACELIFT_RUN_SIGNING_KEY_TRACKED_1",
    value: run.byName("payments-tracked-key-1-main").state.privateKeyPemPkcs8,
  });
  assert.deepEqual(trackedSecret.secretInputs, ["value"]);
  assert.deepEqual(run.byName("payments-spacelift-api-key-id").inputs, {
    repository: "payments-infra",
    secretName: "SPACELIFT_API_KEY_ID",
    value: API_KEY_ID,
  });
  assert.deepEqual(run.byName("payments-spacelift-api-key-secret").inputs, {
    repository: "payments-infra",
    secretName: "SPACELIFT_API_KEY_SECRET",
    value: API_KEY_SECRET,
  });
  assert.deepEqual(run.byName("payments-spacelift-api-key-secret").secretInputs, ["value"]);
  const file = run.byName("payments-workflow-spacelift-signed-run-payments-prod").inputs;
  assert.equal(file.file, ".github/workflows/spacelift-signed-run-payments-prod.yml");
  assert.equal(file.branch, "main");
  assert.equal(file.overwriteOnCreate, true);
  assert.equal(file.repository, "payments-infra");
  assert.equal(file.commitMessage, "Add Spacelift signed-run workflow (managed by Pulumi)");
  const content = String(file.content);
  assert.match(content, /acme\.payments-infra:proposed:1/);
  assert.match(content, /SPACELIFT_RUN_SIGNING_KEY_PROPOSED_1/);
  assert.match(content, /acme\.payments-infra:tracked:main:1/);
  assert.match(content, /SPACELIFT_RUN_SIGNING_KEY_TRACKED_1/);
  assert.match(content, /environment: spacelift-main/);
  assert.deepEqual(run.byName("payments-worker-pool").inputs, {
    name: "payments (signed runs)",
    description: "Runs only runs whose metadata carries a token signed by the repository's CI (spacelift-signed-runs).",
  });

  const c = run.result;
  assert.match(await promiseOf(c.workerPoolId), /^01POOL/);
  assert.equal(await promiseOf(c.workerPoolId), await promiseOf(c.pool.workerPool!.id));
  assert.equal(await promiseOf(c.pushPolicyId), "policy-payments-ignore-pushes-signed-runs-");
  assert.deepEqual(await promiseOf(c.stackIds), ["payments-prod"]);
  const trusted = await promiseOf(c.trustedKeys);
  assert.deepEqual(
    trusted.map((k) => [k.kid, k.algorithm, k.stacks, k.runTypes]),
    [
      ["acme.payments-infra:proposed:1", "ES256", ["payments-prod"], ["PROPOSED"]],
      ["acme.payments-infra:tracked:main:1", "ES256", ["payments-prod"], ["TRACKED", "TASK"]],
    ],
  );
  assert.deepEqual(await promiseOf(c.activeKeys), {
    proposed: { kid: "acme.payments-infra:proposed:1", secretName: "SPACELIFT_RUN_SIGNING_KEY_PROPOSED_1" },
    tracked: [
      {
        branch: "main",
        environment: "spacelift-main",
        kid: "acme.payments-infra:tracked:main:1",
        secretName: "SPACELIFT_RUN_SIGNING_KEY_TRACKED_1",
        stacks: ["payments-prod"],
      },
    ],
  });
  assert.deepEqual(await promiseOf(c.signingKeys), {
    proposed: run.byName("payments-proposed-key-1").state.privateKeyPemPkcs8,
    tracked: { main: run.byName("payments-tracked-key-1-main").state.privateKeyPemPkcs8 },
  });
  const files = await promiseOf(c.workflowFiles);
  assert.deepEqual(
    files.map((f) => f.path),
    [".github/workflows/spacelift-signed-run-payments-prod.yml"],
  );
  assert.equal(files[0].content, file.content);
  const environment = await promiseOf(c.launcherEnvironment);
  const poolState = run.byName("payments-worker-pool").state;
  assert.deepEqual(environment, {
    SPACELIFT_TOKEN: poolState.config,
    SPACELIFT_POOL_PRIVATE_KEY: poolState.privateKey,
    SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY: DEFAULT_LAUNCHER_POLICY_PATH,
  });
  // The launcher expects the pool key base64-encoded; the provider already returns it so.
  assert.match(
    Buffer.from(String(environment.SPACELIFT_POOL_PRIVATE_KEY), "base64").toString(),
    /^-----BEGIN PRIVATE KEY-----/,
  );
  const policyText = await promiseOf(c.initializationPolicy);
  assert.match(policyText, /"acme\.payments-infra:proposed:1"/);
  assert.match(policyText, /"acme\.payments-infra:tracked:main:1"/);
  assert.match(policyText, /^\t+"iss": "github-actions",$/m, "SignedRuns accepts only its workflow's issuer");
  assert.ok(!policyText.includes("PRIVATE KEY"), "no private key in the policy");
  assert.equal(await isSecret(c.initializationPolicy), false, "an ES256 policy holds public keys only");
});

test("secrets: signing keys, API key secret, pool key and config, HS256 policy, trusted keys and launcher environment are secret outputs; kids are plain", async () => {
  const run = await runWithMocks(
    () => new SignedRuns("payments", singleStackArgs({ signing: { algorithm: "HS256" } })),
  );
  const c = run.result;
  for (const [label, output] of Object.entries({
    signingKeys: c.signingKeys,
    initializationPolicy: c.initializationPolicy,
    launcherEnvironment: c.launcherEnvironment,
    trustedKeys: c.trustedKeys,
    poolPrivateKey: c.pool.workerPool!.privateKey,
    poolConfig: c.pool.workerPool!.config,
  })) {
    assert.equal(await isSecret(output as pulumi.Output<unknown>), true, `${label} must be secret`);
  }
  assert.equal((await promiseOf(c.activeKeys)).proposed.kid, "acme.payments-infra:proposed:1");
  for (const [label, output] of Object.entries({
    workflowFiles: c.workflowFiles,
    workerPoolId: c.workerPoolId,
    pushPolicyId: c.pushPolicyId,
    stackIds: c.stackIds,
    activeKeys: c.activeKeys,
  })) {
    assert.equal(await isSecret(output as pulumi.Output<unknown>), false, `${label} is plain`);
  }
  // GitHub receives every secret value marked secret, in the repository and in the environment.
  for (const secret of [...run.ofType(T.secret), ...run.ofType(T.environmentSecret)])
    assert.deepEqual(secret.secretInputs, ["value"], secret.name);
  const policyText = await promiseOf(c.initializationPolicy);
  for (const password of run.ofType(T.password))
    assert.ok(policyText.includes(String(password.state.result)), `the HS256 policy embeds ${password.name}`);
  assert.deepEqual(
    run.ofType(T.password).map((p) => [p.name, p.inputs]),
    [
      ["payments-proposed-key-1", { length: 64, special: false }],
      ["payments-tracked-key-1-main", { length: 64, special: false }],
    ],
  );
});

test("the removed single-key outputs say what replaced them", async () => {
  const run = await runWithMocks(() => new SignedRuns("payments", singleStackArgs()));
  assert.throws(() => run.result.trustedKey, {
    name: "SignedRunsInputError",
    message: /^trustedKey: is no longer an output.*Fix: use trustedKeys .* or activeKeys/,
  });
  assert.throws(() => run.result.signingKey, {
    name: "SignedRunsInputError",
    message: /^signingKey: is no longer an output.*Fix: use signingKeys\.proposed or signingKeys\.tracked\[branch\]/,
  });
  assert.throws(() => run.result.repository.trustedKey, { message: /^trustedKey: / });
});

test("monorepo: one attachment and one workflow per stack, a tracked key and environment per tracked branch (trunk, staging), OIDC, custom commit branch and message", async () => {
  const run = await runWithMocks(() => new SignedRuns("platform", monorepoArgs()));
  assert.equal(run.ofType(T.attachment).length, 3);
  assert.equal(run.ofType(T.file).length, 3);
  assert.equal(run.ofType(T.stack).length, 0);
  assert.deepEqual(
    run.ofType(T.secret).map((s) => s.inputs.secretName),
    ["SPACELIFT_RUN_SIGNING_KEY_PROPOSED_1"],
  );
  assert.deepEqual(
    run.ofType(T.environment).map((e) => e.inputs.environment),
    ["spacelift-trunk", "spacelift-staging"],
  );
  assert.deepEqual(
    run.ofType(T.branchPolicy).map((p) => [p.inputs.environment, p.inputs.branchPattern]),
    [
      ["spacelift-trunk", "trunk"],
      ["spacelift-staging", "staging"],
    ],
  );
  assert.deepEqual(
    run.ofType(T.environmentSecret).map((s) => [s.inputs.environment, s.inputs.secretName]),
    [
      ["spacelift-trunk", "SPACELIFT_RUN_SIGNING_KEY_TRACKED_1"],
      ["spacelift-staging", "SPACELIFT_RUN_SIGNING_KEY_TRACKED_1"],
    ],
  );
  for (const file of run.ofType(T.file)) {
    assert.equal(file.inputs.branch, "trunk");
    assert.equal(file.inputs.commitMessage, "ci: signed runs");
    assert.match(String(file.inputs.content), /01HOIDCKEY/);
    assert.match(String(file.inputs.content), /id-token: write/);
    assert.match(String(file.inputs.content), /https:\/\/acme\.app\.spacelift\.io\b/);
  }
  const network = String(run.byName("platform-workflow-spacelift-signed-run-network-prod").inputs.content);
  assert.match(network, /network\/\*\*/);
  assert.match(network, /modules\/\*\*/);
  assert.match(network, /environment: spacelift-trunk/);
  const staging = String(run.byName("platform-workflow-spacelift-signed-run-cluster-staging").inputs.content);
  assert.match(staging, /environment: spacelift-staging/);
  assert.match(staging, /acme\.platform:tracked:staging:1/);
  assert.doesNotMatch(
    staging,
    /acme\.platform:tracked:trunk:1/,
    "a staging stack's workflow never names the trunk key",
  );
  const trusted = await promiseOf(run.result.trustedKeys);
  assert.deepEqual(
    trusted.map((k) => [k.kid, [...k.stacks].sort(), k.runTypes]),
    [
      ["acme.platform:proposed:1", ["cluster-prod", "cluster-staging", "network-prod"], ["PROPOSED"]],
      ["acme.platform:tracked:trunk:1", ["cluster-prod", "network-prod"], ["TRACKED", "TASK"]],
      ["acme.platform:tracked:staging:1", ["cluster-staging"], ["TRACKED", "TASK"]],
    ],
  );
  assert.deepEqual(await promiseOf(run.result.stackIds), ["network-prod", "cluster-prod", "cluster-staging"]);
});

test("tracked reviewers: every tracked environment requires one of the users or teams, self-review prevented", async () => {
  const run = await runWithMocks(() => ALL_SCENARIOS["tracked reviewers"]() as SignedRuns);
  assert.equal(run.ofType(T.environment).length, 2);
  for (const environment of run.ofType(T.environment)) {
    assert.deepEqual(environment.inputs.reviewers, [{ users: [1001], teams: [2002] }]);
    assert.equal(environment.inputs.preventSelfReview, true);
    assert.equal(environment.inputs.canAdminsBypass, false);
  }
});

test("created stacks: Spacelift stacks with slug, repository, branch, project root, pool and vendor settings; existing ones only attached", async () => {
  const run = await runWithMocks(() => new SignedRuns("apps", createdStacksArgs()));
  const poolId = await promiseOf(run.result.workerPoolId);
  const stacks = run.ofType(T.stack);
  assert.equal(stacks.length, 2);
  assert.deepEqual(run.byName("apps-stack-web-prod").inputs, {
    slug: "web-prod",
    name: "Web (production)",
    repository: "apps",
    branch: "main",
    projectRoot: "web",
    workerPoolId: poolId,
    spaceId: "prod-space",
    labels: ["team:web"],
    description: "Web tier",
    administrative: false,
    autodeploy: true,
    runnerImage: "public.ecr.aws/spacelift/runner-pulumi-javascript:latest",
    protectFromDeletion: true,
    pulumi: { loginUrl: "s3://acme-pulumi-state", stackName: "web-prod" },
  });
  assert.deepEqual(run.byName("apps-stack-db-prod").inputs, {
    slug: "db-prod",
    name: "db-prod",
    repository: "apps",
    branch: "release",
    projectRoot: "db",
    workerPoolId: poolId,
    terraformWorkflowTool: "OPEN_TOFU",
    terraformVersion: "1.8.0",
    terraformWorkspace: "prod",
  });
  // Attachments reference the created stacks' ids (their slugs) and the existing stack by id.
  assert.deepEqual(
    run
      .ofType(T.attachment)
      .map((a) => a.inputs.stackId)
      .sort(),
    ["db-prod", "legacy-prod", "web-prod"],
  );
  assert.deepEqual(run.byName("apps-worker-pool").inputs, {
    name: "apps pool",
    description: "signed runs only",
    labels: ["signed"],
    spaceId: "prod-space",
  });
  assert.deepEqual(run.byName("apps-push-policy").inputs, {
    name: "apps: ignore pushes",
    body: renderPushPolicy(),
    type: "GIT_PUSH",
    labels: ["signed-runs"],
    spaceId: "prod-space",
    engineType: "REGO_V1",
  });
});

test("existing pool: no pool is created, created stacks and outputs use the given id, the launcher environment holds only the policy path", async () => {
  const run = await runWithMocks(
    () =>
      new SignedRuns(
        "payments",
        singleStackArgs({
          workerPool: { id: "01HEXISTINGPOOL" },
          stacks: [{ id: "payments-prod", create: {} }],
          launcher: { policyPath: "/opt/launcher/policy.rego" },
        }),
      ),
  );
  assert.equal(run.ofType(T.workerPool).length, 0);
  assert.equal(run.byName("payments-stack-payments-prod").inputs.workerPoolId, "01HEXISTINGPOOL");
  assert.equal(await promiseOf(run.result.workerPoolId), "01HEXISTINGPOOL");
  assert.deepEqual(await promiseOf(run.result.launcherEnvironment), {
    SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY: "/opt/launcher/policy.rego",
  });
  assert.equal(await isSecret(run.result.launcherEnvironment), true);
});

test("existing push policy: no policy is created and every stack gets that policy attached", async () => {
  const run = await runWithMocks(
    () =>
      new SignedRuns(
        "payments",
        singleStackArgs({
          stacks: [{ id: "a-stack" }, { id: "b-stack" }],
          pushPolicy: { id: "existing-push-policy" },
        }),
      ),
  );
  assert.equal(run.ofType(T.policy).length, 0);
  assert.deepEqual(
    run.ofType(T.attachment).map((a) => a.inputs),
    [
      { policyId: "existing-push-policy", stackId: "a-stack" },
      { policyId: "existing-push-policy", stackId: "b-stack" },
    ],
  );
  assert.equal(await promiseOf(run.result.pushPolicyId), "existing-push-policy");
});

test("rotation: per generation a proposed key and a tracked key per branch, each with its secret and kid; the workflow signs with the active generation's", async () => {
  const run = await runWithMocks(() => new SignedRuns("payments", rotationArgs(["2026-05", "2026-11"], "2026-05")));
  assert.deepEqual(
    run.ofType(T.password).map((p) => p.name),
    [
      "payments-proposed-key-2026-05",
      "payments-tracked-key-2026-05-main",
      "payments-tracked-key-2026-05-dev",
      "payments-proposed-key-2026-11",
      "payments-tracked-key-2026-11-main",
      "payments-tracked-key-2026-11-dev",
    ],
  );
  assert.deepEqual(
    run
      .ofType(T.secret)
      .filter((s) => String(s.inputs.secretName).startsWith("SPACELIFT_RUN"))
      .map((s) => s.inputs.secretName),
    ["SPACELIFT_RUN_SIGNING_KEY_PROPOSED_2026_05", "SPACELIFT_RUN_SIGNING_KEY_PROPOSED_2026_11"],
  );
  assert.deepEqual(
    run.ofType(T.environmentSecret).map((s) => `${String(s.inputs.environment)}/${String(s.inputs.secretName)}`),
    [
      "spacelift-main/SPACELIFT_RUN_SIGNING_KEY_TRACKED_2026_05",
      "spacelift-dev/SPACELIFT_RUN_SIGNING_KEY_TRACKED_2026_05",
      "spacelift-main/SPACELIFT_RUN_SIGNING_KEY_TRACKED_2026_11",
      "spacelift-dev/SPACELIFT_RUN_SIGNING_KEY_TRACKED_2026_11",
    ],
  );
  assert.equal(run.ofType(T.environment).length, 2, "one environment per branch, shared by the generations");
  const keys = await promiseOf(run.result.trustedKeys);
  assert.deepEqual(
    keys.map((k) => k.kid),
    [
      "acme.payments-infra:proposed:2026-05",
      "acme.payments-infra:tracked:main:2026-05",
      "acme.payments-infra:tracked:dev:2026-05",
      "acme.payments-infra:proposed:2026-11",
      "acme.payments-infra:tracked:main:2026-11",
      "acme.payments-infra:tracked:dev:2026-11",
    ],
  );
  const active = await promiseOf(run.result.activeKeys);
  assert.equal(active.proposed.kid, "acme.payments-infra:proposed:2026-05");
  assert.deepEqual(
    active.tracked.map((t) => t.kid),
    ["acme.payments-infra:tracked:main:2026-05", "acme.payments-infra:tracked:dev:2026-05"],
  );
  assert.deepEqual(await promiseOf(run.result.signingKeys), {
    proposed: run.byName("payments-proposed-key-2026-05").state.result,
    tracked: {
      main: run.byName("payments-tracked-key-2026-05-main").state.result,
      dev: run.byName("payments-tracked-key-2026-05-dev").state.result,
    },
  });
  for (const file of run.ofType(T.file)) {
    assert.match(String(file.inputs.content), /acme\.payments-infra:proposed:2026-05/);
    assert.match(String(file.inputs.content), /SPACELIFT_RUN_SIGNING_KEY_PROPOSED_2026_05/);
    assert.match(String(file.inputs.content), /SPACELIFT_RUN_SIGNING_KEY_TRACKED_2026_05/);
    assert.doesNotMatch(String(file.inputs.content), /2026-11|2026_11/);
  }
  const policyText = await promiseOf(run.result.initializationPolicy);
  for (const key of keys) assert.ok(policyText.includes(`"${key.kid}"`), key.kid);
});

test("shared pool: one pool granting three repositories their own stacks; each repository's keys are trusted for those stacks only", async () => {
  const run = await runWithMocks(() => sharedPool());
  const { pool, repositories } = run.result;
  assert.deepEqual(run.programErrors, []);
  assert.equal(run.ofType(T.workerPool).length, 1);
  assert.equal(run.ofType(T.policy).length, 3, "each repository creates its push policy");
  assert.equal(run.ofType(T.attachment).length, 4);
  const poolId = await promiseOf(pool.workerPoolId);
  assert.deepEqual(
    run.ofType(T.stack).map((s) => [s.inputs.slug, s.inputs.workerPoolId, s.inputs.repository]),
    [
      ["billing-prod", poolId, "billing"],
      ["search-prod", poolId, "search"],
      ["identity-prod", poolId, "identity"],
    ],
  );
  const policyText = await promiseOf(pool.initializationPolicy);
  for (const [index, repo] of SHARED_REPOSITORIES.entries()) {
    const keys = await promiseOf(repositories[index].trustedKeys);
    assert.equal(keys[0].kid, `acme.${repo.repository}:proposed:1`);
    assert.deepEqual(keys[0].stacks, [...repo.stacks]);
    for (const key of keys) {
      assert.ok(
        key.stacks.every((stack) => (repo.stacks as readonly string[]).includes(stack)),
        key.kid,
      );
      assert.match(policyText, new RegExp(`"${key.kid.replace(/[.]/g, "\\.")}"`));
    }
  }
  assert.doesNotMatch(policyText, /"iss":/, "a shared pool accepts any issuer unless told");
  assert.equal(await isSecret(pool.initializationPolicy), true);
  assert.equal(
    (await promiseOf(pool.launcherEnvironment)).SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY,
    "/opt/spacelift/policy.rego",
  );
  // The repositories are independent roots; the pool's children are the pool only.
  assert.equal(describeResource(pool.workerPool!).parent, `${T.pool}::shared`);
});

test("an explicit Spacelift provider reaches every Spacelift resource; without one, the bridged package by default or the legacy plugin on request", async () => {
  const run = await runWithMocks(() => {
    const provider = new SpaceliftProvider("bridged");
    return {
      provider,
      component: new SignedRuns("payments", singleStackArgs({ stacks: [{ id: "payments-prod", create: {} }] }), {
        providers: { spacelift: provider },
      }),
    };
  });
  const spaceliftResources = run.resources.filter((r) => r.type.startsWith("spacelift:index/"));
  assert.equal(spaceliftResources.length, 4);
  for (const r of spaceliftResources) assert.match(String(r.provider), /pulumi:providers:spacelift::bridged::/, r.name);
  for (const r of run.resources.filter((x) => x.type.startsWith("github:")))
    assert.doesNotMatch(String(r.provider), /spacelift/);

  // Default: the package ref carries the bridged package (test/engineSpaceliftPackage.test.ts), no plugin options.
  const plain = await runWithMocks(() => new SignedRuns("payments", singleStackArgs()));
  const attachments = resourceTree(plain.result).filter((r) => r instanceof PolicyAttachment);
  assert.equal(attachments.length, 1);
  for (const r of resourceTree(plain.result).filter((x) => describeResource(x).type.startsWith("spacelift:index/"))) {
    const internals = r as unknown as { __pluginDownloadURL?: string; __version?: string };
    assert.equal(internals.__pluginDownloadURL, undefined);
    assert.equal(internals.__version, undefined);
  }
  setSpaceliftPackageSource({ kind: "legacyPlugin" });
  try {
    const legacy = await runWithMocks(() => new SignedRuns("payments", singleStackArgs()));
    const spaceliftResources = resourceTree(legacy.result).filter((x) =>
      describeResource(x).type.startsWith("spacelift:index/"),
    );
    assert.equal(spaceliftResources.length, 3);
    for (const r of spaceliftResources) {
      const internals = r as unknown as { __pluginDownloadURL?: string; __version?: string };
      assert.equal(internals.__pluginDownloadURL, SPACELIFT_PLUGIN_DOWNLOAD_URL);
      assert.equal(internals.__version, SPACELIFT_PLUGIN_VERSION);
    }
  } finally {
    setSpaceliftPackageSource(undefined);
  }
});

test("no resource name contains a secret, and no workflow file contains any secret value", async () => {
  for (const [label, program] of Object.entries(ALL_SCENARIOS)) {
    const run = await runWithMocks(program);
    const secrets = new Set<string>([API_KEY_SECRET]);
    for (const r of run.resources) {
      if (r.type === T.password) secrets.add(String(r.state.result));
      if (r.type === T.tlsKey) {
        secrets.add(String(r.state.privateKeyPemPkcs8));
        secrets.add(String(r.state.privateKeyPem));
      }
      if (r.type === T.workerPool) {
        secrets.add(String(r.state.privateKey));
        secrets.add(String(r.state.config));
      }
    }
    assert.ok(secrets.size >= 2, `${label}: secrets collected`);
    for (const r of run.resources) {
      for (const s of secrets) assert.ok(!r.name.includes(s), `${label}: resource name ${r.name} contains a secret`);
    }
    for (const file of run.ofType(T.file)) {
      const content = String(file.inputs.content);
      for (const s of secrets) {
        assert.ok(!content.includes(s), `${label}: ${String(file.inputs.file)} contains a secret value`);
        // Also no 16-character piece of one, in case a secret were split or reformatted.
        const body = s.replace(/-----[A-Z ]+-----|\s/g, "");
        for (let i = 0; i + 16 <= body.length; i += 8)
          assert.ok(
            !content.includes(body.slice(i, i + 16)),
            `${label}: ${String(file.inputs.file)} contains part of a secret`,
          );
      }
      assert.deepEqual(file.secretInputs, [], `${label}: workflow content is plain text`);
    }
  }
});

test("determinism: two runs register byte-identical inputs, in the same order", async () => {
  for (const [label, program] of Object.entries(ALL_SCENARIOS)) {
    const first = await runWithMocks(program);
    const second = await runWithMocks(program);
    assert.deepEqual(first.programErrors, [], `${label}: the program succeeds`);
    const snapshot = (run: MockRun) =>
      JSON.stringify(run.resources.map((r) => [r.type, r.name, r.rawInputs, r.provider ?? null]));
    assert.equal(snapshot(second), snapshot(first), label);
    assert.ok(first.resources.length > 5, label);
  }
});

test("preview: the same resources are registered, and nothing fails on values a preview does not know", async () => {
  for (const [label, program] of Object.entries(ALL_SCENARIOS)) {
    const up = await runWithMocks(program);
    const preview = await runWithMocks(program, { preview: true });
    assert.deepEqual(preview.programErrors, [], label);
    assert.deepEqual(
      preview.resources.map((r) => `${r.type}::${r.name}`).sort(),
      up.resources.map((r) => `${r.type}::${r.name}`).sort(),
      label,
    );
  }
});

test("workflow options reach the files: a non-default spacectl release with its checksum", async () => {
  const sha256 = "ab".repeat(32);
  const run = await runWithMocks(
    () =>
      new SignedRuns("payments", singleStackArgs({ workflow: { spacectlVersion: "1.21.0", spacectlSha256: sha256 } })),
  );
  const content = String(run.byName("payments-workflow-spacelift-signed-run-payments-prod").inputs.content);
  assert.match(content, /1\.21\.0/);
  assert.ok(content.includes(sha256));
});

test("every resource in every scenario is a child of a SignedRunsRepository or SignedRunsWorkerPool", async () => {
  for (const [label, program] of Object.entries(ALL_SCENARIOS)) {
    const run = await runWithMocks(program);
    const tree = resourceTree(run.result);
    const custom = tree.filter((r) => !describeResource(r).type.startsWith("spacelift-signed-runs:"));
    assert.equal(
      custom.length,
      run.resources.filter((r) => !r.type.startsWith("spacelift-signed-runs:")).length,
      `${label}: every registered resource is in the tree`,
    );
    for (const r of custom) {
      const { type, name, parent } = describeResource(r);
      assert.match(
        String(parent),
        /^spacelift-signed-runs:index:SignedRuns(Repository|WorkerPool)::/,
        `${label}: ${type}::${name} has parent ${parent}`,
      );
    }
  }
});
