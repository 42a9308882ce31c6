/**
 * `spacelift-signed-runs onboard`: the repositories file is checked first and
 * every problem listed; the loop runs the real per-repository and pool
 * programs under Pulumi's mocks, with a progress line per repository as it
 * starts and ends and a summary with counts and total time; a missing Pulumi
 * CLI is one error with its fix. The Automation API against a real engine is
 * not run here (no Pulumi CLI on the test machine).
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import type { RepositoryGrant, TrustedKey } from "../components/policy/initializationPolicy";
import { proposedKeyId, trackedKeyId } from "../components/signedRuns/keyGenerations";
import { signRunToken } from "../components/runToken/runToken";
import { onboardRepositories, type OnboardingRunner } from "../cli/onboard";
import { resolveBackend } from "../cli/onboardAutomation";
import {
  OnboardingFileError,
  parseOnboardingFile,
  type OnboardingSettings,
  type RepositoryEntry,
} from "../cli/onboardFile";
import { declareRepository, declareSharedPool, repositoryStackName } from "../cli/onboardPrograms";
import { runCli, temporaryDirectory } from "./support/cli";
import { evaluateDeny, opaEngines, REPO_ROOT } from "./support/opa";
import { promiseOf, runWithMocks } from "./support/pulumiMocks";
import { ES_KEY } from "./support/runTokenCases";

const SAMPLE_FILE = path.join(REPO_ROOT, "examples/bulk-onboarding/repositories.json");
const SHA = "89abcdef0123456789abcdef0123456789abcdef";

/** A clock that advances one second per reading, so durations in the lines are exact. */
function steppingClock(): () => number {
  let t = 0;
  return () => (t += 1000);
}

function problemsOf(raw: unknown): string[] {
  try {
    parseOnboardingFile(raw, "repositories.json");
  } catch (error) {
    assert.ok(error instanceof OnboardingFileError, String(error));
    return error.problems;
  }
  assert.fail("the file was accepted");
}

describe("onboard: the repositories file", () => {
  it("the sample file in examples/ is valid", () => {
    const file = parseOnboardingFile(JSON.parse(readFileSync(SAMPLE_FILE, "utf8")), SAMPLE_FILE);
    assert.deepEqual(
      file.repositories.map((r) => r.repository),
      ["billing", "search", "identity"],
    );
  });

  it("reports every problem at once, each naming the field, the problem and the fix", () => {
    const problems = problemsOf({
      spaceliftEndpoint: "http://acme.app.spacelift.io",
      algorithm: "RS256",
      extra: true,
      repositories: [
        { owner: "acme corp", stacks: [{ id: "Not A Slug" }] },
        { owner: "acme", repository: "search", stacks: [] },
        { owner: "acme", repository: "billing", stacks: [{ id: "shared-prod" }], team: "x" },
        { owner: "acme", repository: "identity", stacks: [{ id: "shared-prod" }] },
        { owner: "acme", repository: "billing", stacks: [{ id: "billing-dev" }] },
      ],
    });
    assert.deepEqual(
      problems.map((p) => p.split(":")[0]),
      [
        "spaceliftEndpoint",
        "algorithm",
        "repositories[0].owner",
        "repositories[0].repository",
        "repositories[0].stacks[0].id",
        "repositories[1].stacks",
        "repositories[2].team",
        "extra",
        "repositories[3].stacks[0].id",
        "repositories[4]",
      ],
    );
    for (const problem of problems) assert.match(problem, /^\S+: .+\. Fix: .+/, problem);
    assert.match(
      problems[7],
      /^extra: is not a known field\. Fix: remove it or fix its spelling; the known fields here are spaceliftEndpoint, algorithm, workerPool, repositories$/,
    );
    assert.match(problems[3], /^repositories\[0\]\.repository: is missing\. Fix: /);
    assert.match(problems[4], /^repositories\[0\]\.stacks\[0\]\.id: "Not A Slug" is not a Spacelift stack id/);
    assert.match(problems[0], /^spaceliftEndpoint: "http:\/\/acme\.app\.spacelift\.io" does not use https/);
    assert.match(problems[8], /stack "shared-prod" is also listed under repositories\[2\]/);
    assert.match(problems[9], /repository "acme\/billing" is listed again \(first at repositories\[2\]\)/);
  });

  it("a missing endpoint and list read 'is missing'; a file that is not an object says so", () => {
    assert.deepEqual(
      problemsOf({}).map((p) => p.split(".")[0]),
      ["spaceliftEndpoint: is missing", "repositories: is missing"],
    );
    assert.match(problemsOf([]).join("\n"), /^\(the file\): "\[\]" is not an object\. Fix: give an object such as /);
  });

  it("the bin lists every problem and exits 2 before it looks for Pulumi", () => {
    const directory = temporaryDirectory("onboard-bad-file");
    writeFileSync(
      path.join(directory, "repositories.json"),
      JSON.stringify({
        spaceliftEndpoint: "https://acme.app.spacelift.io",
        repositories: [{ owner: "-x", repository: "a/b", stacks: [{ id: "ok" }] }],
      }),
    );
    const result = runCli(["onboard", "--repositories", "repositories.json"], { cwd: directory });
    assert.equal(result.status, 2);
    assert.equal(
      result.stderr.split("\n").slice(0, 3).join("\n"),
      'error: repositories.json: 2 problem(s):\n  repositories[0].owner: "-x" is not a GitHub user or organization name. Fix: use the owner part of the repository URL (letters, digits and single hyphens, at most 39 characters), e.g. "acme"\n  repositories[0].repository: "a/b" is not a GitHub repository name. Fix: give the name without the owner (put the owner in github.owner)',
    );
    assert.doesNotMatch(result.stderr, /pulumi/i);
  });
});

describe("onboard: prerequisites", () => {
  it("without the Pulumi CLI: one error naming it and the fix, nothing started", () => {
    const directory = temporaryDirectory("onboard-no-pulumi");
    const result = runCli(["onboard", "--repositories", SAMPLE_FILE, "--backend", `file://${directory}/state`], {
      cwd: directory,
    });
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stdout, "");
    assert.equal(
      result.stderr,
      "error: pulumi: the Pulumi CLI is not on PATH; onboard drives it through the Automation API. Fix: install it (curl -fsSL https://get.pulumi.com | sh, or the pulumi/actions step in a GitHub workflow) and put it on PATH\n",
    );
  });

  it("the backend: --backend, else $PULUMI_BACKEND_URL, else a local directory made absolute; anything else is refused with the schemes", () => {
    assert.deepEqual(resolveBackend("s3://acme-pulumi-state", {}), { url: "s3://acme-pulumi-state", local: false });
    assert.deepEqual(resolveBackend(undefined, { PULUMI_BACKEND_URL: "gs://acme-state" }), {
      url: "gs://acme-state",
      local: false,
    });
    assert.deepEqual(resolveBackend(undefined, {}), { url: `file://${path.resolve(".pulumi-state")}`, local: true });
    assert.deepEqual(resolveBackend("file://state", {}), { url: `file://${path.resolve("state")}`, local: true });
    assert.throws(() => resolveBackend("/var/state", {}), {
      message: /^--backend: "\/var\/state" is not a Pulumi backend URL\. Fix: use a bucket such as s3:\/\//,
    });
    assert.throws(() => resolveBackend(undefined, { PULUMI_BACKEND_URL: "s3://" }), {
      message: /^PULUMI_BACKEND_URL: "s3:\/\/" is not/,
    });
  });
});

describe("onboard: the loop under mocks", () => {
  const list = JSON.parse(readFileSync(SAMPLE_FILE, "utf8")) as {
    spaceliftEndpoint: string;
    repositories: RepositoryEntry[];
  };
  const settings: OnboardingSettings = { spaceliftEndpoint: list.spaceliftEndpoint };

  /** The runner the tests use: the real inline programs, each under Pulumi's mocks instead of the engine. */
  function mockRunner(previous: Map<string, TrustedKey[]> = new Map()) {
    const signingKeys = new Map<string, string>();
    const pools: RepositoryGrant[][] = [];
    const runner: OnboardingRunner = {
      existingWorkerPoolId: async () => undefined,
      async upRepository(entry, workerPoolId) {
        let declared!: ReturnType<typeof declareRepository>;
        await runWithMocks(() => (declared = declareRepository(entry, settings, workerPoolId)).repository, {
          seed: repositoryStackName(entry),
        });
        signingKeys.set(entry.repository, (await promiseOf(declared.repository.signingKeys)).tracked.main);
        return promiseOf(declared.outputs.trustedKeys);
      },
      previousTrustedKeys: async (entry) => previous.get(repositoryStackName(entry)),
      async upPool(grants) {
        pools.push(grants);
        let declared!: ReturnType<typeof declareSharedPool>;
        await runWithMocks(() => (declared = declareSharedPool(grants, settings)).pool, { seed: "pool" });
        return { workerPoolId: await promiseOf(declared.outputs.workerPoolId) };
      },
    };
    return { runner, signingKeys, pools };
  }

  it("a line per repository as it starts and as it ends, the pool, and a summary with counts and total time; the pool grants each repository its own stacks (real OPA)", async () => {
    const { runner, signingKeys, pools } = mockRunner();
    const lines: string[] = [];
    const result = await onboardRepositories(list.repositories, runner, (line) => lines.push(line), steppingClock());
    assert.equal(result.failed.length, 0, JSON.stringify(result.failed));
    assert.equal(lines.length, 2 * list.repositories.length + 2);
    list.repositories.forEach((entry, i) => {
      assert.equal(
        lines[2 * i],
        `[${i + 1}/3] acme/${entry.repository}: starting, ${entry.stacks.length} stack(s) (${entry.stacks.map((s) => s.id).join(", ")})`,
      );
      assert.equal(
        lines[2 * i + 1],
        `[${i + 1}/3] acme/${entry.repository}: onboarded in 1.0s, keys ${[proposedKeyId("acme", entry.repository, "1"), ...[...new Set(entry.stacks.map((s) => s.branch ?? "main"))].map((branch) => trackedKeyId("acme", entry.repository, branch, "1"))].join(", ")}`,
      );
    });
    assert.match(lines[6], /^pool: \S+ trusts 7 key\(s\) of 3 repositories, each for its own stacks/);
    assert.deepEqual(
      pools[0].map((g) => [g.repository, g.stacks]),
      list.repositories.map((entry) => [`acme/${entry.repository}`, entry.stacks.map((s) => s.id)]),
    );
    // Readings: start, then two per repository, then the end.
    assert.equal(lines[7], "summary: 3 of 3 repositories onboarded, 0 failed; pool updated; 7.0s in total");
    assert.equal(result.elapsedMs, 7000);

    let policy!: pulumi.Output<string>;
    await runWithMocks(
      () => {
        const declared = declareSharedPool(pools[0], settings);
        policy = declared.outputs.initializationPolicy;
        return declared.pool;
      },
      { seed: "pool" },
    );
    const policyText = await promiseOf(policy);
    const billingKid = trackedKeyId("acme", "billing", "main", "1");
    assert.ok(result.onboarded.find((o) => o.repository === "acme/billing")!.kids.includes(billingKid));
    const token = await signRunToken({
      key: { kid: billingKid, algorithm: "ES256", privateKeyPem: signingKeys.get("billing")! },
      commitSha: SHA,
      stack: "billing-prod",
      runType: "TRACKED",
      branch: "main",
    });
    const input = (stack: string) => ({
      run: { commit: { hash: SHA }, user_provided_metadata: [token] },
      static_run_environment: { stack_slug: stack, commit_sha: SHA, commit_branch: "-", run_type: "TRACKED" },
    });
    for (const engine of opaEngines()) {
      assert.deepEqual(
        evaluateDeny(engine, policyText, input("billing-prod")),
        [],
        `${engine.name} denied billing's own stack`,
      );
      assert.ok(
        evaluateDeny(engine, policyText, input("search-prod")).length > 0,
        `${engine.name} let billing's key sign for search's stack`,
      );
    }
  });

  it("a failing repository is reported with its time and does not stop the others; its earlier keys stay trusted for its own stacks", async () => {
    const broken: RepositoryEntry = { owner: "acme", repository: "broken", stacks: [{ id: "broken-prod" }] };
    const earlier: TrustedKey = {
      kid: "acme.broken:proposed:1",
      algorithm: "ES256",
      publicKeyPem: "(from an earlier run)",
      stacks: ["broken-prod"],
      runTypes: ["PROPOSED"],
    };
    const { runner, pools } = mockRunner(new Map([[repositoryStackName(broken), [earlier]]]));
    const repositories = [list.repositories[0], broken, list.repositories[2]];
    const lines: string[] = [];
    const failing: typeof runner = {
      ...runner,
      upRepository: (entry, workerPoolId) =>
        entry.repository === "broken"
          ? Promise.reject(new Error("GitHub: 403 Resource not accessible by integration"))
          : runner.upRepository(entry, workerPoolId),
      upPool: async (grants) => (pools.push(grants), { workerPoolId: "01HPOOL" }),
    };
    const result = await onboardRepositories(repositories, failing, (line) => lines.push(line), steppingClock());
    assert.deepEqual(
      result.onboarded.map((o) => o.repository),
      ["acme/billing", "acme/identity"],
    );
    assert.equal(result.failed.length, 1);
    assert.equal(lines[2], "[2/3] acme/broken: starting, 1 stack(s) (broken-prod)");
    assert.match(
      lines[3],
      /^\[2\/3\] acme\/broken: FAILED after 1\.0s: GitHub: 403 .*its keys from the last successful run stay trusted/,
    );
    assert.match(lines[5], /^\[3\/3\] acme\/identity: onboarded in 1\.0s/);
    assert.deepEqual(
      pools[0].map((g) => [g.repository, g.stacks, g.trustedKeys.length]),
      [
        ["acme/billing", list.repositories[0].stacks.map((s) => s.id), 2],
        ["acme/broken", ["broken-prod"], 1],
        ["acme/identity", list.repositories[2].stacks.map((s) => s.id), 2],
      ],
    );
    assert.equal(
      lines.at(-1),
      "summary: 2 of 3 repositories onboarded, 1 failed (acme/broken); pool updated; 7.0s in total",
    );
  });

  it("the pool refuses grants that give one stack to two repositories, before any resource, naming every problem", async () => {
    const keys: TrustedKey[] = [
      { kid: "k", algorithm: "ES256", publicKeyPem: ES_KEY.publicKeyPem, stacks: ["a"], runTypes: ["PROPOSED"] },
    ];
    const run = await runWithMocks(() => {
      assert.throws(
        () =>
          declareSharedPool(
            [
              { repository: "acme/one", stacks: ["a", "b"], trustedKeys: keys },
              { repository: "acme/two", stacks: ["a"], trustedKeys: keys },
              { repository: "acme/three", stacks: ["b"], trustedKeys: keys },
            ],
            settings,
          ),
        {
          name: "SignedRunsInputError",
          message:
            /^repositories\[1\]\.stacks\[0\]: stack "a" is granted to acme\/one too\. Fix: .*\nrepositories\[2\]\.stacks\[0\]: stack "b" is granted to acme\/one too\. Fix: /,
        },
      );
    });
    assert.deepEqual(run.resources, []);
  });

  it("a failing pool is reported in the summary", async () => {
    const { runner } = mockRunner();
    const lines: string[] = [];
    const result = await onboardRepositories(
      [list.repositories[0]],
      { ...runner, upPool: async () => Promise.reject(new Error("pool: quota exceeded\nmore detail")) },
      (line) => lines.push(line),
      steppingClock(),
    );
    assert.deepEqual(result.pool, { error: "pool: quota exceeded | more detail" });
    assert.equal(lines.at(-1), "summary: 1 of 1 repositories onboarded, 0 failed; pool FAILED; 3.0s in total");
  });
});
