/**
 * renderWorkflows without executing anything: deterministic bytes, a stable
 * structure, the supply-chain and injection rules visible in the file, and a
 * clear SignedRunsInputError for every bad option.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { SignedRunsInputError } from "../components/schema/inputError";
import {
  PINNED_SPACECTL_LINUX_AMD64_SHA256,
  PINNED_SPACECTL_VERSION,
  renderWorkflows,
  type WorkflowOptions,
} from "../components/workflow/renderWorkflows";
import { parseWorkflow } from "./support/githubWorkflowHarness";
import { WORKFLOW_VARIANTS } from "./support/workflowVariants";

interface ParsedStep {
  name: string;
  id?: string;
  if?: string;
  env: Record<string, string>;
  run: string;
  uses?: string;
}

interface ParsedJob {
  name: string;
  if: string;
  environment?: string;
  "runs-on": string;
  "timeout-minutes": number;
  defaults: unknown;
  env: Record<string, string>;
  steps: ParsedStep[];
}

function parsed(content: string) {
  return parse(content) as {
    name: string;
    on: { push: { branches: string[]; paths?: string[] } };
    permissions: Record<string, string>;
    concurrency: { group: string; "cancel-in-progress": boolean };
    jobs: Record<string, ParsedJob>;
  };
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const MONOREPO = "monorepo, two tracked branches, HS256, API key";
const OIDC_MONOREPO = "monorepo, three tracked branches (one with a slash), ES256, OIDC";

describe("renderWorkflows output", () => {
  test("is deterministic: two renders, and a render of an equal copy, are byte-identical for every variant", () => {
    for (const options of Object.values(WORKFLOW_VARIANTS)) {
      const first = renderWorkflows(options);
      const second = renderWorkflows(options);
      const fromCopy = renderWorkflows(clone(options));
      assert.deepEqual(second, first);
      assert.deepEqual(fromCopy, first);
      for (const [index, file] of first.entries()) {
        assert.ok(Buffer.from(file.content).equals(Buffer.from(second[index].content)));
      }
    }
  });

  test("has a stable structure: one workflow per stack, a tracked job in its branch's environment and a proposed job", () => {
    const files = renderWorkflows(WORKFLOW_VARIANTS[MONOREPO]);
    assert.deepEqual(
      files.map((file) => file.path),
      [
        ".github/workflows/spacelift-signed-run-net-prod.yml",
        ".github/workflows/spacelift-signed-run-app-prod.yml",
        ".github/workflows/spacelift-signed-run-app-staging.yml",
      ],
    );
    const workflow = parsed(files[0].content);
    assert.equal(workflow.name, "Spacelift signed run: net-prod");
    assert.deepEqual(workflow.on, { push: { branches: ["**"], paths: ["network/**", "modules/**", "shared/*.tf"] } });
    assert.deepEqual(workflow.permissions, { contents: "read" });
    assert.deepEqual(workflow.concurrency, {
      group: "spacelift-signed-run-net-prod-${{ github.ref }}",
      "cancel-in-progress": false,
    });
    assert.deepEqual(Object.keys(workflow.jobs), ["tracked", "proposed"]);
    const { tracked, proposed } = workflow.jobs;
    assert.equal(tracked.if, "github.ref == 'refs/heads/main'");
    assert.equal(proposed.if, "github.ref != 'refs/heads/main'");
    assert.equal(tracked.environment, "spacelift-main");
    assert.equal(proposed.environment, undefined);
    for (const job of [tracked, proposed]) {
      assert.equal(job["runs-on"], "ubuntu-latest");
      assert.equal(job["timeout-minutes"], 10);
      assert.deepEqual(job.defaults, { run: { shell: "bash" } });
    }
    assert.deepEqual(tracked.env, { SPACELIFT_STACK_ID: "net-prod", TRACKED_BRANCH: "main", RUN_TYPE: "TRACKED" });
    assert.deepEqual(proposed.env, { SPACELIFT_STACK_ID: "net-prod", TRACKED_BRANCH: "main", RUN_TYPE: "PROPOSED" });
    const install = {
      name: `Install spacectl ${PINNED_SPACECTL_VERSION} (SHA-256 verified)`,
      id: undefined,
      if: undefined,
      env: { SPACECTL_VERSION: PINNED_SPACECTL_VERSION, SPACECTL_SHA256: PINNED_SPACECTL_LINUX_AMD64_SHA256 },
    };
    const spacelift = {
      SPACELIFT_API_KEY_ENDPOINT: "https://acme.app.spacelift.io",
      SPACELIFT_API_KEY_ID: "${{ secrets.SPACELIFT_API_KEY_ID }}",
      SPACELIFT_API_KEY_SECRET: "${{ secrets.SPACELIFT_API_KEY_SECRET }}",
      RUN_TOKEN: "${{ steps.sign.outputs.token }}",
    };
    const sign = (runType: string, kid: string, secret: string) => ({
      name: `Sign a ${runType} run token (HS256, key ${kid})`,
      id: "sign",
      if: undefined,
      env: {
        SIGNING_ALGORITHM: "HS256",
        SIGNING_KEY_ID: kid,
        MAX_TOKEN_LIFETIME_SECONDS: "900",
        TOKEN_ISSUER: "github-actions",
        SIGNING_KEY: `\${{ secrets.${secret} }}`,
      },
    });
    const shape = (job: ParsedJob) =>
      job.steps.map((step) => ({ name: step.name, id: step.id, if: step.if, env: step.env }));
    assert.deepEqual(shape(tracked), [
      install,
      sign("TRACKED", "acme.infra:tracked:main:2026-11", "ACME_RUN_KEY_TRACKED_2026_11"),
      {
        name: "Trigger a tracked run (spacectl stack deploy)",
        id: undefined,
        if: "steps.sign.outputs.run_type == 'TRACKED'",
        env: spacelift,
      },
    ]);
    assert.deepEqual(shape(proposed), [
      install,
      sign("PROPOSED", "acme.infra:proposed:2026-11", "ACME_RUN_KEY_PROPOSED_2026_11"),
      {
        name: "Trigger a proposed run (spacectl stack preview)",
        id: undefined,
        if: "steps.sign.outputs.run_type == 'PROPOSED'",
        env: spacelift,
      },
    ]);
    // The staging stack's tracked job is staging's, in staging's environment, with staging's key.
    const staging = parsed(files[2].content).jobs;
    assert.equal(staging.tracked.if, "github.ref == 'refs/heads/staging'");
    assert.equal(staging.tracked.environment, "spacelift-staging");
    assert.equal(staging.tracked.steps[1].env.SIGNING_KEY_ID, "acme.infra:tracked:staging:2026-11");
    assert.equal(staging.proposed.steps[1].env.SIGNING_KEY_ID, "acme.infra:proposed:2026-11");
  });

  test("a stack whose project root is the whole repository has no paths filter", () => {
    const [file] = renderWorkflows(WORKFLOW_VARIANTS["single stack, HS256, API key"]);
    assert.deepEqual(parsed(file.content).on, { push: { branches: ["**"] } });
  });

  test("OIDC mode: id-token: write, a token step in each job, the key id in plain text and no Spacelift secret", () => {
    const files = renderWorkflows(WORKFLOW_VARIANTS[OIDC_MONOREPO]);
    const workflow = parsed(files[3].content);
    assert.deepEqual(workflow.permissions, { contents: "read", "id-token": "write" });
    assert.equal(workflow.jobs.tracked.environment, "spacelift-release-1.x");
    assert.equal(workflow.jobs.tracked.if, "github.ref == 'refs/heads/release/1.x'");
    for (const [id, job] of Object.entries(workflow.jobs)) {
      assert.deepEqual(
        job.steps.map((step) => step.name),
        [
          `Install spacectl ${PINNED_SPACECTL_VERSION} (SHA-256 verified)`,
          id === "tracked"
            ? "Sign a TRACKED run token (ES256, key acme.infra:tracked:release-1.x:2026-11)"
            : "Sign a PROPOSED run token (ES256, key acme.infra:proposed:2026-11)",
          "Get a GitHub OIDC token for the Spacelift API key",
          id === "tracked"
            ? "Trigger a tracked run (spacectl stack deploy)"
            : "Trigger a proposed run (spacectl stack preview)",
        ],
      );
      assert.deepEqual(job.steps[2].env, { SPACELIFT_OIDC_AUDIENCE: "spacelift-ci" });
      assert.deepEqual(job.steps[3].env, {
        SPACELIFT_API_KEY_ENDPOINT: "https://acme.app.spacelift.io",
        SPACELIFT_API_KEY_ID: "01HXAMPLEOIDCKEY000000000",
        RUN_TOKEN: "${{ steps.sign.outputs.token }}",
      });
    }
    assert.deepEqual(files[3].content.match(/\$\{\{ secrets\.[A-Za-z0-9_]+ \}\}/g), [
      "${{ secrets.SPACELIFT_RUN_TRACKED_2026_11 }}",
      "${{ secrets.SPACELIFT_RUN_PROPOSED_2026_11 }}",
    ]);
  });

  test("the default OIDC audience is the endpoint's host; a trailing slash on the endpoint is dropped", () => {
    const [file] = renderWorkflows(WORKFLOW_VARIANTS["single stack, HS256, OIDC, self-hosted endpoint with port"]);
    const steps = parsed(file.content).jobs.tracked.steps;
    assert.deepEqual(steps[2].env, { SPACELIFT_OIDC_AUDIENCE: "spacelift.internal.example" });
    assert.equal(steps[3].env.SPACELIFT_API_KEY_ENDPOINT, "https://spacelift.internal.example:8443");
  });

  for (const [name, options] of Object.entries(WORKFLOW_VARIANTS)) {
    test(`${name}: no actions, no expressions in scripts, strict bash, secrets only in env, the current endpoint variable`, () => {
      for (const file of renderWorkflows(options)) {
        // The harness refuses uses:, ${{ }} inside run: and any shell but bash.
        const { jobs } = parseWorkflow(file.content);
        assert.deepEqual(
          jobs.map((job) => job.id),
          ["tracked", "proposed"],
        );
        for (const { job } of jobs) {
          for (const step of job.steps ?? []) {
            assert.equal(step.uses, undefined);
            assert.ok(
              step.run?.startsWith("set -euo pipefail\n"),
              `${step.name} does not start with set -euo pipefail`,
            );
          }
        }
        assert.ok(!/\buses:/.test(file.content));
        assert.ok(!file.content.includes("SPACELIFT_API_ENDPOINT"), "the deprecated SPACELIFT_API_ENDPOINT is used");
        // Every expression is one of: a secret, the sign step's outputs, github.ref in the concurrency group.
        for (const expression of file.content.match(/\$\{\{[^}]*\}\}/g) ?? []) {
          assert.match(expression, /^\$\{\{ (secrets\.[A-Z0-9_]+|steps\.sign\.outputs\.token|github\.ref) \}\}$/i);
        }
        for (const line of file.content.split("\n").filter((line) => line.includes("${{ secrets."))) {
          assert.match(
            line,
            /^ {10}[A-Z_]+: \$\{\{ secrets\.[A-Za-z0-9_]+ \}\}$/,
            `a secret is used outside a step's env: ${line}`,
          );
        }
        assert.ok(
          !/set -x|echo "\$(SIGNING_KEY|SPACELIFT_API_KEY_SECRET|RUN_TOKEN)/.test(file.content),
          "a script echoes a secret or the token",
        );
        assert.ok(file.content.endsWith("\n") && !file.content.endsWith("\n\n"));
      }
    });
  }
});

interface BadCase {
  why: string;
  options: (base: WorkflowOptions) => unknown;
  field: string;
  value?: string;
}

const BASE: WorkflowOptions = {
  stacks: [{ id: "net-prod", branch: "main", projectRoot: "network", additionalProjectGlobs: ["modules/**"] }],
  signing: {
    algorithm: "HS256",
    proposed: { kid: "acme:proposed:1", secretName: "RUN_KEY_PROPOSED" },
    tracked: [
      { branch: "main", environment: "spacelift-main", kid: "acme:tracked:main:1", secretName: "RUN_KEY_TRACKED" },
    ],
  },
  spacelift: { endpoint: "https://acme.app.spacelift.io", auth: { type: "apiKey" } },
};

function withSigning(change: (signing: WorkflowOptions["signing"]) => unknown) {
  return (base: WorkflowOptions) => ({ ...base, signing: change(base.signing) });
}

function withTracked(change: Record<string, unknown>) {
  return withSigning((signing) => ({ ...signing, tracked: [{ ...signing.tracked[0], ...change }] }));
}

function withStack(change: Record<string, unknown>) {
  return (base: WorkflowOptions) => ({ ...base, stacks: [{ ...base.stacks[0], ...change }] });
}

const BAD_CASES: BadCase[] = [
  { why: "no stacks", options: (base) => ({ ...base, stacks: [] }), field: "stacks" },
  { why: "stack id with spaces", options: withStack({ id: "Net Prod" }), field: "stacks[0].id", value: "Net Prod" },
  {
    why: "duplicate stack ids",
    options: (base) => ({ ...base, stacks: [base.stacks[0], { id: "net-prod", projectRoot: "x" }] }),
    field: "stacks",
    value: "net-prod",
  },
  {
    why: "branch given as a ref",
    options: withStack({ branch: "refs/heads/main" }),
    field: "stacks[0].branch",
    value: "refs/heads/main",
  },
  {
    why: "branch with a space",
    options: withStack({ branch: "my branch" }),
    field: "stacks[0].branch",
    value: "my branch",
  },
  { why: "branch with ..", options: withStack({ branch: "a..b" }), field: "stacks[0].branch", value: "a..b" },
  { why: "branch ending .lock", options: withStack({ branch: "x.lock" }), field: "stacks[0].branch", value: "x.lock" },
  {
    why: "branch with an expression",
    options: withStack({ branch: "${{ github.token }}" }),
    field: "stacks[0].branch",
  },
  {
    why: "project root escaping the repository",
    options: withStack({ projectRoot: "../other" }),
    field: "stacks[0].projectRoot",
    value: "../other",
  },
  {
    why: "absolute project root",
    options: withStack({ projectRoot: "/etc" }),
    field: "stacks[0].projectRoot",
    value: "/etc",
  },
  {
    why: "project root with ..",
    options: withStack({ projectRoot: "a/../b" }),
    field: "stacks[0].projectRoot",
    value: "a/../b",
  },
  {
    why: "project root with a wildcard",
    options: withStack({ projectRoot: "stacks/*" }),
    field: "stacks[0].projectRoot",
    value: "stacks/*",
  },
  {
    why: "glob escaping the repository",
    options: withStack({ additionalProjectGlobs: ["../elsewhere/**"] }),
    field: "stacks[0].additionalProjectGlobs[0]",
  },
  {
    why: "absolute glob",
    options: withStack({ additionalProjectGlobs: ["/x/**"] }),
    field: "stacks[0].additionalProjectGlobs[0]",
  },
  {
    why: "** inside a segment",
    options: withStack({ additionalProjectGlobs: ["a/b**"] }),
    field: "stacks[0].additionalProjectGlobs[0]",
    value: "a/b**",
  },
  {
    why: "a negated glob",
    options: withStack({ additionalProjectGlobs: ["!docs/**"] }),
    field: "stacks[0].additionalProjectGlobs[0]",
  },
  {
    why: "a ? glob (GitHub and Spacelift read it differently)",
    options: withStack({ additionalProjectGlobs: ["a?.tf"] }),
    field: "stacks[0].additionalProjectGlobs[0]",
  },
  {
    why: "an empty glob",
    options: withStack({ additionalProjectGlobs: [""] }),
    field: "stacks[0].additionalProjectGlobs[0]",
  },
  {
    why: "a duplicate glob",
    options: withStack({ additionalProjectGlobs: ["m/**", "m/**"] }),
    field: "stacks[0].additionalProjectGlobs",
    value: "m/**",
  },
  {
    why: "globs not a list",
    options: withStack({ additionalProjectGlobs: "modules/**" }),
    field: "stacks[0].additionalProjectGlobs",
  },
  {
    why: "unsupported algorithm",
    options: (base) => ({ ...base, signing: { ...base.signing, algorithm: "RS256" } }),
    field: "signing.algorithm",
    value: "RS256",
  },
  {
    why: "the old signing shape (one key for every run type)",
    options: withSigning(() => ({ algorithm: "HS256", kid: "acme-1", secretName: "KEY" })),
    field: "signing",
  },
  {
    why: "no proposed key",
    options: withSigning((signing) => ({ ...signing, proposed: undefined })),
    field: "signing.proposed",
  },
  {
    why: "proposed kid with a space",
    options: withSigning((signing) => ({ ...signing, proposed: { ...signing.proposed, kid: "my key" } })),
    field: "signing.proposed.kid",
    value: "my key",
  },
  {
    why: "proposed secret name missing",
    options: withSigning((signing) => ({ ...signing, proposed: { kid: "acme:proposed:1" } })),
    field: "signing.proposed.secretName",
  },
  {
    why: "secret name starting with a digit",
    options: withSigning((signing) => ({ ...signing, proposed: { ...signing.proposed, secretName: "1KEY" } })),
    field: "signing.proposed.secretName",
    value: "1KEY",
  },
  {
    why: "secret name with a dash",
    options: withTracked({ secretName: "RUN-KEY" }),
    field: "signing.tracked[0].secretName",
    value: "RUN-KEY",
  },
  {
    why: "secret name with the GITHUB_ prefix",
    options: withTracked({ secretName: "github_key" }),
    field: "signing.tracked[0].secretName",
    value: "github_key",
  },
  {
    why: "signing key in the API key's secret",
    options: withSigning((signing) => ({
      ...signing,
      proposed: { ...signing.proposed, secretName: "SPACELIFT_API_KEY_SECRET" },
    })),
    field: "signing.proposed.secretName",
    value: "SPACELIFT_API_KEY_SECRET",
  },
  {
    why: "a tracked key with the proposed key's kid",
    options: withTracked({ kid: "acme:proposed:1" }),
    field: "signing.tracked[0].kid",
    value: "acme:proposed:1",
  },
  {
    why: "a tracked key in the proposed key's secret",
    options: withTracked({ secretName: "run_key_proposed" }),
    field: "signing.tracked[0].secretName",
    value: "run_key_proposed",
  },
  {
    why: "two tracked branches with one kid",
    options: (base) => ({
      ...base,
      stacks: [...base.stacks, { id: "app-staging", branch: "staging", projectRoot: "apps" }],
      signing: {
        ...base.signing,
        tracked: [
          ...base.signing.tracked,
          { ...base.signing.tracked[0], branch: "staging", environment: "spacelift-staging" },
        ],
      },
    }),
    field: "signing.tracked[1].kid",
    value: "acme:tracked:main:1",
  },
  {
    why: "tracked not a list",
    options: withSigning((signing) => ({ ...signing, tracked: signing.tracked[0] })),
    field: "signing.tracked",
  },
  {
    why: "no tracked entry for the stack's branch",
    options: withSigning((signing) => ({ ...signing, tracked: [] })),
    field: "signing.tracked",
    value: "main",
  },
  {
    why: "no tracked entry for a second stack's branch",
    options: (base) => ({
      ...base,
      stacks: [...base.stacks, { id: "app-staging", branch: "staging", projectRoot: "apps" }],
    }),
    field: "signing.tracked",
    value: "staging",
  },
  {
    why: "a tracked entry for a branch no stack tracks",
    options: withTracked({ branch: "develop" }),
    field: "signing.tracked[0].branch",
    value: "develop",
  },
  {
    why: "two tracked entries for one branch",
    options: withSigning((signing) => ({
      ...signing,
      tracked: [signing.tracked[0], { ...signing.tracked[0], environment: "other", kid: "acme:tracked:main:2" }],
    })),
    field: "signing.tracked[1]",
    value: "main",
  },
  {
    why: "two branches in one environment (GitHub ignores case in environment names)",
    options: (base) => ({
      ...base,
      stacks: [...base.stacks, { id: "app-staging", branch: "staging", projectRoot: "apps" }],
      signing: {
        ...base.signing,
        tracked: [
          base.signing.tracked[0],
          {
            branch: "staging",
            environment: "Spacelift-Main",
            kid: "acme:tracked:staging:1",
            secretName: "RUN_KEY_TRACKED",
          },
        ],
      },
    }),
    field: "signing.tracked[1].environment",
    value: "Spacelift-Main",
  },
  {
    why: "tracked kid with a slash",
    options: withTracked({ kid: "acme/main" }),
    field: "signing.tracked[0].kid",
    value: "acme/main",
  },
  {
    why: "tracked branch with a glob",
    options: withTracked({ branch: "release/*" }),
    field: "signing.tracked[0].branch",
    value: "release/*",
  },
  {
    why: "stack branch with a glob",
    options: withStack({ branch: "rel?ase" }),
    field: "stacks[0].branch",
    value: "rel?ase",
  },
  {
    why: "stack branch with braces",
    options: withStack({ branch: "{main,dev}" }),
    field: "stacks[0].branch",
    value: "{main,dev}",
  },
  { why: "stack branch with !", options: withStack({ branch: "!main" }), field: "stacks[0].branch", value: "!main" },
  {
    why: "environment missing",
    options: withTracked({ environment: undefined }),
    field: "signing.tracked[0].environment",
  },
  {
    why: "environment with a space",
    options: withTracked({ environment: "spacelift main" }),
    field: "signing.tracked[0].environment",
    value: "spacelift main",
  },
  {
    why: "environment with an expression",
    options: withTracked({ environment: "${{ github.ref_name }}" }),
    field: "signing.tracked[0].environment",
  },
  {
    why: "environment longer than 255 characters",
    options: withTracked({ environment: "e".repeat(256) }),
    field: "signing.tracked[0].environment",
  },
  {
    why: "http endpoint",
    options: (base) => ({ ...base, spacelift: { ...base.spacelift, endpoint: "http://acme.app.spacelift.io" } }),
    field: "spacelift.endpoint",
    value: "http://acme.app.spacelift.io",
  },
  {
    why: "endpoint with a path",
    options: (base) => ({
      ...base,
      spacelift: { ...base.spacelift, endpoint: "https://acme.app.spacelift.io/graphql" },
    }),
    field: "spacelift.endpoint",
  },
  {
    why: "endpoint with a query",
    options: (base) => ({ ...base, spacelift: { ...base.spacelift, endpoint: "https://acme.app.spacelift.io?x=1" } }),
    field: "spacelift.endpoint",
  },
  {
    why: "endpoint with credentials",
    options: (base) => ({ ...base, spacelift: { ...base.spacelift, endpoint: "https://u:p@acme.app.spacelift.io" } }),
    field: "spacelift.endpoint",
  },
  {
    why: "endpoint not a URL",
    options: (base) => ({ ...base, spacelift: { ...base.spacelift, endpoint: "acme.app.spacelift.io" } }),
    field: "spacelift.endpoint",
    value: "acme.app.spacelift.io",
  },
  {
    why: "unknown auth mode",
    options: (base) => ({ ...base, spacelift: { ...base.spacelift, auth: { type: "token" } } }),
    field: "spacelift.auth.type",
    value: "token",
  },
  {
    why: "OIDC without an API key id",
    options: (base) => ({ ...base, spacelift: { ...base.spacelift, auth: { type: "oidc" } } }),
    field: "spacelift.auth.apiKeyId",
  },
  {
    why: "OIDC with an empty API key id",
    options: (base) => ({ ...base, spacelift: { ...base.spacelift, auth: { type: "oidc", apiKeyId: "" } } }),
    field: "spacelift.auth.apiKeyId",
  },
  {
    why: "OIDC audience with a space",
    options: (base) => ({
      ...base,
      spacelift: { ...base.spacelift, auth: { type: "oidc", apiKeyId: "01HX", audience: "a b" } },
    }),
    field: "spacelift.auth.audience",
    value: "a b",
  },
  {
    why: "lifetime below the minimum",
    options: (base) => ({ ...base, maxTokenLifetimeSeconds: 59 }),
    field: "maxTokenLifetimeSeconds",
    value: "59",
  },
  {
    why: "lifetime above the maximum",
    options: (base) => ({ ...base, maxTokenLifetimeSeconds: 86401 }),
    field: "maxTokenLifetimeSeconds",
    value: "86401",
  },
  {
    why: "fractional lifetime",
    options: (base) => ({ ...base, maxTokenLifetimeSeconds: 90.5 }),
    field: "maxTokenLifetimeSeconds",
  },
  {
    why: "lifetime as a string",
    options: (base) => ({ ...base, maxTokenLifetimeSeconds: "3600" }),
    field: "maxTokenLifetimeSeconds",
  },
  {
    why: "spacectl version with a v",
    options: (base) => ({ ...base, spacectlVersion: "v1.22.0" }),
    field: "spacectlVersion",
    value: "v1.22.0",
  },
  {
    why: "spacectl version latest",
    options: (base) => ({ ...base, spacectlVersion: "latest" }),
    field: "spacectlVersion",
    value: "latest",
  },
  {
    why: "another spacectl version without its checksum",
    options: (base) => ({ ...base, spacectlVersion: "1.21.0" }),
    field: "spacectlSha256",
    value: "1.21.0",
  },
  {
    why: "a checksum that is not SHA-256 hex",
    options: (base) => ({ ...base, spacectlVersion: "1.21.0", spacectlSha256: "abc" }),
    field: "spacectlSha256",
    value: "abc",
  },
  {
    why: "another checksum for the pinned version",
    options: (base) => ({ ...base, spacectlSha256: "0".repeat(64) }),
    field: "spacectlSha256",
  },
];

describe("renderWorkflows input errors", () => {
  for (const bad of BAD_CASES) {
    test(`${bad.why}: SignedRunsInputError on ${bad.field}`, () => {
      assert.throws(
        () => renderWorkflows(bad.options(clone(BASE)) as WorkflowOptions),
        (error: unknown) => {
          assert.ok(error instanceof SignedRunsInputError, `not a SignedRunsInputError: ${String(error)}`);
          assert.equal(error.field, bad.field);
          assert.ok(error.message.startsWith(`${bad.field}: `), error.message);
          assert.match(error.message, /\. Fix: ./);
          if (bad.value !== undefined)
            assert.ok(error.message.includes(bad.value), `the message does not show the bad value: ${error.message}`);
          return true;
        },
      );
    });
  }

  test("accepted and normalised: trailing slashes, a port, the API key's secret name in OIDC mode, another version with its checksum", () => {
    const [file] = renderWorkflows({
      ...BASE,
      stacks: [{ id: "net-prod", projectRoot: "network/" }],
      signing: { ...BASE.signing, proposed: { kid: "acme:proposed:1", secretName: "SPACELIFT_API_KEY_SECRET" } },
      spacelift: { endpoint: "https://spacelift.example:8443/", auth: { type: "oidc", apiKeyId: "01HX" } },
      spacectlVersion: "1.21.0",
      spacectlSha256: "a".repeat(64),
    });
    const workflow = parsed(file.content);
    assert.deepEqual(workflow.on.push.paths, ["network/**"]);
    const steps = workflow.jobs.tracked.steps;
    assert.equal(steps[0].env.SPACECTL_VERSION, "1.21.0");
    assert.equal(steps[0].env.SPACECTL_SHA256, "a".repeat(64));
    assert.equal(steps[3].env.SPACELIFT_API_KEY_ENDPOINT, "https://spacelift.example:8443");
  });
});
