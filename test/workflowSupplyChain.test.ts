/**
 * The install step, executed without network: the curl stand-in serves a local
 * zip for the release URL. A digest mismatch must stop the job before any
 * spacectl runs; a match must install and use the downloaded binary.
 * And the OIDC mode, executed: the job gets a GitHub OIDC token and Spacelift
 * receives it as the API key secret; no Spacelift credential is a GitHub secret.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { decodeJwt } from "jose";
import {
  PINNED_SPACECTL_LINUX_AMD64_SHA256,
  PINNED_SPACECTL_VERSION,
  renderWorkflows,
} from "../components/workflow/renderWorkflows";
import { spacectlReleaseUrl } from "../components/workflow/spacectlRelease";
import { buildSpacectlStandInArchive } from "./support/githubWorkflowHarness";
import { assertAllowedEverywhere } from "./support/opa";
import {
  ENDPOINT,
  OIDC_API_KEY_ID,
  executePush,
  githubFor,
  policyFor,
  randomSha,
  repositoryKeys,
  signingFor,
  singleStackWorkflow,
} from "./support/workflowTestbed";

const STACKS = [{ id: "net-prod", branch: "main" }];
const scratch = mkdtempSync(path.join(os.tmpdir(), "signed-runs-downloads-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("installing spacectl", () => {
  test("the pinned release's URL serving other bytes fails the digest check: the job stops before any spacectl runs", async () => {
    const keys = repositoryKeys("HS256");
    // A local archive cannot have the real release's digest, so this is the mismatch case.
    const archive = buildSpacectlStandInArchive(scratch, PINNED_SPACECTL_VERSION);
    assert.notEqual(archive.sha256, PINNED_SPACECTL_LINUX_AMD64_SHA256);
    const { job, api } = await executePush(singleStackWorkflow(keys), STACKS, {
      push: { branch: "main", sha: randomSha() },
      ...githubFor(keys),
      downloads: { [spacectlReleaseUrl(PINNED_SPACECTL_VERSION)]: archive.file },
    });
    assert.equal(job.conclusion, "failure");
    assert.equal(job.steps[0].outcome, "failure");
    assert.match(job.steps[0].stdout + job.steps[0].stderr, /FAILED/);
    assert.deepEqual(
      job.steps.slice(1).map((step) => step.outcome),
      ["skipped", "skipped"],
    );
    assert.deepEqual(job.spacectlInvocations, [], "a spacectl ran although its archive failed verification");
    assert.deepEqual(api.requests, []);
    assert.deepEqual(
      job.curlInvocations.map((call) => call.argv.at(-1)),
      [spacectlReleaseUrl(PINNED_SPACECTL_VERSION)],
    );
    // The download is https-only and fails on HTTP errors.
    const argv = job.curlInvocations[0].argv;
    for (const flag of ["--fail", "--proto", "=https", "--tlsv1.2"])
      assert.ok(argv.includes(flag), `curl is called without ${flag}`);
  });

  test("an archive whose digest matches the pinned one is unpacked, put on PATH and used", async () => {
    const keys = repositoryKeys("ES256");
    const version = "9.8.7";
    const archive = buildSpacectlStandInArchive(scratch, version);
    const workflow = singleStackWorkflow(keys, { spacectlVersion: version, spacectlSha256: archive.sha256 });
    const sha = randomSha();
    const { job, api } = await executePush(workflow, STACKS, {
      push: { branch: "main", sha },
      ...githubFor(keys),
      // A spacectl of another version on the runner must not be used.
      preinstalledSpacectlVersion: "1.0.0",
      downloads: { [spacectlReleaseUrl(version)]: archive.file },
    });
    assert.equal(job.conclusion, "success", job.steps.map((step) => step.stdout + step.stderr).join("\n"));
    assert.match(job.steps[0].stdout, /Installed spacectl 9\.8\.7 \(SHA-256 verified\)/);
    assert.deepEqual(
      job.spacectlInvocations.map((call) => [call.label, call.argv.slice(0, 2).join(" ")]),
      [
        ["preinstalled", "version"],
        ["downloaded", "stack deploy"],
      ],
    );
    assert.equal(api.runs.length, 1);
    assert.equal(api.runs[0].sha, sha);
  });

  test("a spacectl of the pinned version already on the runner is used and nothing is downloaded", async () => {
    const keys = repositoryKeys("HS256");
    const { job, api } = await executePush(singleStackWorkflow(keys), STACKS, {
      push: { branch: "main", sha: randomSha() },
      ...githubFor(keys),
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    });
    assert.equal(job.conclusion, "success");
    assert.deepEqual(job.curlInvocations, []);
    assert.deepEqual(
      job.spacectlInvocations.map((call) => [call.label, call.argv[0]]),
      [
        ["preinstalled", "version"],
        ["preinstalled", "stack"],
      ],
    );
    assert.equal(api.runs.length, 1);
  });

  test("a runner other than Linux X64 is refused instead of running an unverified binary", async () => {
    const keys = repositoryKeys("HS256");
    const { job, api } = await executePush(singleStackWorkflow(keys), STACKS, {
      push: { branch: "main", sha: randomSha() },
      ...githubFor(keys),
      runner: { arch: "ARM64" },
    });
    assert.equal(job.steps[0].outcome, "failure");
    assert.match(job.steps[0].stdout, /Linux X64/);
    assert.deepEqual(job.curlInvocations, []);
    assert.deepEqual(api.requests, []);
  });
});

describe("OIDC mode, executed", () => {
  for (const audience of [undefined, "spacelift-ci"]) {
    test(`the job's GitHub OIDC token (audience ${audience ?? "default: the endpoint host"}) is the API key secret, and the run's token passes OPA`, async () => {
      const keys = repositoryKeys("ES256");
      const [file] = renderWorkflows({
        stacks: [{ id: "net-prod" }],
        signing: signingFor(keys),
        spacelift: { endpoint: ENDPOINT, auth: { type: "oidc", apiKeyId: OIDC_API_KEY_ID, audience } },
      });
      const expectedAudience = audience ?? new URL(ENDPOINT).hostname;
      const sha = randomSha();
      const { job, api } = await executePush(
        file.content,
        STACKS,
        // Only the signing keys are GitHub secrets.
        {
          push: { branch: "main", sha },
          ...githubFor(keys, false),
          preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
        },
        // Like Spacelift, accept the OIDC key's id with a token for its audience.
        (id, secret) => id === OIDC_API_KEY_ID && decodeJwt(secret).aud === expectedAudience,
      );
      assert.equal(
        job.conclusion,
        "success",
        job.steps.map((step) => `${step.name}\n${step.stdout}${step.stderr}`).join("\n"),
      );
      assert.equal(job.oidcTokensIssued.length, 1);
      assert.equal(job.oidcTokensIssued[0].audience, expectedAudience);
      const exchange = api.requests.find((request) => request.operation === "apiKeyUser");
      assert.deepEqual(exchange?.body?.variables, { id: OIDC_API_KEY_ID, secret: job.oidcTokensIssued[0].token });
      assert.ok(!job.visibleLog.includes(job.oidcTokensIssued[0].token), "the OIDC token is visible in the log");
      assert.equal(api.runs.length, 1);
      const run = api.runs[0];
      assert.equal(run.runType, "TRACKED");
      // The tracked job names an environment, so GitHub's OIDC subject names it instead of the ref.
      assert.equal(decodeJwt(job.oidcTokensIssued[0].token).sub, "repo:acme/infrastructure:environment:spacelift-main");
      assertAllowedEverywhere(policyFor(keys, STACKS), api.launcherInput(run));
    });
  }

  test("without id-token: write the OIDC step fails clearly (the harness gives no token endpoint)", async () => {
    const keys = repositoryKeys("HS256");
    const [file] = renderWorkflows({
      stacks: [{ id: "net-prod" }],
      signing: signingFor(keys),
      spacelift: { endpoint: ENDPOINT, auth: { type: "oidc", apiKeyId: OIDC_API_KEY_ID } },
    });
    const withoutPermission = file.content.replace(/\n {2}# Lets the job ask GitHub[^\n]*\n {2}id-token: write/, "");
    assert.notEqual(withoutPermission, file.content);
    const { job, api } = await executePush(withoutPermission, STACKS, {
      push: { branch: "main", sha: randomSha() },
      ...githubFor(keys, false),
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    });
    assert.equal(job.conclusion, "failure");
    const oidcStep = job.steps.find((step) => step.name.startsWith("Get a GitHub OIDC token"));
    assert.equal(oidcStep?.outcome, "failure");
    assert.match(oidcStep?.stderr ?? "", /needs permissions: id-token: write/);
    assert.deepEqual(api.requests, []);
  });
});
