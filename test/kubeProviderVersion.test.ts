/**
 * @pulumi/kubernetes asks the engine for the `kubernetes` plugin at its own version;
 * the provider built by scripts/install-kube-tools.sh must be that version, or the
 * engine would look for (and, offline, fail to find) another one.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { REPO_ROOT } from "./support/opa";

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;

describe("the Kubernetes provider's version", () => {
  const built = readFileSync(path.join(REPO_ROOT, "tools", "go", "pulumi-kubernetes", "plugin-version"), "utf8").trim();

  it("is pinned exactly in package.json to the version the provider is built as", () => {
    const dependencies = readJson(path.join(REPO_ROOT, "package.json")).dependencies as Record<string, string>;
    assert.equal(dependencies["@pulumi/kubernetes"], built);
  });

  it("is the plugin version the installed @pulumi/kubernetes requests", () => {
    const installed = readJson(path.join(REPO_ROOT, "node_modules", "@pulumi", "kubernetes", "package.json"));
    assert.deepEqual(installed.pulumi, { resource: true, name: "kubernetes", version: built });
  });

  it("names a release whose tag is the commit the provider module is pinned at", () => {
    // v4.25.0 is tagged on commit f47bc2d6f199; the proxy serves that commit only as this pseudo-version.
    const goMod = readFileSync(path.join(REPO_ROOT, "tools", "go", "pulumi-kubernetes", "go.mod"), "utf8");
    const pins: Record<string, string> = { "4.25.0": "v4.0.0-20260115033456-f47bc2d6f199" };
    assert.ok(pins[built], `no known commit for ${built}: add the tag's pseudo-version here after checking it`);
    assert.match(
      goMod,
      new RegExp(`^\\s*(require\\s+)?github\\.com/pulumi/pulumi-kubernetes/provider/v4 ${pins[built]}$`, "m"),
    );
  });
});
