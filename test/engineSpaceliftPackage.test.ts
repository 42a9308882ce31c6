/**
 * How the Spacelift binding reaches the engine: the parameterized `terraform-provider` package it registers
 * by default (and the package ref every spacelift:* resource then carries), the `local` parameter tests use,
 * and the legacy plugin. Checked on the requests the SDK sends to the resource monitor.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Policy, PolicyAttachment, Stack, WorkerPool } from "../components/spacelift";
import {
  SPACELIFT_PLUGIN_VERSION,
  SPACELIFT_TERRAFORM_PROVIDER_PATH_ENV,
  SPACELIFT_TERRAFORM_PROVIDER_VERSION,
  TERRAFORM_PROVIDER_PLUGIN_VERSION,
  setSpaceliftPackageSource,
} from "../components/spacelift/resourceOptions";
import { findPackageRoot } from "../components/policy/policyFiles";

const REPO_ROOT = findPackageRoot(__dirname);

interface SentPackage {
  name: string;
  version: string;
  parameterName: string;
  parameterVersion: string;
  parameter: unknown;
}
interface SentResource {
  type: string;
  packageRef: string;
  version: string;
  pluginDownloadURL: string;
}

/** Runs `program` under Pulumi's mocks and records what the SDK sends the monitor. */
async function recordMonitor(
  program: () => pulumi.Resource[],
): Promise<{ packages: SentPackage[]; resources: SentResource[] }> {
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
    "p",
    "s",
    false,
  );
  // The monitor is Pulumi's MockMonitor; its requests are the protobuf messages a real engine would get.
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  const packages: SentPackage[] = [];
  const resources: SentResource[] = [];
  const registerPackage = monitor.registerPackage.bind(monitor);
  monitor.registerPackage = (req, cb) => {
    const p = req.getParameterization();
    packages.push({
      name: req.getName(),
      version: req.getVersion(),
      parameterName: p.getName(),
      parameterVersion: p.getVersion(),
      parameter: JSON.parse(Buffer.from(p.getValue_asU8()).toString("utf8")),
    });
    registerPackage(req, cb);
  };
  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    resources.push({
      type: req.getType(),
      packageRef: req.getPackageref(),
      version: req.getVersion(),
      pluginDownloadURL: req.getPlugindownloadurl(),
    });
    registerResource(req, cb);
  };
  const made = program();
  await Promise.all(made.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  return { packages, resources };
}

/** The parts of Pulumi's MockMonitor and its protobuf requests that this test reads. */
type Callback = (err: unknown, resp: unknown) => void;
interface PackageRequest {
  getName(): string;
  getVersion(): string;
  getParameterization(): { getName(): string; getVersion(): string; getValue_asU8(): Uint8Array };
}
interface ResourceRequest {
  getType(): string;
  getPackageref(): string;
  getVersion(): string;
  getPlugindownloadurl(): string;
}
interface MockMonitor {
  registerPackage(req: PackageRequest, cb: Callback): void;
  registerResource(req: ResourceRequest, cb: Callback): void;
}

function allFour(): pulumi.Resource[] {
  const policy = new Policy("p", { body: "package spacelift", type: "GIT_PUSH", name: "p" });
  const stack = new Stack("s", { repository: "infra", branch: "main" });
  return [
    policy,
    stack,
    new PolicyAttachment("a", { policyId: policy.id, stackId: stack.id }),
    new WorkerPool("w", { name: "w" }),
  ];
}

test("by default the binding registers Spacelift's Terraform provider through the bridge, and every spacelift resource carries that package ref", async () => {
  const { packages, resources } = await recordMonitor(allFour);
  // One registration: the SDK caches it per deployment, so all four share one default provider.
  assert.deepEqual(packages, [
    {
      name: "terraform-provider",
      version: TERRAFORM_PROVIDER_PLUGIN_VERSION,
      parameterName: "spacelift",
      parameterVersion: SPACELIFT_TERRAFORM_PROVIDER_VERSION,
      parameter: {
        remote: { url: "registry.opentofu.org/spacelift-io/spacelift", version: SPACELIFT_TERRAFORM_PROVIDER_VERSION },
      },
    },
  ]);
  const spacelift = resources.filter((r) => r.type.startsWith("spacelift:"));
  assert.deepEqual(spacelift.map((r) => r.type).sort(), [
    "spacelift:index/policy:Policy",
    "spacelift:index/policyAttachment:PolicyAttachment",
    "spacelift:index/stack:Stack",
    "spacelift:index/workerPool:WorkerPool",
  ]);
  for (const r of spacelift) {
    assert.equal(r.packageRef, "mock-uuid", `${r.type} carries the package ref the monitor returned`);
    assert.equal(r.version, "", `${r.type}: no plugin version of its own`);
    assert.equal(r.pluginDownloadURL, "", `${r.type}: no download URL of its own`);
  }
});

test("the environment's local provider path selects the bridge's local parameter, on the same code path", async () => {
  const previous = process.env[SPACELIFT_TERRAFORM_PROVIDER_PATH_ENV];
  process.env[SPACELIFT_TERRAFORM_PROVIDER_PATH_ENV] = "/opt/providers/terraform-provider-spacelift";
  try {
    const { packages, resources } = await recordMonitor(() => [
      new Policy("p", { body: "package spacelift", type: "GIT_PUSH" }),
    ]);
    assert.equal(packages.length, 1);
    assert.deepEqual(packages[0].parameter, { local: { path: "/opt/providers/terraform-provider-spacelift" } });
    // The bridge reports a local provider as 0.0.0.
    assert.equal(packages[0].parameterVersion, "0.0.0");
    assert.equal(packages[0].name, "terraform-provider");
    assert.equal(resources.find((r) => r.type === "spacelift:index/policy:Policy")?.packageRef, "mock-uuid");
  } finally {
    if (previous === undefined) delete process.env[SPACELIFT_TERRAFORM_PROVIDER_PATH_ENV];
    else process.env[SPACELIFT_TERRAFORM_PROVIDER_PATH_ENV] = previous;
  }
});

test("the legacy option registers no package: resources name the spacelift 2.1.2 plugin and its server", async () => {
  setSpaceliftPackageSource({ kind: "legacyPlugin" });
  try {
    const { packages, resources } = await recordMonitor(allFour);
    assert.deepEqual(packages, []);
    const spacelift = resources.filter((r) => r.type.startsWith("spacelift:"));
    assert.equal(spacelift.length, 4);
    for (const r of spacelift) {
      assert.equal(r.packageRef, "");
      assert.equal(r.version, SPACELIFT_PLUGIN_VERSION);
      assert.equal(r.pluginDownloadURL, "https://downloads.spacelift.io/pulumi-plugins");
    }
  } finally {
    setSpaceliftPackageSource(undefined);
  }
});

test("a local provider whose file name the bridge cannot read is refused when it is chosen", () => {
  assert.throws(
    () =>
      setSpaceliftPackageSource({
        kind: "terraformBridge",
        parameter: { local: { path: "/opt/providers/spacelift" } },
      }),
    /must start with "terraform-provider-" \(got "spacelift"\)/,
  );
});

test("the bridge plugin is installed under the version the binding registers", () => {
  const installed = readFileSync(
    path.join(REPO_ROOT, "tools", "go", "terraform-bridge", "plugin-version"),
    "utf8",
  ).trim();
  assert.equal(installed, TERRAFORM_PROVIDER_PLUGIN_VERSION);
});
