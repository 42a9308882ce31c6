/** The option sets every workflow check runs over: single stack, monorepo, HS256, ES256, API key, OIDC. */
import type { WorkflowOptions } from "../../components/workflows";

export const WORKFLOW_VARIANTS: Record<string, WorkflowOptions> = {
  "single stack, HS256, API key": {
    stacks: [{ id: "net-prod" }],
    signing: { algorithm: "HS256", kid: "acme-2026-11" },
    spacelift: { endpoint: "https://acme.app.spacelift.io", auth: { type: "apiKey" } },
  },
  "single stack, ES256, API key": {
    stacks: [{ id: "net-prod", branch: "production", projectRoot: "infra" }],
    signing: { algorithm: "ES256", kid: "acme-es-1" },
    spacelift: { endpoint: "https://acme.app.spacelift.io", auth: { type: "apiKey" } },
  },
  "monorepo, HS256, API key": {
    stacks: [
      { id: "net-prod", branch: "main", projectRoot: "network", additionalProjectGlobs: ["modules/**", "shared/*.tf"] },
      { id: "app-prod", branch: "main", projectRoot: "apps/web" },
      { id: "app-staging", branch: "staging", projectRoot: "apps/web" },
    ],
    signing: { algorithm: "HS256", kid: "acme-2026-11", secretName: "ACME_RUN_KEY" },
    spacelift: { endpoint: "https://acme.app.spacelift.io", auth: { type: "apiKey" } },
    maxTokenLifetimeSeconds: 900,
  },
  "monorepo, ES256, OIDC": {
    stacks: [
      { id: "net-prod", projectRoot: "network" },
      { id: "app-prod", projectRoot: "apps/web", additionalProjectGlobs: ["libs/**"] },
    ],
    signing: { algorithm: "ES256", kid: "acme-es-1" },
    spacelift: { endpoint: "https://acme.app.spacelift.io", auth: { type: "oidc", apiKeyId: "01HXAMPLEOIDCKEY000000000", audience: "spacelift-ci" } },
  },
  "single stack, HS256, OIDC, self-hosted endpoint with port": {
    stacks: [{ id: "core" }],
    signing: { algorithm: "HS256", kid: "core-1" },
    spacelift: { endpoint: "https://spacelift.internal.example:8443/", auth: { type: "oidc", apiKeyId: "01HXAMPLEOIDCKEY000000000" } },
  },
};
