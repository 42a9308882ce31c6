/**
 * The stand-in providers' own tests (Go, test/standins) and their build: `go test` runs the
 * behaviour tests of each stand-in (fake GitHub, random, tls, fake Spacelift through the Terraform
 * protocol); the build manifest must carry the plugin versions the npm SDKs request, or the engine
 * would look for plugins that are not installed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT, STANDINS_SOURCE, spaceliftProviderPath, standinPlugins } from "./support/standins";

function goBinary(): string {
  for (const candidate of ["go", "/usr/local/go/bin/go"]) {
    if (spawnSync(candidate, ["version"]).status === 0) return candidate;
  }
  throw new Error(
    "no Go toolchain found (looked on PATH and in /usr/local/go/bin). Fix: install Go >= 1.24; the stand-ins are Go code",
  );
}

test("stand-ins: the Go tests of the GitHub, random, tls and Spacelift stand-ins pass", () => {
  const result = spawnSync(goBinary(), ["test", "-count=1", "./..."], {
    cwd: STANDINS_SOURCE,
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  assert.equal(result.status, 0, `go test failed:\n${result.stdout}\n${result.stderr}`);
  for (const pkg of ["internal/github", "internal/randomtls", "internal/spacelift"]) {
    assert.match(result.stdout, new RegExp(`^ok\\s+\\S+/${pkg}\\s`, "m"), `${pkg} ran no tests:\n${result.stdout}`);
  }
});

test("stand-ins: each plugin is built at the version its npm package requests, and the Spacelift provider is a terraform-provider-* binary", () => {
  const plugins = standinPlugins();
  assert.deepEqual(plugins.map((p) => p.name).sort(), ["github", "random", "tls"]);
  for (const plugin of plugins) {
    const pkg = JSON.parse(
      readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", plugin.name, "package.json"), "utf8"),
    ) as { pulumi: { version: string } };
    assert.equal(
      plugin.version,
      pkg.pulumi.version,
      `${plugin.name}: built as ${plugin.version}, the SDK requests ${pkg.pulumi.version}; run 'bash scripts/build-standins.sh'`,
    );
    assert.equal(path.basename(plugin.file), `pulumi-resource-${plugin.name}`);
  }
  // The dynamic bridge loads a local provider only from a file named terraform-provider-<name>.
  assert.equal(path.basename(spaceliftProviderPath()), "terraform-provider-spacelift");
});
