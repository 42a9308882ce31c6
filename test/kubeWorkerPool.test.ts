/**
 * Spacelift's WorkerPool CRD in a real kube-apiserver: the API server itself applies
 * the CRD's OpenAPI schema, its CEL rule and strict field validation, and kubectl
 * reads back what it stored. No controller runs, so nothing here starts a pod.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { startKubeApiServer, type KubeApiServer } from "./support/kubeApiServer";

const NAMESPACE = "spacelift";
const CREDENTIALS = "signed-runs-pool-credentials";
const POLICY = "signed-runs-initialization-policy";
const POLICY_DIR = "/opt/spacelift/policies/initialization";

type Json = Record<string, unknown>;

function workerPool(name: string, spec: Json): Json {
  return {
    apiVersion: "workers.spacelift.io/v1beta1",
    kind: "WorkerPool",
    metadata: { name, namespace: NAMESPACE },
    spec,
  };
}

function validSpec(): Json {
  return {
    poolSize: 2,
    token: { secretKeyRef: { name: CREDENTIALS, key: "token" } },
    privateKey: { secretKeyRef: { name: CREDENTIALS, key: "privateKey" } },
    pod: {
      initContainer: {
        env: [
          { name: "SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY", value: `${POLICY_DIR}/initialization-policy.rego` },
        ],
        volumeMounts: [{ name: "initialization-policy", mountPath: POLICY_DIR, readOnly: true }],
      },
      volumes: [{ name: "initialization-policy", secret: { secretName: POLICY } }],
    },
  };
}

describe("Spacelift's WorkerPool CRD in a real kube-apiserver", () => {
  let server: KubeApiServer;

  before(async () => {
    server = await startKubeApiServer();
    server.kubectlOk(["create", "namespace", NAMESPACE]);
    // Placeholder credentials: the API server does not resolve secretKeyRefs, but a pool's Secret exists in real use.
    server.kubectlOk([
      "create",
      "secret",
      "generic",
      CREDENTIALS,
      "-n",
      NAMESPACE,
      `--from-literal=token=${randomBytes(8).toString("hex")}`,
      `--from-literal=privateKey=${randomBytes(8).toString("hex")}`,
    ]);
  });

  after(async () => {
    await server?.stop();
  });

  it("serves the CRD's one version, workers.spacelift.io/v1beta1, namespaced", () => {
    const resources = server.kubectlOk([
      "api-resources",
      "--api-group=workers.spacelift.io",
      "-o",
      "wide",
      "--no-headers",
    ]);
    assert.match(resources, /^workerpools\s+workers\.spacelift\.io\/v1beta1\s+true\s+WorkerPool\s/m);
  });

  it("accepts a valid pool with credentials, the policy mount and the variable, and kubectl reads it back unchanged", () => {
    const spec = validSpec();
    server.kubectlOk(["create", "--validate=strict", "-f", "-"], { input: JSON.stringify(workerPool("valid", spec)) });
    const stored = JSON.parse(server.kubectlOk(["get", "workerpool", "valid", "-n", NAMESPACE, "-o", "json"])) as {
      spec: Json;
    };
    // The API server may add defaults the CRD declares (a secretKeyRef's name defaults to ""), never drop or change ours.
    assert.deepEqual(stored.spec.token, spec.token);
    assert.deepEqual(stored.spec.privateKey, spec.privateKey);
    assert.equal(stored.spec.poolSize, 2);
    const pod = stored.spec.pod as { initContainer: Json; volumes: Json[] };
    const wanted = spec.pod as { initContainer: Json; volumes: Json[] };
    assert.deepEqual(pod.initContainer.env, wanted.initContainer.env);
    assert.deepEqual(pod.initContainer.volumeMounts, wanted.initContainer.volumeMounts);
    assert.deepEqual(pod.volumes, wanted.volumes);
    const variable = server.kubectlOk([
      "get",
      "workerpool",
      "valid",
      "-n",
      NAMESPACE,
      "-o",
      "jsonpath={.spec.pod.initContainer.env[0].value}",
    ]);
    assert.equal(variable, `${POLICY_DIR}/initialization-policy.rego`);
  });

  for (const only of ["token", "privateKey"] as const) {
    it(`rejects a pool with ${only} but not the other (the CRD's CEL rule)`, () => {
      const spec = validSpec();
      delete spec[only === "token" ? "privateKey" : "token"];
      const name = `only-${only.toLowerCase()}`;
      const result = server.kubectl(["create", "--validate=strict", "-f", "-"], {
        input: JSON.stringify(workerPool(name, spec)),
      });
      assert.notEqual(result.status, 0, result.stdout);
      assert.match(result.stderr, /token and privateKey must both be set or both be unset/);
      assert.match(server.kubectl(["get", "workerpool", name, "-n", NAMESPACE]).stderr, /NotFound|not found/);
    });
  }

  it("accepts a pool with neither token nor privateKey (the CEL rule's other half)", () => {
    const spec = validSpec();
    delete spec.token;
    delete spec.privateKey;
    server.kubectlOk(["create", "--validate=strict", "-f", "-"], {
      input: JSON.stringify(workerPool("no-credentials", spec)),
    });
    assert.equal(
      server.kubectlOk(["get", "workerpool", "no-credentials", "-n", NAMESPACE, "-o", "jsonpath={.spec.poolSize}"]),
      "2",
    );
  });

  it("rejects an unknown field under server-side strict field validation, naming it", () => {
    const spec = validSpec();
    // There is no image field on the init container: the launcher image is pod.launcherImage.
    (spec.pod as { initContainer: Json }).initContainer.image = "example.invalid/launcher:1";
    const result = server.kubectl(["create", "--validate=strict", "-f", "-"], {
      input: JSON.stringify(workerPool("unknown-field", spec)),
    });
    assert.notEqual(result.status, 0, result.stdout);
    assert.match(result.stderr, /unknown field "spec\.pod\.initContainer\.image"/);
    assert.match(server.kubectl(["get", "workerpool", "unknown-field", "-n", NAMESPACE]).stderr, /NotFound|not found/);
  });

  it("rejects a negative poolSize (the CRD's minimum)", () => {
    const spec = { ...validSpec(), poolSize: -1 };
    const result = server.kubectl(["create", "--validate=strict", "-f", "-"], {
      input: JSON.stringify(workerPool("negative", spec)),
    });
    assert.notEqual(result.status, 0, result.stdout);
    assert.match(
      result.stderr,
      /spec\.poolSize: Invalid value: -1: spec\.poolSize in body should be greater than or equal to 0/,
    );
  });

  it("applies the pool server-side as the Kubernetes provider does, with strict field validation", () => {
    const spec = validSpec();
    (spec.pod as Json).launcherImage = "example.invalid/launcher:1";
    server.kubectlOk(["apply", "--server-side", "--field-manager=signed-runs-tests", "--validate=strict", "-f", "-"], {
      input: JSON.stringify(workerPool("applied", spec)),
    });
    assert.equal(
      server.kubectlOk(["get", "workerpool", "applied", "-n", NAMESPACE, "-o", "jsonpath={.spec.pod.launcherImage}"]),
      "example.invalid/launcher:1",
    );
    (spec.pod as Json).launcherImages = "typo";
    const result = server.kubectl(
      ["apply", "--server-side", "--field-manager=signed-runs-tests", "--validate=strict", "-f", "-"],
      { input: JSON.stringify(workerPool("applied", spec)) },
    );
    assert.notEqual(result.status, 0, result.stdout);
    assert.match(result.stderr, /launcherImages/);
  });
});
