/**
 * `render` with launcher.kubernetes: out/kubernetes/*.yaml (the same manifests the component applies), the
 * pool's credentials only as a template of placeholders, deterministic output, the render safety rules, and
 * a real kube-apiserver with Spacelift's CRD accepting what was rendered.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { GENERATED_HEADER } from "../cli/render";
import { KUBERNETES_POLICY_PATH } from "../components/kubernetes/manifests";
import { runCli, temporaryDirectory } from "./support/cli";
import { startKubeApiServer, type KubeApiServer } from "./support/kubeApiServer";
import { REPO_ROOT } from "./support/opa";

const KUBERNETES = {
  namespace: "spacelift",
  createNamespace: true,
  name: "payments",
  poolSize: 1,
  labels: { team: "platform" },
};

function setup(kubernetes: Record<string, unknown> | undefined = KUBERNETES) {
  const directory = temporaryDirectory("render-kubernetes");
  const config = path.join(directory, "signed-runs.json");
  const parsed = JSON.parse(readFileSync(path.join(REPO_ROOT, "examples/basic/signed-runs.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const launcher = { ...((parsed.launcher as Record<string, unknown>) ?? {}) };
  delete launcher.policyPath;
  parsed.launcher = kubernetes === undefined ? launcher : { ...launcher, kubernetes };
  writeFileSync(config, JSON.stringify(parsed));
  const out = path.join(directory, "out");
  return {
    directory,
    out,
    config,
    render: () => runCli(["render", "--config", config, "--out", out], { cwd: directory }),
  };
}

const read = (out: string, file: string) => readFileSync(path.join(out, file), "utf8");
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("render with launcher.kubernetes", () => {
  it("writes the Namespace, the policy Secret and the WorkerPool, byte-identical on a second render", () => {
    const { out, render } = setup();
    const first = render();
    assert.equal(first.status, 0, first.stderr);
    const files = [
      "kubernetes/namespace.yaml",
      "kubernetes/initialization-policy.yaml",
      "kubernetes/workerpool.yaml",
      "launcher/pool-credentials.yaml.template",
    ];
    const before = files.map((file) => read(out, file));
    for (const [index, file] of files.slice(0, 3).entries())
      assert.match(before[index].split("\n", 1)[0], GENERATED_HEADER, file);
    const again = render();
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(
      files.map((file) => read(out, file)),
      before,
    );

    const policySecret = parse(read(out, "kubernetes/initialization-policy.yaml")) as Json;
    assert.equal(
      policySecret.stringData["initialization-policy.rego"],
      read(out, "launcher/initialization-policy.rego"),
      "the Secret holds the rendered policy byte for byte",
    );
    const pool = parse(read(out, "kubernetes/workerpool.yaml")) as Json;
    assert.equal(pool.metadata.name, "payments");
    assert.equal(pool.spec.pod.initContainer.env[0].value, KUBERNETES_POLICY_PATH);
    assert.equal(pool.spec.token.secretKeyRef.name, "payments-pool-credentials");
    assert.equal((parse(read(out, "kubernetes/namespace.yaml")) as Json).metadata.name, "spacelift");
    // The launcher environment template names the path the pods read.
    assert.match(
      read(out, "launcher/launcher.env.template"),
      new RegExp(`^SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY=${KUBERNETES_POLICY_PATH}$`, "m"),
    );
  });

  it("never renders credentials: the template holds placeholders, mode 0600, and a filled-in template stops the next render", () => {
    const { out, render } = setup();
    assert.equal(render().status, 0);
    const template = path.join(out, "launcher/pool-credentials.yaml.template");
    const credentials = parse(readFileSync(template, "utf8")) as Json;
    assert.deepEqual(credentials.stringData, {
      token: "REPLACE-WITH-THE-POOL-TOKEN",
      privateKey: "REPLACE-WITH-THE-POOL-PRIVATE-KEY-BASE64",
    });
    assert.equal(statSync(template).mode & 0o777, 0o600);
    writeFileSync(
      template,
      readFileSync(template, "utf8").replace("REPLACE-WITH-THE-POOL-TOKEN", "c3BhY2VsaWZ0LXRva2Vu"),
    );
    const again = render();
    assert.notEqual(again.status, 0);
    assert.match(
      again.stderr,
      /pool-credentials\.yaml\.template: a placeholder was replaced, and render rewrites this template\. Fix: move it to \S+launcher\/pool-credentials\.yaml/,
    );
    assert.ok(!again.stderr.includes("c3BhY2VsaWZ0LXRva2Vu"), "the value is not printed");
    assert.match(readFileSync(template, "utf8"), /c3BhY2VsaWZ0LXRva2Vu/, "nothing was rewritten");
  });

  it("removes the manifests once the config drops launcher.kubernetes, and keeps the filled-in credentials copy", () => {
    const { out, config, render } = setup();
    assert.equal(render().status, 0);
    writeFileSync(
      path.join(out, "launcher/pool-credentials.yaml"),
      read(out, "launcher/pool-credentials.yaml.template"),
    );
    const parsed = JSON.parse(readFileSync(config, "utf8")) as Json;
    delete parsed.launcher.kubernetes;
    writeFileSync(config, JSON.stringify(parsed));
    const again = render();
    assert.equal(again.status, 0, again.stderr);
    for (const file of [
      "kubernetes/namespace.yaml",
      "kubernetes/initialization-policy.yaml",
      "kubernetes/workerpool.yaml",
    ]) {
      assert.equal(existsSync(path.join(out, file)), false, file);
      assert.match(again.stdout + again.stderr, new RegExp(`removed out/${file.replace(/\./g, "\\.")}`));
    }
    assert.ok(existsSync(path.join(out, "launcher/pool-credentials.yaml")));
  });

  it("refuses a bad namespace, a policyPath beside kubernetes and credentials in the config, naming the field", () => {
    for (const [kubernetes, message] of [
      [
        { namespace: "Space Lift" },
        /launcher\.kubernetes\.namespace: "Space Lift" is not a Kubernetes namespace name\. Fix: /,
      ],
      [{ namespace: "spacelift", poolSize: -1 }, /launcher\.kubernetes\.poolSize: "-1" is not a whole number/],
      [
        { namespace: "spacelift", credentials: { token: "do-not-print-me", privateKey: "x" } },
        /launcher\.kubernetes\.credentials: the pool's credentials do not belong in the config file/,
      ],
    ] as const) {
      const { render } = setup(kubernetes);
      const result = render();
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, message);
      assert.ok(!result.stderr.includes("do-not-print-me"));
    }
  });
});

describe("rendered manifests in a real kube-apiserver with Spacelift's CRD", () => {
  let server: KubeApiServer;
  before(async () => {
    server = await startKubeApiServer();
  });
  after(async () => {
    await server?.stop();
  });

  it("are accepted as written (the credentials from a filled-in copy of the template), with strict field validation", () => {
    const { out, render } = setup();
    assert.equal(render().status, 0);
    const copy = read(out, "launcher/pool-credentials.yaml.template")
      .replace("REPLACE-WITH-THE-POOL-TOKEN", "dG9rZW4")
      .replace("REPLACE-WITH-THE-POOL-PRIVATE-KEY-BASE64", "a2V5");
    for (const file of [
      "kubernetes/namespace.yaml",
      "kubernetes/initialization-policy.yaml",
      "kubernetes/workerpool.yaml",
    ]) {
      server.kubectlOk([
        "apply",
        "--server-side",
        "--field-manager=signed-runs-tests",
        "--validate=strict",
        "-f",
        path.join(out, file),
      ]);
    }
    server.kubectlOk(["apply", "--server-side", "--field-manager=signed-runs-tests", "--validate=strict", "-f", "-"], {
      input: copy,
    });
    const pool = JSON.parse(
      server.kubectlOk(["get", "workerpools.workers.spacelift.io", "payments", "-n", "spacelift", "-o", "json"]),
    ) as Json;
    assert.equal(pool.spec.pod.initContainer.env[0].value, KUBERNETES_POLICY_PATH);
    const stored = JSON.parse(
      server.kubectlOk(["get", "secret", "payments-initialization-policy", "-n", "spacelift", "-o", "json"]),
    ) as Json;
    assert.equal(
      Buffer.from(stored.data["initialization-policy.rego"], "base64").toString("utf8"),
      read(out, "launcher/initialization-policy.rego"),
    );
  });
});
