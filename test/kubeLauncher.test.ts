/**
 * launcher.kubernetes without a cluster: the plain functions that check the argument and build the
 * manifests, and the components under Pulumi's mocks (what they register, what stays secret, and that
 * bad input fails before any resource). test/kubeLauncherEngine.test.ts runs the same against real parts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { kubernetesLauncher, signedRunsWorkerPoolArgs } from "../components/schema/component";
import { SignedRunsInputError } from "../components/schema/inputError";
import { parseInput } from "../components/schema/problems";
import {
  KUBERNETES_POLICY_PATH,
  POLICY_MOUNT_DIRECTORY,
  credentialsSecretManifest,
  kubernetesNames,
  namespaceManifest,
  planKubernetes,
  policySecretManifest,
  workerPoolManifest,
} from "../components/kubernetes/manifests";
import { SignedRuns } from "../components/signedRuns/signedRuns";
import { SignedRunsWorkerPool } from "../components/signedRuns/signedRunsWorkerPool";
import { singleStackArgs } from "./support/componentScenarios";
import { isSecret, promiseOf, runWithMocks, seededEcKeyPair } from "./support/pulumiMocks";

const SECRET_TYPE = "kubernetes:core/v1:Secret";
const POOL_TYPE = "kubernetes:workers.spacelift.io/v1beta1:WorkerPool";

interface Bad {
  label: string;
  value: Record<string, unknown>;
  message: RegExp;
  name?: string;
}

const BAD: Bad[] = [
  {
    label: "no namespace",
    value: {},
    message: /^launcher\.kubernetes\.namespace: is missing\. Fix: use a DNS-1123 label/,
  },
  {
    label: "uppercase namespace",
    value: { namespace: "Spacelift" },
    message: /^launcher\.kubernetes\.namespace: "Spacelift" is not a Kubernetes namespace name\. Fix: /,
  },
  {
    label: "namespace with a dot",
    value: { namespace: "space.lift" },
    message: /^launcher\.kubernetes\.namespace: "space\.lift" is not/,
  },
  {
    label: "namespace of 64 characters",
    value: { namespace: "a".repeat(64) },
    message: /^launcher\.kubernetes\.namespace: "a{64}" is not/,
  },
  {
    label: "namespace ending in '-'",
    value: { namespace: "spacelift-" },
    message: /^launcher\.kubernetes\.namespace: "spacelift-" is not/,
  },
  {
    label: "createNamespace a string",
    value: { namespace: "s", createNamespace: "yes" },
    message: /^launcher\.kubernetes\.createNamespace: "yes" is not true or false/,
  },
  {
    label: "name with underscore",
    value: { namespace: "s", name: "my_pool" },
    message: /^launcher\.kubernetes\.name: "my_pool" cannot name the Kubernetes objects\. Fix: .*at most 41 characters/,
  },
  {
    label: "name too long for the suffix",
    value: { namespace: "s", name: "a".repeat(42) },
    message: /^launcher\.kubernetes\.name: "a{42}" cannot name/,
  },
  {
    label: "component name not a label",
    value: { namespace: "s" },
    name: "Payments Pool",
    message:
      /^launcher\.kubernetes\.name: "Payments Pool" \(the component's name, the default\) cannot name the Kubernetes objects\. Fix: .*; set launcher\.kubernetes\.name$/,
  },
  {
    label: "negative poolSize",
    value: { namespace: "s", poolSize: -1 },
    message: /^launcher\.kubernetes\.poolSize: "-1" is not a whole number of workers\. Fix: give an integer from 0/,
  },
  {
    label: "fractional poolSize",
    value: { namespace: "s", poolSize: 1.5 },
    message: /^launcher\.kubernetes\.poolSize: "1\.5" is not/,
  },
  {
    label: "poolSize beyond int32",
    value: { namespace: "s", poolSize: 2 ** 31 },
    message: /^launcher\.kubernetes\.poolSize: "2147483648" is not/,
  },
  {
    label: "poolSize a string",
    value: { namespace: "s", poolSize: "2" },
    message: /^launcher\.kubernetes\.poolSize: "2" is not/,
  },
  {
    label: "unknown setting",
    value: { namespace: "s", poolsize: 2 },
    message:
      /^launcher\.kubernetes\.poolsize: is not a known field\. Fix: remove it or fix its spelling; the known fields here are namespace, /,
  },
  {
    label: "label key with a space",
    value: { namespace: "s", labels: { "my team": "x" } },
    message: /^launcher\.kubernetes\.labels: "my team" is not a Kubernetes label key/,
  },
  {
    label: "label value too long",
    value: { namespace: "s", labels: { team: "x".repeat(64) } },
    message: /^launcher\.kubernetes\.labels\.team: "x{64}" is not a Kubernetes label value/,
  },
  {
    label: "label value a number",
    value: { namespace: "s", labels: { team: 7 } },
    message: /^launcher\.kubernetes\.labels\.team: "7" is not/,
  },
  {
    label: "pod volume named like the policy's",
    value: { namespace: "s", pod: { volumes: [{ name: "signed-runs-initialization-policy", emptyDir: {} }] } },
    message:
      /^launcher\.kubernetes\.pod\.volumes\[0\]\.name: "signed-runs-initialization-policy" clashes with what the component sets/,
  },
  {
    label: "pod sets the policy variable",
    value: {
      namespace: "s",
      pod: {
        initContainer: {
          env: [
            { name: "A", value: "1" },
            { name: "SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY", value: "/x" },
          ],
        },
      },
    },
    message:
      /^launcher\.kubernetes\.pod\.initContainer\.env\[1\]\.name: "SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY" clashes/,
  },
  {
    label: "pod mounts over the policy",
    value: { namespace: "s", pod: { initContainer: { volumeMounts: [{ name: "x", mountPath: "/opt/spacelift" }] } } },
    message:
      /^launcher\.kubernetes\.pod\.initContainer\.volumeMounts\[0\]\.mountPath: "\/opt\/spacelift" clashes .*hide or contain/,
  },
  {
    label: "pod mounts at the policy's directory",
    value: {
      namespace: "s",
      pod: { initContainer: { volumeMounts: [{ name: "x", mountPath: `${POLICY_MOUNT_DIRECTORY}/` }] } },
    },
    message: /mountPath: .* clashes/,
  },
  {
    label: "pod volumes not a list",
    value: { namespace: "s", pod: { volumes: { name: "x" } } },
    message: /^launcher\.kubernetes\.pod\.volumes: .* is not a list/,
  },
  {
    label: "pod volumes an Output",
    value: { namespace: "s", pod: { volumes: Promise.resolve([]) } },
    message: /^launcher\.kubernetes\.pod\.volumes: is an Output or a Promise\. Fix: pass a plain list/,
  },
];

/** What the components do: parse with the schema, then fill in the defaults. */
function planned(value: unknown, name: string) {
  return planKubernetes("launcher.kubernetes", parseInput(kubernetesLauncher, value, "launcher.kubernetes"), name);
}

for (const bad of BAD) {
  test(`launcher.kubernetes refuses ${bad.label}`, () => {
    assert.throws(
      () => planned(bad.value, bad.name ?? "signed-runs"),
      (error: unknown) => {
        assert.ok(error instanceof SignedRunsInputError, String(error));
        assert.match(error.message, bad.message);
        return true;
      },
    );
  });
}

test("launcher.kubernetes reports every problem at once, and never quotes the credentials", () => {
  assert.throws(
    () =>
      parseInput(
        signedRunsWorkerPoolArgs,
        {
          workerPool: { id: "01HPOOL" },
          repositories: [],
          launcher: {
            policyPath: "/etc/x.rego",
            kubernetes: {
              namespace: "Spacelift",
              poolSize: -1,
              labels: { "my team": "x" },
              pod: { volumes: [{ name: "signed-runs-initialization-policy" }] },
              credentials: { token: "do-not-print-me", privateKey: 42, extra: "do-not-print-me-either" },
              provider: { name: "not a provider" },
            },
          },
        },
        "",
        "args",
      ),
    (error: unknown) => {
      assert.ok(error instanceof SignedRunsInputError, String(error));
      const fields = error.problems.map((p) => p.field);
      for (const field of [
        "repositories",
        "launcher.policyPath",
        "launcher.kubernetes.namespace",
        "launcher.kubernetes.poolSize",
        "launcher.kubernetes.labels",
        "launcher.kubernetes.pod.volumes[0].name",
        "launcher.kubernetes.credentials.privateKey",
        "launcher.kubernetes.credentials.extra",
        "launcher.kubernetes.provider",
      ])
        assert.ok(fields.includes(field), `${field} in ${error.message}`);
      assert.ok(!error.message.includes("do-not-print-me"), error.message);
      assert.ok(!error.message.includes("42"), error.message);
      return true;
    },
  );
  assert.throws(
    () => planned({ namespace: "s", credentials: { token: "do-not-print-me" } }, "p"),
    (error: unknown) => {
      assert.ok(error instanceof SignedRunsInputError, String(error));
      assert.match(error.message, /^launcher\.kubernetes\.credentials\.privateKey: is missing\. Fix: /);
      assert.ok(!error.message.includes("do-not-print-me"), error.message);
      return true;
    },
  );
  assert.throws(
    () => planned({ namespace: "s", credentials: "do-not-print-me" }, "p"),
    /^SignedRunsInputError: launcher\.kubernetes\.credentials: is not an object \(value not shown\)\. Fix: /,
  );
});

test("planKubernetes takes the defaults and keeps the pass-through", () => {
  const plan = planned({ namespace: "spacelift" }, "payments");
  assert.deepEqual(plan, {
    namespace: "spacelift",
    createNamespace: false,
    name: "payments",
    poolSize: 2,
    labels: {},
    pod: {},
  });
  const full = planned(
    {
      namespace: "s",
      name: "p",
      poolSize: 0,
      createNamespace: true,
      labels: { "example.com/team": "a", b: "" },
      pod: { launcherImage: "x" },
    },
    "ignored",
  );
  assert.deepEqual(full, {
    namespace: "s",
    createNamespace: true,
    name: "p",
    poolSize: 0,
    labels: { b: "", "example.com/team": "a" },
    pod: { launcherImage: "x" },
  });
});

test("the WorkerPool references both Secrets by key, mounts the policy read-only and points the variable at the mounted file", () => {
  const plan = planKubernetes(
    "k",
    {
      namespace: "spacelift",
      labels: { team: "platform" },
      pod: {
        launcherImage: "img",
        volumes: [{ name: "cache", emptyDir: {} }],
        initContainer: { env: [{ name: "A", value: "1" }], resources: { limits: { cpu: "1" } } },
      },
    },
    "payments",
  );
  const names = kubernetesNames(plan);
  assert.deepEqual(names, {
    workerPool: "payments",
    credentialsSecret: "payments-pool-credentials",
    policySecret: "payments-initialization-policy",
  });
  const pool = workerPoolManifest(plan);
  assert.deepEqual(pool, {
    apiVersion: "workers.spacelift.io/v1beta1",
    kind: "WorkerPool",
    metadata: { name: "payments", namespace: "spacelift", labels: { team: "platform" } },
    spec: {
      poolSize: 2,
      token: { secretKeyRef: { name: "payments-pool-credentials", key: "token" } },
      privateKey: { secretKeyRef: { name: "payments-pool-credentials", key: "privateKey" } },
      pod: {
        launcherImage: "img",
        volumes: [
          { name: "cache", emptyDir: {} },
          { name: "signed-runs-initialization-policy", secret: { secretName: "payments-initialization-policy" } },
        ],
        initContainer: {
          env: [
            { name: "A", value: "1" },
            { name: "SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY", value: KUBERNETES_POLICY_PATH },
          ],
          resources: { limits: { cpu: "1" } },
          volumeMounts: [
            { name: "signed-runs-initialization-policy", mountPath: POLICY_MOUNT_DIRECTORY, readOnly: true },
          ],
        },
      },
    },
  });
  assert.equal(KUBERNETES_POLICY_PATH, `${POLICY_MOUNT_DIRECTORY}/initialization-policy.rego`);
  assert.deepEqual(credentialsSecretManifest(plan, { token: "t", privateKey: "k" }).stringData, {
    token: "t",
    privateKey: "k",
  });
  assert.deepEqual(policySecretManifest(plan, "package spacelift\n"), {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "payments-initialization-policy", namespace: "spacelift", labels: { team: "platform" } },
    type: "Opaque",
    stringData: { "initialization-policy.rego": "package spacelift\n" },
  });
  // render's manifests carry no Pulumi annotation; the component's do.
  assert.deepEqual(namespaceManifest({ ...plan, createNamespace: true }), {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "spacelift", labels: { team: "platform" } },
  });
  assert.deepEqual(namespaceManifest(plan, { pulumi: true }).metadata, {
    name: "spacelift",
    labels: { team: "platform" },
    annotations: { "pulumi.com/deletionPropagationPolicy": "background" },
  });
  // The caller's plan is not changed by building the manifest.
  assert.deepEqual((plan.pod.volumes as unknown[]).length, 1);
});

test("SignedRunsWorkerPool with launcher.kubernetes registers the Secrets and the WorkerPool with the created pool's credentials, secret", async () => {
  const run = await runWithMocks(() => {
    const args = singleStackArgs({
      launcher: { kubernetes: { namespace: "spacelift", createNamespace: true, poolSize: 1 } },
    });
    return new SignedRuns("payments", args);
  });
  assert.deepEqual(run.programErrors, []);
  assert.deepEqual(
    run.ofType("kubernetes:core/v1:Namespace").map((r) => r.name),
    ["payments-kubernetes-namespace"],
  );
  // Every object the provider deletes asks for background propagation: this cluster-side default (foreground)
  // would wait for a garbage collector, and the Namespace is no exception.
  for (const resource of [
    ...run.ofType("kubernetes:core/v1:Namespace"),
    ...run.ofType(SECRET_TYPE),
    ...run.ofType(POOL_TYPE),
  ]) {
    assert.deepEqual(
      (resource.inputs.metadata as { annotations?: unknown }).annotations,
      { "pulumi.com/deletionPropagationPolicy": "background" },
      resource.name,
    );
  }
  assert.deepEqual(
    (run.ofType("kubernetes:core/v1:Namespace")[0].inputs.metadata as { name?: string }).name,
    "spacelift",
  );
  const secrets = run.ofType(SECRET_TYPE);
  assert.deepEqual(secrets.map((r) => r.name).sort(), [
    "payments-kubernetes-credentials",
    "payments-kubernetes-policy",
  ]);
  const credentials = run.byName("payments-kubernetes-credentials");
  const pool = run.ofType("spacelift:index/workerPool:WorkerPool")[0];
  assert.deepEqual(credentials.inputs.stringData, { token: pool.state.config, privateKey: pool.state.privateKey });
  assert.ok(
    credentials.secretInputs.some((p) => p.startsWith("stringData")),
    `credentials are secret inputs: ${credentials.secretInputs}`,
  );
  const policy = run.byName("payments-kubernetes-policy");
  assert.equal(
    (policy.inputs.stringData as Record<string, string>)["initialization-policy.rego"],
    await promiseOf(run.result.initializationPolicy),
  );
  const workerPool = run.ofType(POOL_TYPE);
  assert.deepEqual(
    workerPool.map((r) => r.name),
    ["payments-kubernetes-worker-pool"],
  );
  assert.equal((workerPool[0].inputs.spec as { poolSize: number }).poolSize, 1);
  const environment = await promiseOf(run.result.launcherEnvironment);
  assert.equal(environment.SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY, KUBERNETES_POLICY_PATH);
  assert.equal(await isSecret(run.result.launcherEnvironment), true);
});

test("an existing pool needs its credentials for launcher.kubernetes, and a created pool refuses them; both before any resource", async () => {
  const existing = await runWithMocks(() => {
    assert.throws(
      () =>
        new SignedRuns(
          "payments",
          singleStackArgs({ workerPool: { id: "01HPOOL" }, launcher: { kubernetes: { namespace: "spacelift" } } }),
        ),
      /^SignedRunsInputError: launcher\.kubernetes\.credentials: is missing, and the pool is an existing one/,
    );
    assert.throws(
      () =>
        new SignedRuns(
          "payments",
          singleStackArgs({
            launcher: { kubernetes: { namespace: "spacelift", credentials: { token: "t", privateKey: "k" } } },
          }),
        ),
      /^SignedRunsInputError: launcher\.kubernetes\.credentials: is given, but the component creates the pool/,
    );
    assert.throws(
      () =>
        new SignedRuns(
          "payments",
          singleStackArgs({ launcher: { policyPath: "/etc/x.rego", kubernetes: { namespace: "spacelift" } } }),
        ),
      /^SignedRunsInputError: launcher\.policyPath: "\/etc\/x\.rego" is given with launcher\.kubernetes/,
    );
    assert.throws(
      () =>
        new SignedRuns(
          "payments",
          singleStackArgs({ launcher: { kubernetes: { namespace: "spacelift", poolSize: -3 } } }),
        ),
      /launcher\.kubernetes\.poolSize: "-3"/,
    );
  });
  assert.deepEqual(existing.resources, [], "nothing was registered");

  const given = await runWithMocks(
    () =>
      new SignedRunsWorkerPool("shared", {
        workerPool: { id: "01HPOOL" },
        repositories: [
          {
            repository: "acme/infra",
            stacks: ["app-prod"],
            trustedKeys: [
              {
                kid: "k1",
                algorithm: "ES256",
                publicKeyPem: seededEcKeyPair("s", "k1").publicKeyPem,
                stacks: ["app-prod"],
                runTypes: ["TRACKED"],
              },
            ],
          },
        ],
        launcher: {
          kubernetes: {
            namespace: "spacelift",
            credentials: { token: "pool-token-value", privateKey: "cG9vbC1rZXk=" },
          },
        },
      }),
  );
  assert.deepEqual(given.programErrors, []);
  const credentials = given.byName("shared-kubernetes-credentials");
  assert.deepEqual(credentials.inputs.stringData, { token: "pool-token-value", privateKey: "cG9vbC1rZXk=" });
  assert.ok(
    credentials.secretInputs.some((p) => p === "stringData" || p.startsWith("stringData.")),
    `given as plain strings, they still go in as secrets: ${credentials.secretInputs}`,
  );
  assert.deepEqual(given.ofType("kubernetes:core/v1:Namespace"), [], "an existing namespace by default");
});
