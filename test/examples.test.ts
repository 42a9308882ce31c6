/**
 * Every example runs to completion under Pulumi's mocks; the root example
 * reads the keys Pulumi.example.yaml documents, and its workflows are the
 * ones `render` writes for the matching signed-runs.json. Bulk onboarding
 * (`onboard`, with its sample file in examples/bulk-onboarding/) is tested in
 * onboard.test.ts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import type { WorkflowFile } from "../components";
import { basicExample, readBasicExampleConfig } from "../examples/basic/program";
import { existingInfrastructureExample } from "../examples/existing-infrastructure/program";
import { MONOREPO_STACKS, monorepoExample } from "../examples/monorepo/program";
import { runCli, temporaryDirectory } from "./support/cli";
import { REPO_ROOT } from "./support/opa";
import { isSecret, promiseOf, resourceTree, runWithMocks } from "./support/pulumiMocks";

const T = {
  policy: "spacelift:index/policy:Policy",
  attachment: "spacelift:index/policyAttachment:PolicyAttachment",
  workerPool: "spacelift:index/workerPool:WorkerPool",
  stack: "spacelift:index/stack:Stack",
  tlsKey: "tls:index/privateKey:PrivateKey",
  secret: "github:index/actionsSecret:ActionsSecret",
  file: "github:index/repositoryFile:RepositoryFile",
};

const PROJECT = "spacelift-signed-runs";
const API_KEY_SECRET = "example-api-key-secret-never-in-a-file-42";

/**
 * The uncommented config of Pulumi.example.yaml, as Pulumi hands it to a program (objects as JSON),
 * plus the secret the Quick start sets with `pulumi config set --secret spaceliftApiKeySecret`.
 */
function exampleStackConfig(): Record<string, string> {
  const file = parseYaml(readFileSync(path.join(REPO_ROOT, "Pulumi.example.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const config = Object.fromEntries(
    Object.entries(file.config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
  return { ...config, [`${PROJECT}:spaceliftApiKeySecret`]: API_KEY_SECRET };
}

describe("examples/basic (the root Pulumi.yaml program)", () => {
  it("Pulumi.yaml runs the basic example's TypeScript source with the nodejs runtime", () => {
    const project = parseYaml(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
      name: string;
      runtime: { name: string; options: { typescript: boolean } };
      main: string;
    };
    assert.equal(project.name, PROJECT);
    assert.equal(project.runtime.name, "nodejs");
    assert.equal(project.runtime.options.typescript, true);
    assert.equal(project.main, "examples/basic/index.ts");
  });

  it("the file Pulumi.yaml names runs from source, through ts-node registered as Pulumi's nodejs runtime does, under mocks with Pulumi.example.yaml's config", () => {
    // Pulumi's runtime (cmd/run) registers ts-node with the compiler its tsutils picks (the
    // project's TypeScript, else its vendored one) and the project's tsconfig.json, type checking on.
    const script = `
      const path = require("node:path");
      const tsutils = require("@pulumi/pulumi/tsutils");
      const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
      require(tsnodeRequire).register({ compiler: typescriptRequire, project: path.join(${JSON.stringify(REPO_ROOT)}, "tsconfig.json"), compilerOptions: {} });
      const pulumi = require("@pulumi/pulumi");
      const { runWithMocks, promiseOf } = require(${JSON.stringify(path.join(REPO_ROOT, "dist/test/support/pulumiMocks.js"))});
      (async () => {
        let program;
        await runWithMocks(() => {
          // The mocks' project name stands in for Pulumi.yaml's (checked above) in the config keys.
          const config = Object.entries(JSON.parse(process.env.EXAMPLE_CONFIG)).map(([k, v]) => [k.replace(/^${PROJECT}:/, pulumi.getProject() + ":"), v]);
          pulumi.runtime.setAllConfig(Object.fromEntries(config), []);
          program = require(path.join(${JSON.stringify(REPO_ROOT)}, "examples/basic/index.ts"));
          return [];
        });
        const stackIds = await promiseOf(program.stackIds);
        const workflowFiles = await promiseOf(program.workflowFiles);
        const policy = await promiseOf(program.initializationPolicy);
        console.log(JSON.stringify({ exports: Object.keys(program).sort(), stackIds, workflowFiles, policyPackage: /^package spacelift$/m.test(policy) }));
      })().catch((error) => { console.error(error); process.exit(1); });
    `;
    const result = spawnSync(process.execPath, ["-e", script], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, EXAMPLE_CONFIG: JSON.stringify(exampleStackConfig()) },
    });
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout.trim().split("\n").pop()!) as {
      exports: string[];
      stackIds: string[];
      workflowFiles: string[];
      policyPackage: boolean;
    };
    assert.deepEqual(report.exports, [
      "activeKeys",
      "initializationPolicy",
      "launcherEnvironment",
      "pushPolicyId",
      "stackIds",
      "trustedKeys",
      "workerPoolId",
      "workflowFiles",
    ]);
    assert.deepEqual(report.stackIds, ["payments-prod", "payments-staging"]);
    assert.equal(report.workflowFiles.length, 2);
    assert.equal(report.policyPackage, true);
  });

  it("Pulumi.example.yaml documents every key the program reads, each with a comment", () => {
    const source = readFileSync(path.join(REPO_ROOT, "examples/basic/program.ts"), "utf8");
    const keys = [...source.matchAll(/config\.(?:require|get)(?:Secret|Object)?(?:<[^>]*>)?\("(\w+)"\)/g)].map(
      (m) => m[1],
    );
    assert.ok(keys.length >= 10, `found only ${keys.length} config reads`);
    const documented = readFileSync(path.join(REPO_ROOT, "Pulumi.example.yaml"), "utf8").split("\n");
    for (const key of keys) {
      const line = documented.findIndex((l) => new RegExp(`^\\s*#?\\s*${PROJECT}:${key}:`).test(l));
      assert.ok(line > 0, `Pulumi.example.yaml does not list ${key}`);
      assert.match(documented[line - 1], /^\s*#/, `${key} has no comment above it`);
    }
  });

  it("runs under mocks with Pulumi.example.yaml's config: every resource, secrets marked, and render's exact workflows", async () => {
    let outputs!: ReturnType<typeof basicExample>["outputs"];
    let workflowFiles!: pulumi.Output<WorkflowFile[]>;
    const run = await runWithMocks(() => {
      pulumi.runtime.setAllConfig(exampleStackConfig(), [`${PROJECT}:spaceliftApiKeySecret`]);
      const example = basicExample(readBasicExampleConfig(new pulumi.Config(PROJECT)));
      outputs = example.outputs;
      workflowFiles = example.signedRuns.workflowFiles;
      return example.signedRuns;
    });
    assert.equal(run.ofType(T.workerPool).length, 1);
    assert.equal(run.ofType(T.policy).length, 1);
    assert.deepEqual(
      run.ofType(T.attachment).map((a) => a.inputs.stackId),
      ["payments-prod", "payments-staging"],
    );
    assert.equal(run.ofType(T.tlsKey).length, 3, "ES256: the proposed key and the tracked keys of main and staging");
    assert.deepEqual(
      run
        .ofType(T.secret)
        .map((s) => s.inputs.secretName)
        .sort(),
      ["SPACELIFT_API_KEY_ID", "SPACELIFT_API_KEY_SECRET", "SPACELIFT_RUN_SIGNING_KEY_PROPOSED_2026_11"],
    );
    assert.deepEqual(
      run
        .ofType("github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret")
        .map((s) => [s.inputs.environment, s.inputs.secretName]),
      [
        ["spacelift-main", "SPACELIFT_RUN_SIGNING_KEY_TRACKED_2026_11"],
        ["spacelift-staging", "SPACELIFT_RUN_SIGNING_KEY_TRACKED_2026_11"],
      ],
    );
    assert.deepEqual(
      (await promiseOf(outputs.activeKeys)).tracked.map((t) => t.kid),
      ["acme.payments-infra:tracked:main:2026-11", "acme.payments-infra:tracked:staging:2026-11"],
    );
    const apiKeySecret = run.ofType(T.secret).find((s) => s.inputs.secretName === "SPACELIFT_API_KEY_SECRET")!;
    assert.equal(apiKeySecret.inputs.value, API_KEY_SECRET);
    assert.deepEqual(
      apiKeySecret.secretInputs,
      ["value"],
      "the API key secret from secret config reaches GitHub marked secret",
    );
    assert.ok(run.resources.some((r) => r.type === "pulumi:providers:github" && r.inputs.owner === "acme"));
    assert.deepEqual(await promiseOf(outputs.stackIds), ["payments-prod", "payments-staging"]);
    assert.equal(await isSecret(outputs.launcherEnvironment), true);
    assert.equal(await isSecret(outputs.initializationPolicy), false, "an ES256 policy holds no secret");
    for (const file of run.ofType(T.file)) assert.ok(!String(file.inputs.content).includes(API_KEY_SECRET));

    // `render` with the matching signed-runs.json writes byte-identical workflows.
    const directory = temporaryDirectory("basic-render");
    copyFileSync(path.join(REPO_ROOT, "examples/basic/signed-runs.json"), path.join(directory, "signed-runs.json"));
    const rendered = runCli([
      "render",
      "--config",
      path.join(directory, "signed-runs.json"),
      "--out",
      path.join(directory, "out"),
    ]);
    assert.equal(rendered.status, 0, rendered.stderr);
    const files = await promiseOf(workflowFiles);
    assert.equal(files.length, 2);
    for (const file of files) {
      assert.equal(
        readFileSync(path.join(directory, "out", file.path), "utf8"),
        file.content,
        `${file.path} differs between render and the component`,
      );
    }
  });

  it("half an API key (an id without its secret) fails naming the missing key and the fix", async () => {
    const config = exampleStackConfig();
    delete config[`${PROJECT}:spaceliftApiKeySecret`];
    await assert.rejects(
      runWithMocks(() => {
        pulumi.runtime.setAllConfig(config);
        return basicExample(readBasicExampleConfig(new pulumi.Config(PROJECT))).signedRuns;
      }),
      /spaceliftApiKeySecret: is not set, but its other half is\. Fix: set it \(pulumi config set --secret spaceliftApiKeySecret\)/,
    );
  });

  it("a missing required key fails naming it and the command that sets it", async () => {
    const config = exampleStackConfig();
    delete config[`${PROJECT}:githubOwner`];
    await assert.rejects(
      runWithMocks(() => {
        pulumi.runtime.setAllConfig(config);
        return basicExample(readBasicExampleConfig(new pulumi.Config(PROJECT))).signedRuns;
      }),
      /githubOwner: is not set\. Fix: set it \(pulumi config set githubOwner acme\)/,
    );
  });

  it("every mistake in the stack configuration is reported at once, each at its key", async () => {
    const config = exampleStackConfig();
    delete config[`${PROJECT}:spaceliftEndpoint`];
    config[`${PROJECT}:githubOwner`] = "-acme-";
    config[`${PROJECT}:signingAlgorithm`] = "RS256";
    config[`${PROJECT}:stacks`] = JSON.stringify(["Payments!", { id: "ok-stack", colour: "red" }]);
    config[`${PROJECT}:signingKeys`] = JSON.stringify(["2026/11"]);
    await assert.rejects(
      runWithMocks(() => {
        pulumi.runtime.setAllConfig(config);
        return basicExample(readBasicExampleConfig(new pulumi.Config(PROJECT))).signedRuns;
      }),
      (error: Error) => {
        const lines = error.message.split("\n").filter((line) => / Fix: /.test(line));
        for (const key of [
          "githubOwner",
          "stacks[0]",
          "stacks[1]",
          "spaceliftEndpoint",
          "signingAlgorithm",
          "signingKeys[0]",
        ]) {
          assert.ok(
            lines.some((line) => line.includes(`${key}`)),
            `${key} is not reported:\n${error.message}`,
          );
        }
        return true;
      },
    );
  });
});

describe("examples/existing-infrastructure", () => {
  it("uses the existing pool and push policy, and the stack it defines runs on the component's pool, created before the attachment", async () => {
    let example!: ReturnType<typeof existingInfrastructureExample>;
    const run = await runWithMocks(() => {
      example = existingInfrastructureExample({
        githubOwner: "acme",
        githubRepository: "payments-infra",
        spaceliftEndpoint: "https://acme.app.spacelift.io",
        existingWorkerPoolId: "01HEXISTINGPOOL0000000000",
        existingPushPolicyId: "ignore-pushes",
        stackSlug: "payments-prod",
      });
      return [example.stack, example.signedRuns];
    });
    assert.equal(run.ofType(T.workerPool).length, 0, "no pool is created");
    assert.equal(run.ofType(T.policy).length, 0, "no push policy is created");
    const [stack] = run.ofType(T.stack);
    assert.equal(stack.inputs.slug, "payments-prod");
    assert.equal(stack.inputs.workerPoolId, "01HEXISTINGPOOL0000000000");
    const [attachment] = run.ofType(T.attachment);
    assert.deepEqual(attachment.inputs, { policyId: "ignore-pushes", stackId: "payments-prod" });
    assert.ok(
      run.resources.indexOf(stack) < run.resources.indexOf(attachment),
      "the stack must exist before the push policy is attached to it",
    );
    assert.equal(await promiseOf(example.outputs.workerPoolId), "01HEXISTINGPOOL0000000000");
    assert.match(await promiseOf(example.outputs.initializationPolicy), /"payments-prod"/);
    assert.deepEqual(await promiseOf(example.outputs.launcherEnvironment), {
      SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY: "/etc/spacelift/signed-runs/initialization-policy.rego",
    });
  });

  it("the push-policy attachment waits until the stack is created, however slow the provider is", async () => {
    // A provider that takes many event-loop turns to create the stack; the attachment must not be sent before.
    const events: string[] = [];
    await pulumi.runtime.setMocks(
      {
        async newResource(args) {
          events.push(`register ${args.type}`);
          if (args.type === T.stack) {
            for (let turn = 0; turn < 200; turn++) await new Promise((resolve) => setImmediate(resolve));
            events.push("stack created");
          }
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      PROJECT,
      "order",
      false,
    );
    const example = existingInfrastructureExample({
      githubOwner: "acme",
      githubRepository: "payments-infra",
      spaceliftEndpoint: "https://acme.app.spacelift.io",
      existingWorkerPoolId: "01HEXISTINGPOOL0000000000",
      existingPushPolicyId: "ignore-pushes",
      stackSlug: "payments-prod",
    });
    for (let round = 0; round < 3; round++) {
      await Promise.all(resourceTree([example.stack, example.signedRuns]).map((r) => promiseOf(r.urn)));
    }
    const created = events.indexOf("stack created");
    const attached = events.indexOf(`register ${T.attachment}`);
    assert.ok(created >= 0 && attached >= 0, JSON.stringify(events));
    assert.ok(created < attached, `the attachment was sent before the stack existed: ${JSON.stringify(events)}`);
  });
});

describe("examples/monorepo", () => {
  it("one workflow per stack filtered by project root, an OIDC key (no API key secret), and the created stack on the component's pool", async () => {
    let example!: ReturnType<typeof monorepoExample>;
    const run = await runWithMocks(() => {
      example = monorepoExample({
        githubOwner: "acme",
        githubRepository: "platform",
        spaceliftEndpoint: "https://acme.app.spacelift.io",
        oidcApiKeyId: "01HOIDCKEY000000",
      });
      return example.signedRuns;
    });
    const files = run.ofType(T.file);
    assert.equal(files.length, MONOREPO_STACKS.length);
    for (const stack of MONOREPO_STACKS) {
      const file = files.find((f) => String(f.inputs.file).includes(stack.id));
      assert.ok(file, `no workflow for ${stack.id}`);
      assert.match(
        String(file.inputs.content),
        new RegExp(`paths:\\n(\\s+- .*\\n)*\\s+- "?${stack.projectRoot}/\\*\\*"?\\n`),
        `${stack.id}'s workflow is not filtered by its project root`,
      );
      assert.match(String(file.inputs.content), /id-token: write/);
    }
    assert.deepEqual(
      run.ofType(T.secret).map((s) => s.inputs.secretName),
      ["SPACELIFT_RUN_SIGNING_KEY_PROPOSED_2026_11"],
    );
    assert.deepEqual(
      run.ofType("github:index/repositoryEnvironment:RepositoryEnvironment").map((e) => e.inputs.environment),
      ["spacelift-main", "spacelift-staging"],
    );
    const [pool] = run.ofType(T.workerPool);
    const [created] = run.ofType(T.stack);
    assert.equal(created.inputs.slug, "cluster-staging");
    assert.equal(created.inputs.branch, "staging");
    assert.equal(created.inputs.workerPoolId, await promiseOf(example.outputs.workerPoolId));
    assert.ok(pool);
    assert.deepEqual(await promiseOf(example.outputs.stackIds), ["network-prod", "cluster-prod", "cluster-staging"]);
  });
});
