/** The workflow docs/workflow.md shows is exactly what renderWorkflows produces for the options shown beside it. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { renderWorkflows } from "../components/workflow/renderWorkflows";
import { REPO_ROOT } from "./support/opa";

test("docs/workflow.md's generated workflow is current", () => {
  const page = readFileSync(path.join(REPO_ROOT, "docs", "workflow.md"), "utf8");
  const match =
    /<!-- generated: workflow example -->\n```yaml\n([\s\S]*?)```\n<!-- \/generated: workflow example -->/.exec(page);
  assert.ok(match, "docs/workflow.md has no generated workflow example block");
  const [netProd] = renderWorkflows({
    stacks: [
      { id: "net-prod", branch: "main", projectRoot: "network", additionalProjectGlobs: ["modules/**"] },
      { id: "app-staging", branch: "staging", projectRoot: "apps/web" },
    ],
    signing: {
      algorithm: "ES256",
      proposed: { kid: "acme.infra:proposed:2026-11", secretName: "SPACELIFT_RUN_SIGNING_KEY_PROPOSED_2026_11" },
      tracked: [
        {
          branch: "main",
          environment: "spacelift-main",
          kid: "acme.infra:tracked:main:2026-11",
          secretName: "SPACELIFT_RUN_SIGNING_KEY_TRACKED_2026_11",
        },
        {
          branch: "staging",
          environment: "spacelift-staging",
          kid: "acme.infra:tracked:staging:2026-11",
          secretName: "SPACELIFT_RUN_SIGNING_KEY_TRACKED_2026_11",
        },
      ],
    },
    spacelift: { endpoint: "https://acme.app.spacelift.io", auth: { type: "apiKey" } },
  });
  assert.equal(
    match[1],
    netProd.content,
    "docs/workflow.md's workflow example is stale: paste the current render of the options above it",
  );
});
