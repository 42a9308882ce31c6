/**
 * launcher.kubernetes end to end, against real parts: the real Pulumi engine runs a program with a
 * SignedRunsWorkerPool (its Spacelift pool from the Spacelift stand-in through the real bridge), the real
 * Kubernetes provider (4.25.0) applies the objects to a real kube-apiserver with Spacelift's CRD, and
 * kubectl reads them back. Nothing reconciles the WorkerPool: Spacelift's controller is closed. No
 * kube-controller-manager runs either, so the one thing this API server cannot do by itself, finishing a
 * Namespace's deletion, is done by a stand-in for the namespace controller's last step (see
 * finalizeNamespaceWhenTerminating), which also checks that the Namespace was already empty.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { signRunToken } from "../components/runToken/runToken";
import type { TrustedKey } from "../components/policy/initializationPolicy";
import { KUBERNETES_POLICY_PATH, POLICY_KEY } from "../components/kubernetes/manifests";
import {
  createEngineWorkspace,
  destroy,
  previewExpectNoChanges,
  REPO_ROOT,
  setConfig,
  stackExport,
  stackOutputs,
  up,
  type EngineWorkspace,
} from "./support/engine";
import {
  finalizeNamespaceWhenTerminating,
  kubeBinary,
  startKubeApiServer,
  type KubeApiServer,
} from "./support/kubeApiServer";
import { assertAllowedEverywhere, assertDeniedEverywhere } from "./support/opa";
import { launcherInput } from "./support/runTokenCases";
import {
  FAKE_SPACELIFT_ENV,
  fakeSpaceliftLeftovers,
  readFakeSpacelift,
  spaceliftProviderPath,
  standinEnv,
  standinPlugins,
} from "./support/standins";

const NAMESPACE = "spacelift";
/** The namespace the component creates in the second half of the test. */
const CREATED_NAMESPACE = "signed-runs";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const KUBERNETES_PLUGIN_VERSION = readFileSync(
  path.join(REPO_ROOT, "tools", "go", "pulumi-kubernetes", "plugin-version"),
  "utf8",
).trim();

function es256Key(kid: string, runTypes: TrustedKey["runTypes"]) {
  const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const privateKeyPem = pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string;
  const trusted: TrustedKey = {
    kid,
    algorithm: "ES256",
    publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }) as string,
    stacks: ["app-prod"],
    runTypes,
  };
  return { trusted, signing: { kid, algorithm: "ES256" as const, privateKeyPem } };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function getJson(server: KubeApiServer, kind: string, name: string, namespace = NAMESPACE): Json {
  return JSON.parse(server.kubectlOk(["get", kind, name, "-n", namespace, "-o", "json"])) as Json;
}

/** Every WorkerPool and Secret in the cluster (this API server makes no Secrets of its own: no controllers run). */
function ourObjects(server: KubeApiServer): string[] {
  return server
    .kubectlOk([
      "get",
      "workerpools.workers.spacelift.io,secrets",
      "--all-namespaces",
      "-o",
      'jsonpath={range .items[*]}{.metadata.namespace}/{.kind}/{.metadata.name}{"\\n"}{end}',
    ])
    .split("\n")
    .filter((line) => line !== "")
    .sort();
}

/** The resources a `pulumi preview --json` would touch: every step that is not "same". */
async function changedResources(ws: EngineWorkspace): Promise<string[]> {
  const result = await ws.run(["preview", "--json", "--non-interactive", "--stack", ws.stack]);
  const steps = (JSON.parse(result.stdout) as { steps?: Array<{ op: string; urn: string }> }).steps ?? [];
  return steps
    .filter((step) => step.op !== "same")
    .map((step) => `${step.op} ${step.urn.split("::").pop()}`)
    .sort();
}

test("launcher.kubernetes under the real engine, the real Kubernetes provider and a real API server with Spacelift's CRD", async () => {
  kubeBinary("pulumi-resource-kubernetes");
  const server = await startKubeApiServer();
  server.kubectlOk(["create", "namespace", NAMESPACE]);
  const worlds = mkdtempSync(path.join(tmpdir(), "signed-runs-worlds-"));
  const env: Record<string, string> = {
    ...standinEnv(worlds),
    SPACELIFT_SIGNED_RUNS_TERRAFORM_PROVIDER_PATH: spaceliftProviderPath(),
  };
  let ws: EngineWorkspace | undefined;
  try {
    ws = await createEngineWorkspace({
      fixture: "kube-launcher",
      nodeModules: ["@pulumi/kubernetes"],
      plugins: [
        ...standinPlugins(),
        {
          kind: "resource",
          name: "kubernetes",
          version: KUBERNETES_PLUGIN_VERSION,
          file: kubeBinary("pulumi-resource-kubernetes"),
        },
      ],
      env,
    });
    const proposed = es256Key("acme-infra-proposed-1", ["PROPOSED"]);
    const tracked = es256Key("acme-infra-tracked-main-1", ["TRACKED", "TASK"]);
    await setConfig(ws, "componentModule", path.join(REPO_ROOT, "dist", "components", "index.js"));
    await setConfig(ws, "kubeconfig", server.kubeconfig);
    await setConfig(ws, "namespace", NAMESPACE);
    await setConfig(ws, "trustedKeys", JSON.stringify([proposed.trusted, tracked.trusted]));
    await up(ws);

    // What the API server stored.
    const pool = getJson(server, "workerpools.workers.spacelift.io", "signed-pool");
    assert.equal(pool.spec.poolSize, 3);
    assert.equal(pool.metadata.labels.team, "platform");
    const init = pool.spec.pod.initContainer;
    const variable = (init.env as Json[]).find((e) => e.name === "SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY");
    const mount = (init.volumeMounts as Json[]).find((m) => m.name === "signed-runs-initialization-policy");
    const volume = (pool.spec.pod.volumes as Json[]).find((v) => v.name === "signed-runs-initialization-policy");
    assert.ok(variable && mount && volume, JSON.stringify(pool.spec.pod));
    assert.equal(mount.readOnly, true);
    assert.equal(`${mount.mountPath}/${POLICY_KEY}`, variable.value, "the variable names the mounted file");
    assert.equal(variable.value, KUBERNETES_POLICY_PATH);
    const policySecret = getJson(server, "secret", volume.secret.secretName);
    assert.deepEqual(
      Object.keys(policySecret.data),
      [POLICY_KEY],
      "the mounted Secret holds exactly the key the variable names",
    );

    // The Secret's policy is the component's output, byte for byte, and decides in real OPA.
    const outputs = await stackOutputs(ws, { showSecrets: true });
    const policy = Buffer.from(policySecret.data[POLICY_KEY] as string, "base64").toString("utf8");
    assert.equal(policy, outputs.initializationPolicy);
    const signed = await signRunToken({
      key: tracked.signing,
      commitSha: COMMIT,
      stack: "app-prod",
      runType: "TRACKED",
      branch: "main",
    });
    assertAllowedEverywhere(
      policy,
      launcherInput([signed], { stack: "app-prod", commitSha: COMMIT, runType: "TRACKED" }),
    );
    assertDeniedEverywhere(
      policy,
      launcherInput([signed], { stack: "app-prod", commitSha: COMMIT, runType: "PROPOSED" }),
    );
    const byProposed = await signRunToken({
      key: proposed.signing,
      commitSha: COMMIT,
      stack: "app-prod",
      runType: "TRACKED",
      branch: "main",
    });
    assertDeniedEverywhere(
      policy,
      launcherInput([byProposed], { stack: "app-prod", commitSha: COMMIT, runType: "TRACKED" }),
    );

    // The credentials: the refs name keys of one Secret that hold the created pool's token and private key.
    assert.equal(pool.spec.token.secretKeyRef.name, pool.spec.privateKey.secretKeyRef.name);
    const credentials = getJson(server, "secret", pool.spec.token.secretKeyRef.name);
    const environment = outputs.launcherEnvironment as Record<string, string>;
    const stored = (key: string) => Buffer.from(credentials.data[key] as string, "base64").toString("utf8");
    assert.equal(stored(pool.spec.token.secretKeyRef.key), environment.SPACELIFT_TOKEN);
    assert.equal(stored(pool.spec.privateKey.secretKeyRef.key), environment.SPACELIFT_POOL_PRIVATE_KEY);
    assert.ok(environment.SPACELIFT_TOKEN.length > 20 && environment.SPACELIFT_POOL_PRIVATE_KEY.length > 100);
    assert.equal(
      environment.SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY,
      KUBERNETES_POLICY_PATH,
      "launcherEnvironment agrees with the pods",
    );
    // Secret outputs stay secret: neither credential is in the state in plaintext.
    const { text } = await stackExport(ws);
    for (const value of [environment.SPACELIFT_TOKEN, environment.SPACELIFT_POOL_PRIVATE_KEY])
      assert.ok(!text.includes(value), "a pool credential is in the state in plaintext");

    await previewExpectNoChanges(ws);

    // A rotation: a new generation's keys join the trusted keys. Only the policy Secret changes, in place
    // (the fixture's provider has enableSecretMutable; without it the provider replaces the Secret).
    const rotated = es256Key("acme-infra-tracked-main-2", ["TRACKED", "TASK"]);
    await setConfig(ws, "trustedKeys", JSON.stringify([proposed.trusted, tracked.trusted, rotated.trusted]));
    assert.deepEqual(await changedResources(ws), ["update signed-pool-kubernetes-policy"]);
    await up(ws);
    const rotatedPolicy = Buffer.from(
      getJson(server, "secret", volume.secret.secretName).data[POLICY_KEY] as string,
      "base64",
    ).toString("utf8");
    assert.equal(rotatedPolicy, (await stackOutputs(ws, { showSecrets: true })).initializationPolicy);
    const byRotated = await signRunToken({
      key: rotated.signing,
      commitSha: COMMIT,
      stack: "app-prod",
      runType: "TRACKED",
      branch: "main",
    });
    assertAllowedEverywhere(
      rotatedPolicy,
      launcherInput([byRotated], { stack: "app-prod", commitSha: COMMIT, runType: "TRACKED" }),
    );
    assertDeniedEverywhere(
      policy,
      launcherInput([byRotated], { stack: "app-prod", commitSha: COMMIT, runType: "TRACKED" }),
    );
    await previewExpectNoChanges(ws);

    // The API server's own schema refuses an unknown field from the pod pass-through, and the user sees the component's resource.
    await setConfig(ws, "pod", JSON.stringify({ initContainer: { image: "example.invalid/launcher:1" } }));
    const refused = await up(ws, { allowFailure: true });
    assert.notEqual(refused.code, 0, refused.stdout);
    const said = `${refused.stdout}\n${refused.stderr}`;
    // Server-side apply reports the field as not in the CRD's schema; the engine names the resource, whose name is the component's.
    assert.match(said, /\.spec\.pod\.initContainer\.image: field not declared in schema/);
    assert.match(
      said,
      /kubernetes:workers\.spacelift\.io\/v1beta1:WorkerPool \(signed-pool-kubernetes-worker-pool\):\n\s+error: 1 error occurred:\n\s+\* the Kubernetes API server reported that "spacelift\/signed-pool"/,
    );
    assert.equal(
      server.kubectl([
        "get",
        "workerpool",
        "signed-pool",
        "-n",
        NAMESPACE,
        "-o",
        "jsonpath={.spec.pod.initContainer.image}",
      ]).stdout,
      "",
    );
    // The refused attempt's inputs are what the state now records for the WorkerPool, so after the fix the
    // engine re-applies it (and only it); then nothing is left to change.
    await setConfig(ws, "pod", "{}");
    assert.deepEqual(await changedResources(ws), ["update signed-pool-kubernetes-worker-pool"]);
    await up(ws);
    await previewExpectNoChanges(ws);

    // A namespace the component creates: the objects move there (replaced under the same names, deleted
    // first), the Namespace carries the labels, and nothing of ours is left in the old one.
    await setConfig(ws, "namespace", CREATED_NAMESPACE);
    await setConfig(ws, "createNamespace", "true");
    await up(ws);
    const created = JSON.parse(server.kubectlOk(["get", "namespace", CREATED_NAMESPACE, "-o", "json"])) as Json;
    assert.equal(created.metadata.labels.team, "platform");
    assert.deepEqual(ourObjects(server), [
      `${CREATED_NAMESPACE}/Secret/signed-pool-initialization-policy`,
      `${CREATED_NAMESPACE}/Secret/signed-pool-pool-credentials`,
      `${CREATED_NAMESPACE}/WorkerPool/signed-pool`,
    ]);
    const moved = Buffer.from(
      getJson(server, "secret", "signed-pool-initialization-policy", CREATED_NAMESPACE).data[POLICY_KEY] as string,
      "base64",
    ).toString("utf8");
    assert.equal(moved, rotatedPolicy);
    await previewExpectNoChanges(ws);

    // destroy deletes the objects, then the Namespace, and waits until it is gone; the stand-in finishes
    // the Namespace's deletion as the namespace controller would, and records what was still in it.
    const finalizer = finalizeNamespaceWhenTerminating(server, CREATED_NAMESPACE);
    let seen: Awaited<ReturnType<typeof finalizer.stop>>;
    try {
      await destroy(ws);
    } finally {
      seen = await finalizer.stop();
    }
    assert.equal(seen.finalized, true, "destroy never asked to delete the created Namespace");
    assert.deepEqual(seen.leftovers, [], "the created Namespace still held objects when destroy deleted it");
    assert.match(server.kubectl(["get", "namespace", CREATED_NAMESPACE]).stderr, /NotFound|not found/);
    assert.deepEqual(ourObjects(server), [], "destroy left objects behind");
    // The namespace the component did not create stays.
    server.kubectlOk(["get", "namespace", NAMESPACE]);
    assert.deepEqual(fakeSpaceliftLeftovers(readFakeSpacelift(env[FAKE_SPACELIFT_ENV])), []);
    assert.deepEqual(ws.survivors, [], "no process outlived an engine command");
  } finally {
    const left = ws ? await ws.close() : [];
    await server.stop();
    rmSync(worlds, { recursive: true, force: true });
    assert.deepEqual(left, [], "no process was left when the workspace closed");
  }
});
