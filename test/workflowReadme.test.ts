/** The workflow the README shows is exactly what renderWorkflows produces for the options shown beside it. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { renderWorkflows } from "../components/workflows";
import { REPO_ROOT } from "./support/opa";

test("the README's generated workflow is current", () => {
  const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const match = /<!-- generated: workflow example -->\n```yaml\n([\s\S]*?)```\n<!-- \/generated: workflow example -->/.exec(readme);
  assert.ok(match, "README.md has no generated workflow example block");
  const [netProd] = renderWorkflows({
    stacks: [
      { id: "net-prod", branch: "main", projectRoot: "network", additionalProjectGlobs: ["modules/**"] },
      { id: "app-prod", branch: "main", projectRoot: "apps/web" },
    ],
    signing: { algorithm: "ES256", kid: "acme-2026-11" },
    spacelift: { endpoint: "https://acme.app.spacelift.io", auth: { type: "apiKey" } },
  });
  assert.equal(match[1], netProd.content, "README.md's workflow example is stale: paste the current render of the options above it");
});
