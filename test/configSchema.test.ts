/**
 * The shipped JSON Schema is what the generator writes today, an independent
 * validator (ajv) accepts the example configs and rejects the bad ones, and a
 * config with several mistakes reports every one of them.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import Ajv2020 from "ajv/dist/2020";
import { parseRenderConfig } from "../cli/config";
import { SignedRunsInputError } from "../components/schema/inputError";
import { parseOnboardingFile } from "../cli/onboardFile";
import { onboardingJsonSchema, renderConfigJsonSchema } from "../components/schema/jsonSchema";
import { SignedRuns } from "../components/signedRuns/signedRuns";
import { singleStackArgs } from "./support/componentScenarios";

const ROOT = path.join(__dirname, "..", "..");
const SHIPPED = path.join(ROOT, "schema", "signed-runs.schema.json");
const SHIPPED_ONBOARDING = path.join(ROOT, "schema", "onboarding.schema.json");
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(SHIPPED, "utf8")));
const validateOnboarding = new Ajv2020({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(SHIPPED_ONBOARDING, "utf8")),
);

const base = () => ({
  $schema: "./node_modules/pulumi-spacelift-signed-runs/schema/signed-runs.schema.json",
  github: { owner: "acme", repository: "payments-infra" },
  stacks: [{ id: "payments-prod" }, { id: "payments-staging", branch: "staging", projectRoot: "staging" }],
  spacelift: { endpoint: "https://acme.app.spacelift.io" },
});

test("the shipped JSON Schema is what `npm run schema` writes from the zod schema today", () => {
  assert.equal(
    readFileSync(SHIPPED, "utf8"),
    renderConfigJsonSchema(),
    "run npm run schema and commit schema/signed-runs.schema.json",
  );
});

test("the example configs validate against the shipped JSON Schema, and render accepts them", () => {
  const configs: Record<string, unknown> = {
    "examples/basic/signed-runs.json": JSON.parse(
      readFileSync(path.join(ROOT, "examples", "basic", "signed-runs.json"), "utf8"),
    ),
    "the CLI tests' config with $schema": base(),
    "every optional part": {
      ...base(),
      stacks: [
        {
          id: "payments-prod",
          additionalProjectGlobs: ["modules/**"],
          create: { spaceId: "root", labels: ["x"], vendor: { terraform: { workflowTool: "OPEN_TOFU" } } },
        },
      ],
      spacelift: {
        endpoint: "https://acme.app.spacelift.io",
        apiKey: { oidc: { apiKeyId: "01HKEY", audience: "acme.app.spacelift.io" } },
      },
      workerPool: { id: "01HPOOL" },
      pushPolicy: { engineType: "REGO_V1" },
      signing: {
        algorithm: "HS256",
        keys: ["2026-05", "2026-11"],
        activeKey: "2026-11",
        maxTokenLifetimeSeconds: 900,
        secretName: "SIGNING",
        trackedReviewers: { teams: [4455667] },
        keyDirectory: "keys",
        keyFiles: { "2026-11": { proposed: "p.key", tracked: { main: "m.key" } } },
      },
      workflow: { branch: "main", commitMessage: "signed runs" },
      launcher: { policyPath: "/etc/spacelift/initialization-policy.rego" },
    },
    "launcher.kubernetes with every setting": {
      ...base(),
      launcher: {
        kubernetes: {
          namespace: "spacelift",
          createNamespace: true,
          name: "payments",
          poolSize: 0,
          labels: { "example.com/team": "payments", tier: "" },
          pod: { launcherImage: "public.ecr.aws/spacelift/launcher:latest" },
        },
      },
    },
  };
  for (const [name, config] of Object.entries(configs)) {
    assert.ok(validate(config), `${name}: ${JSON.stringify(validate.errors)}`);
    assert.doesNotThrow(() => parseRenderConfig(config, "/tmp"), name);
  }
});

test("bad configs are rejected by the JSON Schema and by render alike", () => {
  const bad: Record<string, (c: ReturnType<typeof base>) => unknown> = {
    "a misspelt field": (c) => ({ ...c, stack: [] }),
    "no stacks": (c) => ({ ...c, stacks: [] }),
    "a bad stack id": (c) => ({ ...c, stacks: [{ id: "Payments Prod" }] }),
    "a missing repository": (c) => ({ ...c, github: { owner: "acme" } }),
    "an owner with a space": (c) => ({ ...c, github: { owner: "acme corp", repository: "x" } }),
    "an API key secret": (c) => ({
      ...c,
      spacelift: { endpoint: "https://acme.app.spacelift.io", apiKey: { id: "01ABC", secret: "s3cr3t-value" } },
    }),
    "an unknown algorithm": (c) => ({ ...c, signing: { algorithm: "HS512" } }),
    "a lifetime out of range": (c) => ({ ...c, signing: { maxTokenLifetimeSeconds: 5 } }),
    "a pool id with settings": (c) => ({ ...c, workerPool: { id: "01H", name: "x" } }),
    "a relative launcher policy path": (c) => ({ ...c, launcher: { policyPath: "policy.rego" } }),
    "a Kubernetes namespace with a capital": (c) => ({ ...c, launcher: { kubernetes: { namespace: "Spacelift" } } }),
    "a Kubernetes object name too long": (c) => ({
      ...c,
      launcher: { kubernetes: { namespace: "s", name: "a".repeat(42) } },
    }),
    "a negative poolSize": (c) => ({ ...c, launcher: { kubernetes: { namespace: "s", poolSize: -1 } } }),
    "a bad label key": (c) => ({ ...c, launcher: { kubernetes: { namespace: "s", labels: { "my team": "x" } } } }),
    "a bad label value": (c) => ({ ...c, launcher: { kubernetes: { namespace: "s", labels: { team: "x y" } } } }),
    "a misspelt Kubernetes setting": (c) => ({ ...c, launcher: { kubernetes: { namespace: "s", poolsize: 1 } } }),
    "the pool's credentials": (c) => ({
      ...c,
      launcher: { kubernetes: { namespace: "s", credentials: { token: "t", privateKey: "k" } } },
    }),
    "a Kubernetes provider": (c) => ({ ...c, launcher: { kubernetes: { namespace: "s", provider: "kind" } } }),
  };
  for (const [name, make] of Object.entries(bad)) {
    const config = make(base());
    assert.equal(validate(config), false, `${name}: the JSON Schema accepted it`);
    assert.throws(() => parseRenderConfig(config, "/tmp"), SignedRunsInputError, name);
  }
});

test("a config with five mistakes (six problems) reports them all, one line each, no secret echoed", () => {
  const secret = "api-key-secret-never-shown-0123456789";
  const config = {
    ...base(),
    github: { owner: "acme corp" },
    stacks: [{ id: "a" }, { id: "a", projectRoot: "../x" }],
    spacelift: { endpoint: "https://acme.app.spacelift.io", apiKey: { id: "01ABC", secret } },
    signing: { maxTokenLifetimeSeconds: 5 },
  };
  assert.throws(
    () => parseRenderConfig(config, "/tmp"),
    (error: SignedRunsInputError) => {
      assert.deepEqual(
        error.problems.map((p) => p.field),
        [
          "github.owner",
          "github.repository",
          "stacks[1].projectRoot",
          "stacks",
          "spacelift.apiKey.secret",
          "signing.maxTokenLifetimeSeconds",
        ],
      );
      const lines = error.message.split("\n");
      assert.equal(lines.length, 6);
      for (const line of lines) assert.match(line, /^\S+: .+\. Fix: .+/);
      assert.match(lines[1], /^github\.repository: is missing\. Fix: /);
      assert.match(lines[3], /^stacks: stack id "a" appears more than once/);
      assert.ok(!error.message.includes(secret));
      return true;
    },
  );
});

test("launcher.kubernetes in a config: every problem in one report, credentials and provider refused, no secret echoed", () => {
  const secret = "pool-token-never-shown-0123456789";
  const config = {
    ...base(),
    launcher: {
      policyPath: "/etc/x.rego",
      kubernetes: {
        // Too long and not whole: neither may hide the cross-field rule on launcher.policyPath.
        namespace: "x".repeat(64),
        poolSize: 1.5,
        pod: { initContainer: { env: [{ name: "SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY", value: "/x" }] } },
        credentials: { token: secret, privateKey: secret },
        provider: "kind",
      },
    },
  };
  assert.equal(validate(config), false, "the JSON Schema accepted it");
  assert.throws(
    () => parseRenderConfig(config, "/tmp"),
    (error: SignedRunsInputError) => {
      assert.deepEqual(error.problems.map((p) => p.field).sort(), [
        "launcher.kubernetes.credentials",
        "launcher.kubernetes.namespace",
        "launcher.kubernetes.pod.initContainer.env[0].name",
        "launcher.kubernetes.poolSize",
        "launcher.kubernetes.provider",
        "launcher.policyPath",
      ]);
      assert.match(
        error.message,
        /^launcher\.kubernetes\.credentials: the pool's credentials do not belong in the config file\. Fix: remove them; render writes launcher\/pool-credentials\.yaml\.template/m,
      );
      assert.match(
        error.message,
        /^launcher\.kubernetes\.provider: is a Pulumi setting; render writes manifests for kubectl\. Fix: remove it$/m,
      );
      assert.match(error.message, /^launcher\.policyPath: "\/etc\/x\.rego" is given with launcher\.kubernetes/m);
      assert.ok(!error.message.includes(secret));
      return true;
    },
  );
});

test("SignedRuns with five mistakes reports all five before any resource", () => {
  const args = singleStackArgs();
  const bad = {
    ...args,
    github: { ...args.github, owner: "-acme" },
    stacks: [{ id: "Payments Prod" }],
    spacelift: { ...args.spacelift, endpoint: "http://acme.app.spacelift.io" },
    signing: { algorithm: "RS256" as never, keys: [] },
  };
  assert.throws(
    () => new SignedRuns("payments", bad),
    (error: SignedRunsInputError) => {
      assert.deepEqual(
        error.problems.map((p) => p.field),
        ["github.owner", "stacks[0].id", "spacelift.endpoint", "signing.algorithm", "signing.keys"],
      );
      return true;
    },
  );
});

test("the shipped onboarding JSON Schema is what `npm run schema` writes today", () => {
  assert.equal(
    readFileSync(SHIPPED_ONBOARDING, "utf8"),
    onboardingJsonSchema(),
    "run npm run schema and commit schema/onboarding.schema.json",
  );
});

test("the example repositories file validates against the onboarding JSON Schema; bad files are rejected by it and by onboard alike", () => {
  const example = JSON.parse(readFileSync(path.join(ROOT, "examples", "bulk-onboarding", "repositories.json"), "utf8"));
  const good: Record<string, unknown> = {
    "examples/bulk-onboarding/repositories.json": example,
    "with $schema and every optional part": {
      $schema: "./node_modules/pulumi-spacelift-signed-runs/schema/onboarding.schema.json",
      ...example,
      algorithm: "HS256",
      workerPool: { name: "shared", labels: ["team:platform"] },
    },
  };
  for (const [name, file] of Object.entries(good)) {
    assert.ok(validateOnboarding(file), `${name}: ${JSON.stringify(validateOnboarding.errors)}`);
    assert.doesNotThrow(() => parseOnboardingFile(file, name), name);
  }
  const one = { owner: "acme", repository: "billing", stacks: [{ id: "billing-prod" }] };
  const bad: Record<string, unknown> = {
    "no repositories": { spaceliftEndpoint: "https://acme.app.spacelift.io", repositories: [] },
    "no endpoint": { repositories: [one] },
    "a misspelt field": { spaceliftEndpoint: "https://acme.app.spacelift.io", repository: [one] },
    "an owner/name in repository": {
      spaceliftEndpoint: "https://acme.app.spacelift.io",
      repositories: [{ ...one, repository: "acme/billing" }],
    },
    "a bad stack id": {
      spaceliftEndpoint: "https://acme.app.spacelift.io",
      repositories: [{ ...one, stacks: [{ id: "Billing Prod" }] }],
    },
    "an unknown algorithm": {
      spaceliftEndpoint: "https://acme.app.spacelift.io",
      algorithm: "RS256",
      repositories: [one],
    },
    "a pool id with settings": {
      spaceliftEndpoint: "https://acme.app.spacelift.io",
      workerPool: { id: "01H", name: "x" },
      repositories: [one],
    },
  };
  for (const [name, file] of Object.entries(bad)) {
    assert.equal(validateOnboarding(file), false, `${name}: the JSON Schema accepted it`);
    assert.throws(() => parseOnboardingFile(file, name), { name: "OnboardingFileError" }, name);
  }
});
