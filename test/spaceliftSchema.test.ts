/**
 * The schema contract of the small Spacelift binding (components/spacelift/):
 * every property the component sends to a spacelift:* resource, in every
 * scenario, and every property the binding can send or read, exists in
 * Spacelift's provider schema with the right type; the few the 2.1 schema
 * predates exist in the current Terraform provider docs.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { ALL_SCENARIOS } from "./support/componentScenarios";
import { REPO_ROOT } from "./support/opa";
import { isSecret, promiseOf, runWithMocks } from "./support/pulumiMocks";
import {
  checkResourceInputs,
  checkResourceOutput,
  loadProviderSchema,
  snakeCase,
  terraformAttributes,
  terraformResourceName,
} from "./support/spaceliftSchema";
import { WorkerPool } from "../components/spacelift/workerPool";

const schema = loadProviderSchema();

test("every property sent to a spacelift:* resource in every scenario matches the provider's schema", async () => {
  const fromDocsOnly = new Set<string>();
  const sent = new Map<string, Set<string>>();
  for (const [label, program] of Object.entries(ALL_SCENARIOS)) {
    const run = await runWithMocks(program);
    for (const resource of run.resources.filter((r) => r.type.startsWith("spacelift:"))) {
      assert.deepEqual(
        checkResourceInputs(schema, resource.type, resource.inputs, fromDocsOnly),
        [],
        `${label}: ${resource.name}`,
      );
      const names = sent.get(resource.type) ?? new Set<string>();
      Object.keys(resource.inputs).forEach((k) => names.add(k));
      sent.set(resource.type, names);
    }
  }
  // The scenarios exercise the four resources and every property the binding sends.
  assert.deepEqual([...sent.keys()].sort(), [
    "spacelift:index/policy:Policy",
    "spacelift:index/policyAttachment:PolicyAttachment",
    "spacelift:index/stack:Stack",
    "spacelift:index/workerPool:WorkerPool",
  ]);
  assert.deepEqual([...sent.get("spacelift:index/policy:Policy")!].sort(), [
    "body",
    "engineType",
    "labels",
    "name",
    "spaceId",
    "type",
  ]);
  assert.deepEqual([...sent.get("spacelift:index/policyAttachment:PolicyAttachment")!].sort(), ["policyId", "stackId"]);
  assert.deepEqual([...sent.get("spacelift:index/workerPool:WorkerPool")!].sort(), [
    "description",
    "labels",
    "name",
    "spaceId",
  ]);
  assert.deepEqual([...sent.get("spacelift:index/stack:Stack")!].sort(), [
    "administrative",
    "autodeploy",
    "branch",
    "description",
    "labels",
    "name",
    "projectRoot",
    "protectFromDeletion",
    "pulumi",
    "repository",
    "runnerImage",
    "slug",
    "spaceId",
    "terraformVersion",
    "terraformWorkflowTool",
    "terraformWorkspace",
    "workerPoolId",
  ]);
  // Only engineType comes from the newer Terraform docs, and it is sent only when the user sets it.
  assert.deepEqual([...fromDocsOnly], ["spacelift:index/policy:Policy engineType"]);
});

test("the checker catches a misspelled property, a wrong type, a read-only field and a missing required input", () => {
  const policy = "spacelift:index/policy:Policy";
  const good = { name: "p", body: "package spacelift", type: "GIT_PUSH" };
  assert.deepEqual(checkResourceInputs(schema, policy, good), []);
  assert.match(
    checkResourceInputs(schema, policy, { ...good, enginetype: "REGO_V1" }).join("\n"),
    /enginetype: not an input of the provider/,
  );
  assert.match(checkResourceInputs(schema, policy, { ...good, labels: "x" }).join("\n"), /labels: expected a list/);
  assert.match(
    checkResourceInputs(schema, policy, { ...good, engineType: 1 }).join("\n"),
    /engineType: expected String/,
  );
  assert.match(
    checkResourceInputs(schema, "spacelift:index/workerPool:WorkerPool", { name: "p", privateKey: "x" }).join("\n"),
    /privateKey: not an input/,
  );
  assert.match(
    checkResourceInputs(schema, policy, { name: "p", body: "b" }).join("\n"),
    /required input type is not sent/,
  );
  assert.match(
    checkResourceInputs(schema, "spacelift:index/stack:Stack", {
      repository: "r",
      branch: "main",
      workerPoolID: "x",
    }).join("\n"),
    /workerPoolID: not an input/,
  );
  assert.match(
    checkResourceInputs(schema, "spacelift:index/stack:Stack", {
      repository: "r",
      branch: "main",
      pulumi: { loginURL: "s3://x", stackName: "s" },
    }).join("\n"),
    /pulumi\.loginURL: not a property of spacelift:index\/StackPulumi/,
  );
  assert.match(
    checkResourceOutput(schema, "spacelift:index/workerPool:WorkerPool", "privateKeyPem").join("\n"),
    /not an output/,
  );
});

/** The binding's source: per file, its type token, its Args properties and its declared outputs. */
function bindingDeclarations(): Array<{ file: string; type: string; inputs: string[]; outputs: string[] }> {
  const directory = path.join(REPO_ROOT, "components", "spacelift");
  return readdirSync(directory)
    .filter((f) => f.endsWith(".ts") && f !== "index.ts" && f !== "resourceOptions.ts")
    .map((file) => {
      const source = readFileSync(path.join(directory, file), "utf8");
      const type = /static readonly __pulumiType = "([^"]+)"/.exec(source)?.[1];
      assert.ok(type, `${file} declares a type token`);
      const argsBody = /export interface \w+Args \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? "";
      const inputs = [...argsBody.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]);
      const outputs = [...source.matchAll(/declare readonly (\w+):/g)].map((m) => m[1]);
      return { file, type, inputs, outputs };
    });
}

test("every input the binding accepts and every output it declares exists in the provider, type tokens included", () => {
  const declarations = bindingDeclarations();
  assert.deepEqual(declarations.map((d) => d.type).sort(), [
    "spacelift:index/policy:Policy",
    "spacelift:index/policyAttachment:PolicyAttachment",
    "spacelift:index/stack:Stack",
    "spacelift:index/workerPool:WorkerPool",
  ]);
  for (const { file, type, inputs, outputs } of declarations) {
    assert.ok(inputs.length > 0 && outputs.length > 0, `${file}: declarations found`);
    for (const input of inputs) {
      const inSchema = input in schema.resources[type].inputProperties;
      const inDocs = terraformAttributes(terraformResourceName(type)).get(snakeCase(input));
      assert.ok(
        inSchema || (inDocs && inDocs.section !== "Read-Only"),
        `${file}: input ${input} is not an input of ${type}`,
      );
    }
    for (const output of outputs)
      assert.deepEqual(checkResourceOutput(schema, type, output), [], `${file}: output ${output}`);
  }
});

test("outputs the provider marks secret are secret outputs of the binding", async () => {
  const secretOutputs = Object.entries(schema.resources["spacelift:index/workerPool:WorkerPool"].properties)
    .filter(([, p]) => p.secret)
    .map(([n]) => n)
    .sort();
  assert.deepEqual(secretOutputs, ["config", "csr", "privateKey"]);
  const run = await runWithMocks(() => new WorkerPool("pool", { name: "pool" }));
  for (const name of ["config", "privateKey"] as const) {
    assert.equal(await isSecret(run.result[name]), true, name);
    assert.ok((await promiseOf(run.result[name])).length > 0, name);
  }
});
