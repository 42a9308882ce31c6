/**
 * docs/workflow.md's known limit, executed: a tracked run whose token expired
 * while it waited for confirmation is confirmed with a fresh token from
 * `spacelift-signed-runs sign`, passed with `spacectl stack confirm
 * --run-metadata`; Spacelift appends it to the run's metadata, and real OPA
 * allows the run again. spacectl is the test-only stand-in.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { signRunToken } from "../components/runToken/runToken";
import { runCli, signArgs, temporaryDirectory } from "./support/cli";
import { FakeSpaceliftApi } from "./support/fakeSpaceliftApi";
import { assertAllowedEverywhere, assertDeniedEverywhere } from "./support/opa";
import { API_KEY_ID, ENDPOINT, policyFor, randomSha, repositoryKeys } from "./support/workflowTestbed";

const run = promisify(execFile);
const STACKS = [{ id: "net-prod", branch: "main" }];

test("a run confirmed after its token expired carries the fresh token passed with spacectl stack confirm --run-metadata, and is allowed again", async () => {
  const keys = repositoryKeys("ES256");
  const tracked = keys.tracked.get("main")!;
  const policy = policyFor(keys, STACKS);
  const apiSecret = "api-secret-confirm";
  const api = await FakeSpaceliftApi.start({
    stacks: STACKS,
    acceptApiKey: (id, secret) => id === API_KEY_ID && secret === apiSecret,
  });
  try {
    const env = {
      PATH: process.env.PATH ?? "",
      SPACELIFT_API_KEY_ENDPOINT: ENDPOINT,
      SPACELIFT_API_KEY_ID: API_KEY_ID,
      SPACELIFT_API_KEY_SECRET: apiSecret,
      SPACECTL_STAND_IN_API_URL: api.url,
    };
    const spacectl = (args: string[]) =>
      run(process.execPath, [path.join(__dirname, "support", "spacectlStandIn.js"), ...args], { env });
    const sha = randomSha();
    // The workflow's token, signed two hours ago with a one-hour lifetime: expired by the time the run is confirmed.
    const stale = await signRunToken({
      key: { kid: tracked.kid, algorithm: "ES256", privateKeyPem: tracked.secretValue },
      commitSha: sha,
      stack: "net-prod",
      runType: "TRACKED",
      branch: "main",
      now: Math.floor(Date.now() / 1000) - 7200,
      lifetimeSeconds: 3600,
    });
    await spacectl(["stack", "deploy", "--id", "net-prod", "--sha", sha, "--run-metadata", stale]);
    const [recorded] = api.runs;
    assertDeniedEverywhere(policy, api.launcherInput(recorded));

    // The documented command: whoever holds the tracked key signs a fresh token for the same run.
    const directory = temporaryDirectory("confirm");
    const keyFile = path.join(directory, "tracked-main.key");
    writeFileSync(keyFile, tracked.secretValue, { mode: 0o600 });
    // Signs a TRACKED token for net-prod at sha, as the documented command does.
    const signTracked = (key: string, kid: string): string => {
      const signed = runCli(signArgs(key, kid, { stack: "net-prod", sha, runType: "TRACKED", branch: "main" }));
      assert.equal(signed.status, 0, signed.stderr);
      return signed.stdout.trim();
    };
    const fresh = signTracked(keyFile, tracked.kid);
    const confirmed = await spacectl([
      "stack",
      "confirm",
      "--id",
      "net-prod",
      "--run",
      recorded.id,
      "--run-metadata",
      fresh,
    ]);
    assert.match(confirmed.stdout, /successfully confirmed/);
    const confirm = api.requests.find((request) => request.operation === "runConfirm");
    assert.deepEqual(confirm?.body?.variables, { stack: "net-prod", run: recorded.id });
    assert.deepEqual(api.runs[0].confirmations, [fresh]);
    const input = api.launcherInput(api.runs[0]);
    assert.deepEqual(input.run?.user_provided_metadata, [stale, fresh]);
    assertAllowedEverywhere(policy, input);
    // A fresh token from the proposed key does not revive it.
    const proposedFile = path.join(directory, "proposed.key");
    writeFileSync(proposedFile, keys.proposed.secretValue, { mode: 0o600 });
    const forged = signTracked(proposedFile, keys.proposed.kid);
    assertDeniedEverywhere(
      policy,
      api.launcherInput({ ...api.runs[0], confirmations: [forged] }),
      /may not sign run type "TRACKED"/,
    );
  } finally {
    await api.close();
  }
});
