/**
 * The stand-ins under the real Pulumi engine (test/fixtures/standins): every resource the component uses goes
 * up, a second preview changes nothing, the state holds no plaintext secret, a misspelled or mistyped property
 * fails, and `destroy` leaves the fake GitHub and the fake Spacelift empty.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  FAKE_GITHUB_ENV,
  FAKE_SPACELIFT_ENV,
  fakeGithubLeftovers,
  fakeSpaceliftLeftovers,
  readFakeGithub,
  readFakeSpacelift,
  seedFakeGithub,
  seedFakeSpacelift,
  spaceliftProviderPath,
  standinEnv,
  standinPlugins,
} from "./support/standins";
import * as engine from "./support/engine";

test("stand-ins under the real engine: up, no-change preview, no plaintext secret in state, misspelled properties fail, destroy empties the fake worlds", async () => {
  const worlds = mkdtempSync(path.join(tmpdir(), "signed-runs-worlds-"));
  const env = standinEnv(worlds);
  seedFakeGithub(env[FAKE_GITHUB_ENV], [{ fullName: "acme/infra", branches: ["main", "staging"] }], {
    users: [101],
    teams: [202],
  });
  seedFakeSpacelift(env[FAKE_SPACELIFT_ENV], [{ id: "existing-prod", repository: "infra", branch: "main" }]);
  const ws = await engine.createEngineWorkspace({
    fixture: "standins",
    nodeModules: ["@pulumi/github", "@pulumi/random", "@pulumi/tls"],
    plugins: standinPlugins(),
    env,
  });
  try {
    for (const [key, value] of Object.entries({
      owner: "acme",
      repository: "infra",
      existingStack: "existing-prod",
      bridgeVersion: engine.BRIDGE_PLUGIN_VERSION,
      spaceliftProvider: spaceliftProviderPath(),
    })) {
      await engine.setConfig(ws, key, value);
    }
    await engine.up(ws);

    const gh = readFakeGithub(env[FAKE_GITHUB_ENV]).repositories["acme/infra"];
    assert.deepEqual(Object.keys(gh.secrets), ["SIGNED_RUNS_HS256"]);
    assert.equal(gh.branches.main.files[".github/workflows/signed-runs.yml"]?.content, "name: signed runs\non: push\n");
    const tracked = gh.environments["spacelift-main"];
    assert.deepEqual(Object.values(tracked.branchPolicies), [{ name: "main", type: "branch" }]);
    assert.deepEqual(Object.keys(tracked.secrets), ["SIGNED_RUNS_ES256"]);
    assert.equal(tracked.preventSelfReview, true);
    assert.deepEqual(tracked.reviewers, [
      { type: "User", id: 101 },
      { type: "Team", id: 202 },
    ]);
    const sl = readFakeSpacelift(env[FAKE_SPACELIFT_ENV]);
    assert.deepEqual(
      Object.values(sl.policies).map((p) => [p.name, p.type, p.engineType]),
      [["standins push", "GIT_PUSH", "REGO_V1"]],
    );
    assert.deepEqual(
      Object.values(sl.attachments)
        .map((a) => a.stackId)
        .sort(),
      ["existing-prod", "standins-app"],
    );
    assert.equal(Object.keys(sl.workerPools).length, 1);

    await engine.previewExpectNoChanges(ws);

    // Every secret value, read back through the engine, is absent from the state and the backend's files.
    const secrets = await engine.stackOutputs(ws, { showSecrets: true });
    const plain = await engine.stackOutputs(ws);
    const { text } = await engine.stackExport(ws);
    const files = engine.backendFilesText(ws);
    for (const name of ["hs256", "es256Private", "poolConfig", "poolPrivateKey"]) {
      const value = secrets[name];
      assert.equal(typeof value, "string", `${name} has a value`);
      assert.ok((value as string).length >= 32, `${name} is a real value`);
      assert.equal(plain[name], "[secret]", `${name} is a secret output`);
      assert.ok(
        !text.includes(value as string) && !files.includes(value as string),
        `${name} appears in plaintext in the state`,
      );
    }
    assert.match(secrets.es256Private as string, /^-----BEGIN PRIVATE KEY-----\n/);
    // The scan can find things: a public value is there in plaintext.
    assert.ok(text.includes(JSON.stringify(secrets.es256Public).slice(1, 40)), "the scan sees plain values");

    for (const [typo, property] of [
      ["github", "secret_name"],
      ["mistyped", "content"],
      ["random", "lenght"],
      ["tls", "ecdsa_curve"],
      ["spacelift", "body"],
      ["spaceliftMistyped", "labels"],
      ["spaceliftEnum", "REGO_V2"],
    ]) {
      await engine.setConfig(ws, "typo", typo);
      const result = await engine.up(ws, { allowFailure: true });
      assert.notEqual(result.code, 0, `${typo}: up accepted a bad property:\n${result.stdout}`);
      assert.match(
        `${result.stdout}\n${result.stderr}`,
        new RegExp(property),
        `${typo}: the failure names ${property}`,
      );
    }
    await engine.setConfig(ws, "typo", "");
    await engine.previewExpectNoChanges(ws);

    await engine.destroy(ws);
    assert.deepEqual(fakeGithubLeftovers(readFakeGithub(env[FAKE_GITHUB_ENV])), []);
    assert.deepEqual(fakeSpaceliftLeftovers(readFakeSpacelift(env[FAKE_SPACELIFT_ENV])), []);
    assert.deepEqual(ws.survivors, [], "no process outlived an engine command");
  } finally {
    const left = await ws.close();
    rmSync(worlds, { recursive: true, force: true });
    assert.deepEqual(left, [], "no process was left when the workspace closed");
  }
});
