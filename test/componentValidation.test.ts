/**
 * Every bad input fails with a SignedRunsInputError naming the field, the bad
 * value (unless secret) and the fix: plain values in the constructor before
 * any resource is registered, Output values when they resolve, with the same message.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { SignedRunsInputError } from "../components/schema/inputError";
import { SignedRuns } from "../components/signedRuns/signedRuns";
import type { SignedRunsArgs } from "../components/signedRuns/args";
import { SignedRunsRepository } from "../components/signedRuns/signedRunsRepository";
import { SignedRunsWorkerPool } from "../components/signedRuns/signedRunsWorkerPool";
import { API_KEY_SECRET, singleStackArgs } from "./support/componentScenarios";
import { promiseOf, runWithMocks } from "./support/pulumiMocks";

interface BadCase {
  label: string;
  args: (base: SignedRunsArgs) => SignedRunsArgs;
  message: RegExp;
}

const withSigning =
  (signing: NonNullable<SignedRunsArgs["signing"]>) =>
  (base: SignedRunsArgs): SignedRunsArgs => ({ ...base, signing });
const withStacks =
  (stacks: unknown) =>
  (base: SignedRunsArgs): SignedRunsArgs => ({ ...base, stacks: stacks as SignedRunsArgs["stacks"] });
const withGithub =
  (github: Partial<SignedRunsArgs["github"]>) =>
  (base: SignedRunsArgs): SignedRunsArgs => ({ ...base, github: { ...base.github, ...github } });
const withEndpoint =
  (endpoint: string) =>
  (base: SignedRunsArgs): SignedRunsArgs => ({ ...base, spacelift: { ...base.spacelift, endpoint } });
const withApiKey =
  (apiKey: unknown) =>
  (base: SignedRunsArgs): SignedRunsArgs => ({ ...base, spacelift: { ...base.spacelift, apiKey: apiKey as never } });

const BAD_CASES: BadCase[] = [
  {
    label: "owner with a space",
    args: withGithub({ owner: "acme corp" }),
    message: /^github\.owner: "acme corp" is not a GitHub user or organization name\. Fix: /,
  },
  {
    label: "owner starting with a hyphen",
    args: withGithub({ owner: "-acme" }),
    message: /^github\.owner: "-acme" is not a GitHub/,
  },
  {
    label: "repository with the owner",
    args: withGithub({ repository: "acme/payments" }),
    message:
      /^github\.repository: "acme\/payments" is not a GitHub repository name\. Fix: give the name without the owner/,
  },
  {
    label: "missing owner",
    args: withGithub({ owner: undefined as never }),
    message: /^github\.owner: is missing\. Fix: set it to the owner/,
  },
  {
    label: "missing repository",
    args: withGithub({ repository: undefined as never }),
    message: /^github\.repository: is missing\. Fix: set it to the repository name/,
  },
  { label: "repository '..'", args: withGithub({ repository: ".." }), message: /^github\.repository: "\.\." is not/ },
  {
    label: "bad branch",
    args: withGithub({ branch: "release..1" }),
    message: /^github\.branch: "release\.\.1" is not a valid Git branch name/,
  },
  { label: "no stacks", args: withStacks([]), message: /^stacks: lists no stack\. Fix: list at least one/ },
  { label: "stacks missing", args: withStacks(undefined), message: /^stacks: is missing\. Fix: list at least one/ },
  {
    label: "stacks not a list",
    args: withStacks("payments-prod"),
    message: /^stacks: "payments-prod" is not a list\. Fix: list at least one/,
  },
  {
    label: "bad stack id",
    args: withStacks([{ id: "Payments Prod" }]),
    message: /^stacks\[0\]\.id: "Payments Prod" is not a Spacelift stack id/,
  },
  {
    label: "duplicate stack",
    args: withStacks([{ id: "a" }, { id: "b" }, { id: "a" }]),
    message: /^stacks: stack id "a" appears more than once\. Fix: list each stack id once/,
  },
  {
    label: "project root escaping the repository",
    args: withStacks([{ id: "a", projectRoot: "../elsewhere" }]),
    message: /^stacks\[0\]\.projectRoot: "\.\.\/elsewhere" is not a directory relative/,
  },
  {
    label: "absolute glob",
    args: withStacks([{ id: "a", additionalProjectGlobs: ["/etc/**"] }]),
    message: /^stacks\[0\]\.additionalProjectGlobs\[0\]: "\/etc\/\*\*" is not a glob/,
  },
  {
    label: "stack branch",
    args: withStacks([{ id: "a", branch: "has space" }]),
    message: /^stacks\[0\]\.branch: "has space" is not a valid Git branch name/,
  },
  {
    label: "two vendors",
    args: withStacks([{ id: "a", create: { vendor: { pulumi: { loginUrl: "x", stackName: "y" }, terraform: {} } } }]),
    message: /^stacks\[0\]\.create\.vendor: .* names no single tool/,
  },
  {
    label: "http endpoint",
    args: withEndpoint("http://acme.app.spacelift.io"),
    message: /^spacelift\.endpoint: "http:\/\/acme\.app\.spacelift\.io" does not use https/,
  },
  {
    label: "endpoint with a path",
    args: withEndpoint("https://acme.app.spacelift.io/graphql"),
    message: /^spacelift\.endpoint: "https:\/\/acme\.app\.spacelift\.io\/graphql" has a path, query or fragment/,
  },
  {
    label: "endpoint with a query",
    args: withEndpoint("https://acme.app.spacelift.io?x=1"),
    message: /^spacelift\.endpoint: .* has a path, query or fragment/,
  },
  {
    label: "endpoint without scheme",
    args: withEndpoint("acme.app.spacelift.io"),
    message: /^spacelift\.endpoint: "acme\.app\.spacelift\.io" is not a URL/,
  },
  {
    label: "endpoint with credentials",
    args: withEndpoint("https://user:pw@acme.app.spacelift.io"),
    message: /^spacelift\.endpoint: the URL carries credentials/,
  },
  {
    label: "secret key and OIDC together",
    args: withApiKey({ id: "k", secret: API_KEY_SECRET, oidc: { apiKeyId: "k" } }),
    message: /^spacelift\.apiKey: gives both a secret key \(id\/secret\) and oidc\. Fix: choose one/,
  },
  {
    label: "secret key without id",
    args: withApiKey({ secret: API_KEY_SECRET }),
    message: /^spacelift\.apiKey: lacks id/,
  },
  {
    label: "OIDC without key id",
    args: withApiKey({ oidc: {} }),
    message: /^spacelift\.apiKey\.oidc\.apiKeyId: is missing/,
  },
  {
    label: "OIDC key id not printable",
    args: withApiKey({ oidc: { apiKeyId: "key id; rm -rf" } }),
    message: /^spacelift\.apiKey\.oidc\.apiKeyId: "key id; rm -rf" is not a Spacelift API key id/,
  },
  {
    label: "OIDC audience with spaces",
    args: withApiKey({ oidc: { apiKeyId: "01HKEY", audience: "a b" } }),
    message: /^spacelift\.apiKey\.oidc\.audience: "a b" is not a valid audience/,
  },
  {
    label: "pool id with pool settings",
    args: (b) => ({ ...b, workerPool: { id: "01HPOOL", name: "x" } as never }),
    message: /^workerPool: gives id together with name\. Fix: give only id/,
  },
  {
    label: "unknown pool setting",
    args: (b) => ({ ...b, workerPool: { nmae: "x" } as never }),
    message:
      /^workerPool\.nmae: is not a known field\. Fix: remove it or fix its spelling; the known fields here are name, description, labels, spaceId$/,
  },
  {
    label: "push policy id with settings",
    args: (b) => ({ ...b, pushPolicy: { id: "p", labels: ["x"] } as never }),
    message: /^pushPolicy: gives id together with labels/,
  },
  {
    label: "push policy engine",
    args: (b) => ({ ...b, pushPolicy: { engineType: "REGO_V2" as never } }),
    message: /^pushPolicy\.engineType: "REGO_V2" is not a policy engine/,
  },
  {
    label: "algorithm",
    args: withSigning({ algorithm: "RS256" as never }),
    message: /^signing\.algorithm: "RS256" is not a supported algorithm\. Fix: use one of HS256, ES256/,
  },
  { label: "no key generation", args: withSigning({ keys: [] }), message: /^signing\.keys: lists no key generation/ },
  {
    label: "duplicate generation",
    args: withSigning({ keys: ["2026-05", "2026-05"] }),
    message: /^signing\.keys: key generation "2026-05" appears more than once/,
  },
  {
    label: "bad generation name",
    args: withSigning({ keys: ["may 2026"] }),
    message: /^signing\.keys\[0\]: "may 2026" is not a key generation name/,
  },
  {
    label: "generations whose secret names collide",
    args: withSigning({ keys: ["2026.05", "2026-05"] }),
    message: /^signing\.keys: GitHub secret name .*"SPACELIFT_RUN_SIGNING_KEY_PROPOSED_2026_05" appears more than once/,
  },
  {
    label: "active key not listed",
    args: withSigning({ keys: ["2026-05"], activeKey: "2026-11" }),
    message: /^signing\.activeKey: "2026-11" is not one of signing\.keys/,
  },
  {
    label: "reserved secret name",
    args: withSigning({ secretName: "GITHUB_SIGNING" }),
    message: /^signing\.secretName: "GITHUB_SIGNING" starts with GITHUB_/,
  },
  {
    label: "secret name starting with a digit",
    args: withSigning({ secretName: "1KEY" }),
    message: /^signing\.secretName: "1KEY" is not a valid GitHub secret name/,
  },
  {
    label: "a signing secret longer than GitHub allows",
    args: withSigning({ secretName: `K${"E".repeat(190)}` }),
    message: /^signing\.secretName: with generation "1" gives "KE+\.\.\.", longer than GitHub's 200 characters\. Fix: /,
  },
  {
    label: "token lifetime",
    args: withSigning({ maxTokenLifetimeSeconds: 10 }),
    message: /^signing\.maxTokenLifetimeSeconds: "10" is not a whole number of seconds between 60 and 86400/,
  },
  {
    label: "the old additionalTrustedKeys",
    args: withSigning({ additionalTrustedKeys: [] as never }),
    message:
      /^signing\.additionalTrustedKeys: is no longer taken: the pool's owner grants each repository its stacks\. Fix: pass additionalRepositories: /,
  },
  {
    label: "a tracked branch with a glob character",
    args: withStacks([{ id: "a" }, { id: "b", branch: "release-{1,2}" }]),
    message: /^stacks\[1\]\.branch: "release-\{1,2\}" has a glob character/,
  },
  {
    label: "tracked reviewers by login",
    args: withSigning({ trackedReviewers: { users: ["octocat" as never] } }),
    message: /^signing\.trackedReviewers\.users\[0\]: "octocat" is not a GitHub user id\. Fix: give the numeric id/,
  },
  {
    label: "seven tracked reviewers",
    args: withSigning({ trackedReviewers: { users: [1, 2, 3, 4, 5, 6, 7] } }),
    message: /^signing\.trackedReviewers: lists 7 reviewers/,
  },
  {
    label: "github.branch as an Output",
    args: withGithub({ branch: pulumi.output("main") as never }),
    message: /^github\.branch: is an Output or a Promise\. Fix: give a plain string/,
  },
  {
    label: "another repository granted this repository's stack",
    args: (b) => ({
      ...b,
      additionalRepositories: [{ repository: "acme/other", stacks: ["other-prod", "payments-prod"], trustedKeys: [] }],
    }),
    message: /^additionalRepositories\[0\]\.stacks\[1\]: stack "payments-prod" is granted to acme\/payments-infra too/,
  },
  {
    label: "relative launcher policy path",
    args: (b) => ({ ...b, launcher: { policyPath: "policy.rego" } }),
    message: /^launcher\.policyPath: "policy\.rego" is not an absolute path/,
  },
  {
    label: "spacectl version without its checksum (the workflow generator's check)",
    args: (b) => ({ ...b, workflow: { spacectlVersion: "1.21.0" } }),
    message: /^workflow\.spacectlSha256: /,
  },
  {
    label: "workflow branch",
    args: (b) => ({ ...b, workflow: { branch: "a:b" } }),
    message: /^workflow\.branch: "a:b" is not a valid Git branch name/,
  },
];

for (const bad of BAD_CASES) {
  test(`rejected before any resource exists: ${bad.label}`, async () => {
    let error: unknown;
    const run = await runWithMocks(() => {
      try {
        new SignedRuns("payments", bad.args(singleStackArgs()));
      } catch (caught) {
        error = caught;
      }
    });
    assert.ok(error instanceof SignedRunsInputError, `expected a SignedRunsInputError, got ${String(error)}`);
    assert.match(error.message, bad.message);
    assert.match(error.message, /\. Fix: ./, "the message says how to fix it");
    assert.ok(!error.message.includes(API_KEY_SECRET), "no secret in the message");
    assert.deepEqual(
      run.resources.map((r) => r.type),
      [],
      "no resource was registered, not even the component",
    );
  });
}

interface OutputCase {
  label: string;
  plain: (base: SignedRunsArgs) => SignedRunsArgs;
  asOutput: (base: SignedRunsArgs) => SignedRunsArgs;
  /** A resource that takes the value as an input and must therefore never be registered. */
  blockedType: string;
}

const OUTPUT_CASES: OutputCase[] = [
  {
    label: "owner",
    plain: withGithub({ owner: "acme corp" }),
    asOutput: (b) => ({ ...b, github: { ...b.github, owner: pulumi.output("acme corp") } }),
    blockedType: "github:index/repositoryFile:RepositoryFile",
  },
  {
    label: "repository",
    plain: withGithub({ repository: "acme/payments" }),
    asOutput: (b) => ({ ...b, github: { ...b.github, repository: pulumi.output("acme/payments") } }),
    blockedType: "github:index/actionsSecret:ActionsSecret",
  },
  {
    label: "endpoint",
    plain: withEndpoint("https://acme.app.spacelift.io/graphql"),
    asOutput: (b) => ({
      ...b,
      spacelift: { ...b.spacelift, endpoint: pulumi.output("https://acme.app.spacelift.io/graphql") },
    }),
    blockedType: "github:index/repositoryFile:RepositoryFile",
  },
  {
    label: "OIDC API key id",
    plain: withApiKey({ oidc: { apiKeyId: "key id; rm -rf" } }),
    asOutput: withApiKey({ oidc: { apiKeyId: pulumi.output("key id; rm -rf") } }),
    blockedType: "github:index/repositoryFile:RepositoryFile",
  },
  {
    label: "workflow branch",
    plain: (b) => ({ ...b, workflow: { branch: "a:b" } }),
    asOutput: (b) => ({ ...b, workflow: { branch: pulumi.output("a:b") } }),
    blockedType: "github:index/repositoryFile:RepositoryFile",
  },
];

for (const bad of OUTPUT_CASES) {
  test(`an Output ${bad.label} fails the deployment when it resolves, with the same message`, async () => {
    let plainMessage = "";
    try {
      new SignedRuns("payments", bad.plain(singleStackArgs()));
    } catch (caught) {
      plainMessage = (caught as Error).message;
    }
    assert.ok(plainMessage.length > 0, "the plain value is rejected");

    const run = await runWithMocks(() => new SignedRuns("payments", bad.asOutput(singleStackArgs())));
    const outcomes = await Promise.allSettled([promiseOf(run.result.workflowFiles), promiseOf(run.result.trustedKeys)]);
    const reasons = outcomes
      .filter((o): o is PromiseRejectedResult => o.status === "rejected")
      .map((o) => o.reason as Error);
    const failures = reasons.map((reason) => String(reason.message));
    // Outputs built from the value fail too (the workflow branch feeds only a resource input).
    if (bad.label !== "workflow branch") assert.ok(failures.length > 0, "an output fails");
    // Raised inside an apply, the error is a ResourceError of the component that took the value.
    for (const reason of reasons) {
      assert.ok(pulumi.ResourceError.isInstance(reason), `${reason.message} is a ResourceError`);
      assert.equal(
        (reason as pulumi.ResourceError).resource,
        run.result.repository,
        "tied to the repository component",
      );
    }
    // Pulumi prefixes the message with the property path it was serializing ("error serializing property ...: ").
    for (const message of failures) assert.ok(message.endsWith(plainMessage), `${message} ends with ${plainMessage}`);
    assert.equal(run.ofType(bad.blockedType).length, 0, `no ${bad.blockedType} was created from the bad value`);
    // What `pulumi up` reports: the resource that took the value fails with the same message.
    assert.ok(run.programErrors.length > 0, "the program fails");
    assert.ok(
      run.programErrors.some((e) => e.endsWith(plainMessage)),
      `the failure carries the message: ${run.programErrors.join(" | ")}`,
    );
  });
}

test("SignedRunsRepository: creating a stack needs a worker pool", async () => {
  assert.throws(
    () =>
      new SignedRunsRepository("r", {
        github: { owner: "acme", repository: "r" },
        stacks: [{ id: "s" }, { id: "t", create: {} }],
        spacelift: { endpoint: "https://acme.app.spacelift.io" },
      }),
    {
      name: "SignedRunsInputError",
      message: /^stacks\[1\]\.create: needs a worker pool for the stack it creates\. Fix: pass workerPoolId/,
    },
  );
});

test("SignedRunsWorkerPool: grants are checked before any resource, and the old trustedKeys argument names the fix", async () => {
  const key = {
    kid: "acme.r:proposed:1",
    algorithm: "HS256" as const,
    secret: "s".repeat(40),
    stacks: ["a"],
    runTypes: ["PROPOSED" as const],
  };
  for (const [args, message] of [
    [
      { trustedKeys: [[key]] },
      /^trustedKeys: is no longer taken: which stacks a key may sign for is the pool owner's grant, not the key's claim\. Fix: pass repositories: /,
    ],
    [{ repositories: "acme/r" }, /^repositories: "acme\/r" is not a list of grants/],
    [
      {
        repositories: [
          { repository: "acme/r", stacks: ["a"], trustedKeys: [key] },
          { repository: "acme/s", stacks: ["a"], trustedKeys: [key] },
        ],
      },
      /^repositories\[1\]\.stacks\[0\]: stack "a" is granted to acme\/r too/,
    ],
    [
      { repositories: [{ repository: "r", stacks: ["a"], trustedKeys: [key] }] },
      /^repositories\[0\]\.repository: "r" is not "owner\/name"/,
    ],
    [
      { repositories: [{ repository: "acme/r", stacks: ["a"], trustedKeys: [key] }], maxTokenLifetimeSeconds: 100000 },
      /^maxTokenLifetimeSeconds: "100000" is not/,
    ],
    // A plain key list is parsed with the TrustedKey schema renderInitializationPolicy uses, every problem at once.
    [
      {
        repositories: [
          {
            repository: "acme/r",
            stacks: ["a"],
            trustedKeys: [{ ...key, kid: "bad kid", secret: "short", runTypes: undefined }],
          },
        ],
      },
      /^repositories\[0\]\.trustedKeys\[0\]\.kid: "bad kid" is not a valid key id \(kid\)\..*\nrepositories\[0\]\.trustedKeys\[0\]\.secret: is shorter than 32 bytes \(value not shown\)\..*\nrepositories\[0\]\.trustedKeys\[0\]\.runTypes: is missing/,
    ],
  ] as const) {
    const run = await runWithMocks(() => {
      assert.throws(() => new SignedRunsWorkerPool("p", args as never), { name: "SignedRunsInputError", message });
    });
    assert.deepEqual(run.resources, [], "nothing registered");
  }
});

test("SignedRunsWorkerPool: a kid trusted under two repositories is rejected when the keys resolve", async () => {
  const key = {
    kid: "acme.r:proposed:1",
    algorithm: "HS256" as const,
    secret: "s".repeat(40),
    stacks: ["a", "b"],
    runTypes: ["PROPOSED" as const],
  };
  const run = await runWithMocks(
    () =>
      new SignedRunsWorkerPool("p", {
        repositories: [
          { repository: "acme/r", stacks: ["a"], trustedKeys: [key] },
          { repository: "acme/s", stacks: ["b"], trustedKeys: pulumi.output([{ ...key, secret: "t".repeat(40) }]) },
        ],
      }),
  );
  await assert.rejects(promiseOf(run.result.initializationPolicy), (error: unknown) => {
    assert.ok(pulumi.ResourceError.isInstance(error), "a ResourceError");
    assert.equal(error.resource, run.result, "tied to the pool component");
    assert.match(error.message, /kid "acme\.r:proposed:1" appears more than once/);
    return true;
  });
  assert.ok(
    run.programErrors.some((e) => e.includes("appears more than once")),
    "the program fails",
  );
});

test("SignedRunsWorkerPool: an Output key list is parsed with the same TrustedKey schema when it resolves", async () => {
  const key = {
    kid: "acme.r:proposed:1",
    algorithm: "ES256" as const,
    publicKeyPem: "not a key",
    stacks: ["a"],
    runTypes: ["PROPOSED" as const],
  };
  const run = await runWithMocks(
    () =>
      new SignedRunsWorkerPool("p", {
        repositories: [{ repository: "acme/r", stacks: ["a"], trustedKeys: pulumi.output([key]) }],
      }),
  );
  await assert.rejects(promiseOf(run.result.initializationPolicy), (error: unknown) => {
    assert.ok(pulumi.ResourceError.isInstance(error), "a ResourceError");
    assert.match(
      error.message,
      /repositories\[0\]\.trustedKeys\[0\]\.publicKeyPem: is not a PEM public key \(value not shown\)\. Fix: /,
    );
    return true;
  });
});
