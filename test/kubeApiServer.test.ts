/**
 * The tests' Kubernetes API server (test/support/kubeApiServer.ts): loopback only,
 * bearer-token authentication with RBAC, and nothing left running after stop().
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { startKubeApiServer, type KubeApiServer } from "./support/kubeApiServer";

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

describe("the tests' kube-apiserver", () => {
  let server: KubeApiServer;

  before(async () => {
    server = await startKubeApiServer({ workerPoolCrd: false });
  });

  after(async () => {
    await server?.stop();
  });

  it("listens on the loopback address only", () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("authenticates the kubeconfig's token as a system:masters member", () => {
    const whoami = JSON.parse(server.kubectlOk(["auth", "whoami", "-o", "json"])) as {
      status: { userInfo: { username: string; groups: string[] } };
    };
    assert.equal(whoami.status.userInfo.username, "signed-runs-test-admin");
    assert.ok(whoami.status.userInfo.groups.includes("system:masters"));
  });

  it("refuses a wrong token (token file authentication, no anonymous access)", () => {
    const result = server.kubectl(["get", "namespaces", "--token=not-the-token"]);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /Unauthorized|must be logged in/);
  });

  it("authorizes with RBAC: a user without bindings is forbidden from reading Secrets", () => {
    const result = server.kubectl(["auth", "can-i", "get", "secrets", "--as=someone-else"]);
    assert.equal(result.stdout.trim(), "no");
    assert.equal(server.kubectl(["auth", "can-i", "get", "secrets"]).stdout.trim(), "yes");
  });

  it("stops etcd and kube-apiserver with their process groups and removes its directory", async () => {
    const groups = [...server.processGroups];
    assert.equal(groups.length, 2);
    for (const pgid of groups) assert.ok(groupAlive(pgid), `group ${pgid} runs before stop()`);
    await server.stop();
    for (const pgid of groups) assert.equal(groupAlive(pgid), false, `group ${pgid} is gone after stop()`);
    assert.equal(existsSync(server.directory), false);
  });
});
