/**
 * The option sets every workflow check runs over: single stack, monorepos with one and with
 * several tracked branches, HS256, ES256, API key, OIDC.
 */
import type { WorkflowOptions, WorkflowSigning } from "../../components/workflow/renderWorkflows";

function signing(algorithm: "HS256" | "ES256", branches: string[], prefix = "SPACELIFT_RUN"): WorkflowSigning {
  return {
    algorithm,
    proposed: { kid: "acme.infra:proposed:2026-11", secretName: `${prefix}_PROPOSED_2026_11` },
    tracked: branches.map((branch) => ({
      branch,
      environment: `spacelift-${branch.replace(/\//g, "-")}`,
      kid: `acme.infra:tracked:${branch.replace(/\//g, "-")}:2026-11`,
      secretName: `${prefix}_TRACKED_2026_11`,
    })),
  };
}

export const WORKFLOW_VARIANTS: Record<string, WorkflowOptions> = {
  "single stack, HS256, API key": {
    stacks: [{ id: "net-prod" }],
    signing: signing("HS256", ["main"]),
    spacelift: { endpoint: "https://acme.app.spacelift.io", auth: { type: "apiKey" } },
  },
  "single stack, ES256, API key": {
    stacks: [{ id: "net-prod", branch: "production", projectRoot: "infra" }],
    signing: signing("ES256", ["production"]),
    spacelift: { endpoint: "https://acme.app.spacelift.io", auth: { type: "apiKey" } },
  },
  "monorepo, two tracked branches, HS256, API key": {
    stacks: [
      { id: "net-prod", branch: "main", projectRoot: "network", additionalProjectGlobs: ["modules/**", "shared/*.tf"] },
      { id: "app-prod", branch: "main", projectRoot: "apps/web" },
      { id: "app-staging", branch: "staging", projectRoot: "apps/web" },
    ],
    signing: signing("HS256", ["main", "staging"], "ACME_RUN_KEY"),
    spacelift: { endpoint: "https://acme.app.spacelift.io", auth: { type: "apiKey" } },
    maxTokenLifetimeSeconds: 900,
  },
  "monorepo, three tracked branches (one with a slash), ES256, OIDC": {
    stacks: [
      { id: "net-prod", branch: "main", projectRoot: "network" },
      { id: "app-prod", branch: "main", projectRoot: "apps/web", additionalProjectGlobs: ["libs/**"] },
      { id: "app-staging", branch: "staging", projectRoot: "apps/web" },
      { id: "app-release", branch: "release/1.x", projectRoot: "apps/web" },
    ],
    signing: signing("ES256", ["main", "staging", "release/1.x"]),
    spacelift: {
      endpoint: "https://acme.app.spacelift.io",
      auth: { type: "oidc", apiKeyId: "01HXAMPLEOIDCKEY000000000", audience: "spacelift-ci" },
    },
  },
  "single stack, HS256, OIDC, self-hosted endpoint with port": {
    stacks: [{ id: "core" }],
    signing: signing("HS256", ["main"]),
    spacelift: {
      endpoint: "https://spacelift.internal.example:8443/",
      auth: { type: "oidc", apiKeyId: "01HXAMPLEOIDCKEY000000000" },
    },
  },
};
