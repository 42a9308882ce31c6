/**
 * The plain decision functions behind the components, without Pulumi:
 * kid derivation, key generations, secret names, endpoint normalisation,
 * the launcher environment and the trusted-key flattening.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertKeyId } from "../components/identifiers";
import { deriveKeyId, planKeyGenerations, signingSecretName } from "../components/keyGenerations";
import { DEFAULT_LAUNCHER_POLICY_PATH, buildLauncherEnvironment } from "../components/launcherEnvironment";
import { planRepository, workflowResourceSuffix } from "../components/signedRunsRepository";
import { assertBranchName, assertGithubOwner, assertGithubRepositoryName, normalizeEndpoint } from "../components/signedRunsValidation";
import { flattenTrustedKeys, planWorkerPool } from "../components/signedRunsWorkerPool";

test("kid: <owner>.<repository>.<generation>, lowercased, deterministic and always a valid kid", () => {
  assert.equal(deriveKeyId("acme", "payments-infra", "2026-11"), "acme.payments-infra:2026-11");
  assert.equal(deriveKeyId("Acme", "Payments_Infra", "1"), "acme.payments_infra:1");
  assert.equal(deriveKeyId("acme", "payments-infra", "1"), deriveKeyId("acme", "payments-infra", "1"));
  // Owners have no '.', and no part has ':': repository and generation boundaries cannot shift.
  assert.notEqual(deriveKeyId("acme", "a.b", "1"), deriveKeyId("acme", "a", "b.1"));
  assert.notEqual(deriveKeyId("acme", "web", "1"), deriveKeyId("acme-web", "web", "1"));
});

test("kid: a name too long for 128 characters is cut and made unique with a hash of the full name", () => {
  const owner = "o".repeat(39);
  const repositoryA = `${"r".repeat(99)}a`;
  const repositoryB = `${"r".repeat(99)}b`;
  const a = deriveKeyId(owner, repositoryA, "2026-11");
  const b = deriveKeyId(owner, repositoryB, "2026-11");
  assert.equal(a.length, 128);
  assert.ok(a.endsWith(":2026-11"));
  assert.notEqual(a, b);
  assertKeyId("kid", a);
  assertKeyId("kid", b);
  assert.equal(deriveKeyId(owner, repositoryA, "2026-11"), a, "deterministic");
});

test("key generations: default one generation \"1\", the last is active, one GitHub secret per generation", () => {
  assert.deepEqual(planKeyGenerations({}), [{ generation: "1", secretName: "SPACELIFT_RUN_SIGNING_KEY_1", active: true }]);
  assert.deepEqual(planKeyGenerations({ keys: ["2026-05", "2026-11"] }).map((g) => [g.generation, g.active]), [["2026-05", false], ["2026-11", true]]);
  assert.deepEqual(planKeyGenerations({ keys: ["2026-05", "2026-11"], activeKey: "2026-05" }).map((g) => g.active), [true, false]);
  assert.deepEqual(planKeyGenerations({ keys: ["v1.a"], secretName: "SIGNING" }).map((g) => g.secretName), ["SIGNING_V1_A"]);
  assert.equal(signingSecretName("SPACELIFT_RUN_SIGNING_KEY", "2026-11"), "SPACELIFT_RUN_SIGNING_KEY_2026_11");
});

test("endpoint: https origin only; a trailing slash is dropped", () => {
  assert.equal(normalizeEndpoint("e", "https://acme.app.spacelift.io/"), "https://acme.app.spacelift.io");
  assert.equal(normalizeEndpoint("e", "https://acme.app.spacelift.io"), "https://acme.app.spacelift.io");
  assert.equal(normalizeEndpoint("e", "https://spacelift.internal:8443"), "https://spacelift.internal:8443");
  for (const bad of ["http://acme.app.spacelift.io", "https://acme.app.spacelift.io/graphql", "https://acme.app.spacelift.io/#x", "ftp://x", "", 42]) {
    assert.throws(() => normalizeEndpoint("spacelift.endpoint", bad), { name: "SignedRunsInputError", message: /^spacelift\.endpoint: / }, String(bad));
  }
});

test("GitHub names and branches follow GitHub's and Git's rules", () => {
  for (const good of ["acme", "a", "acme-corp", "A1-b2"]) assert.doesNotThrow(() => assertGithubOwner("o", good), good);
  for (const bad of ["", "-acme", "acme-", "ac--me", "ac.me", "o".repeat(40)]) assert.throws(() => assertGithubOwner("o", bad), { name: "SignedRunsInputError" }, bad);
  for (const good of ["payments", "a.b_c-d", ".github"]) assert.doesNotThrow(() => assertGithubRepositoryName("r", good), good);
  for (const bad of ["", ".", "..", "a/b", "a b", "r".repeat(101)]) assert.throws(() => assertGithubRepositoryName("r", bad), { name: "SignedRunsInputError" }, bad);
  for (const good of ["main", "release/1.2", "feature_x-y"]) assert.doesNotThrow(() => assertBranchName("b", good), good);
  for (const bad of ["", "/main", "main/", "a..b", "a b", "a~b", "a^b", "a:b", "x.lock", "a@{b", "-x"]) assert.throws(() => assertBranchName("b", bad), { name: "SignedRunsInputError" }, bad);
});

test("launcher environment: the pool's config and base64 key, then the policy path; only the path for an existing pool", () => {
  assert.deepEqual(buildLauncherEnvironment({ config: "c", privateKey: "k" }, "/p.rego"), {
    SPACELIFT_TOKEN: "c",
    SPACELIFT_POOL_PRIVATE_KEY: "k",
    SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY: "/p.rego",
  });
  assert.deepEqual(buildLauncherEnvironment(undefined, DEFAULT_LAUNCHER_POLICY_PATH), { SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY: DEFAULT_LAUNCHER_POLICY_PATH });
  assert.throws(() => buildLauncherEnvironment(undefined, "/with space.rego"), { message: /^launcher\.policyPath: / });
});

test("worker pool plan: existing id or settings, lifetime and path defaults", () => {
  assert.deepEqual(planWorkerPool({}), { maxTokenLifetimeSeconds: 3600, policyPath: DEFAULT_LAUNCHER_POLICY_PATH, existingPoolId: undefined });
  assert.equal(planWorkerPool({ workerPool: { id: "01H" } }).existingPoolId, "01H");
  assert.throws(() => planWorkerPool({ workerPool: { id: "01H", labels: ["x"] } as never }), { message: /^workerPool: gives id together with labels/ });
});

test("trusted keys: lists and single keys are flattened in order; none at all is an error", () => {
  const k = (kid: string) => ({ kid, algorithm: "HS256" as const, secret: "s".repeat(40), stacks: ["a"], runTypes: ["TRACKED" as const] });
  assert.deepEqual(flattenTrustedKeys([[k("a"), k("b")], k("c"), undefined, []]).map((x) => x.kid), ["a", "b", "c"]);
  assert.throws(() => flattenTrustedKeys([[], undefined]), { message: /^trustedKeys: holds no key/ });
});

test("repository plan: auth mode and algorithm decided from plain values", () => {
  const base = { github: { owner: "acme", repository: "r" }, stacks: [{ id: "s" }], spacelift: { endpoint: "https://acme.app.spacelift.io" } };
  assert.equal(planRepository(base).authMode, "external");
  assert.equal(planRepository({ ...base, spacelift: { ...base.spacelift, apiKey: { id: "i", secret: "s" } } }).authMode, "apiKey");
  assert.equal(planRepository({ ...base, spacelift: { ...base.spacelift, apiKey: { oidc: { apiKeyId: "i" } } } }).authMode, "oidc");
  assert.equal(planRepository(base).algorithm, "HS256");
  assert.equal(planRepository({ ...base, signing: { algorithm: "ES256" } }).algorithm, "ES256");
});

test("workflow resource names come from the file name", () => {
  assert.equal(workflowResourceSuffix(".github/workflows/spacelift-signed-run-web.yml"), "spacelift-signed-run-web");
  assert.equal(workflowResourceSuffix(".github/workflows/a b.yaml"), "a-b");
});
