// The push policy on every OPA engine: it ignores push and pull request events
// (inputs shaped like Spacelift's documented Git push policy input) and decides nothing else.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { PUSH_POLICY_PATH, renderPushPolicy } from "../components/policy/pushPolicy";
import { REPO_ROOT, evaluateQuery, opaEngines } from "./support/opa";

const commit = {
  author: "alice",
  branch: "main",
  created_at: 1764000000000000000,
  hash: "4f1c2a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a",
  message: "Change",
  tag: "",
  url: "https://github.com/acme/infra/commit/4f1c2a9e",
};
const stack = {
  additional_project_globs: [],
  administrative: false,
  autodeploy: true,
  branch: "main",
  id: "web-prod",
  labels: [],
  name: "web-prod",
  project_root: "web",
  repository: "infra",
  state: "FINISHED",
  tracked_commit: commit,
  worker_pool: { id: "01HZZPOOL", labels: [], name: "signed", public: false },
};
const vcs = { id: "github-default", name: "GitHub", provider: "GITHUB", is_default: true, labels: [] };

const events: Array<{ name: string; input: unknown }> = [
  {
    name: "push to the tracked branch",
    input: {
      push: {
        affected_files: ["web/index.ts"],
        author: "alice",
        branch: "main",
        created_at: 1764000000000000000,
        hash: commit.hash,
        message: "Change",
        tag: "",
      },
      stack,
      vcs_integration: vcs,
      in_progress: [],
    },
  },
  {
    name: "push to another branch",
    input: {
      push: {
        affected_files: ["web/index.ts"],
        author: "mallory",
        branch: "feature",
        created_at: 1764000000000000000,
        hash: commit.hash,
        message: "x",
        tag: "",
      },
      stack,
      vcs_integration: vcs,
      in_progress: [],
    },
  },
  {
    name: "tag push",
    input: {
      push: {
        affected_files: [],
        author: "alice",
        branch: "",
        created_at: 1764000000000000000,
        hash: commit.hash,
        message: "",
        tag: "v1.0.0",
      },
      stack,
      vcs_integration: vcs,
      in_progress: [],
    },
  },
  {
    name: "pull request opened",
    input: {
      pull_request: {
        action: "opened",
        action_initiator: "alice",
        author: "alice",
        base: commit,
        head: { ...commit, branch: "feature" },
        closed: false,
        diff: ["web/index.ts"],
        draft: false,
        id: 12,
        labels: [],
        title: "Change",
        approved: false,
        mergeable: true,
        undiverged: true,
      },
      stack,
      vcs_integration: vcs,
      in_progress: [],
    },
  },
];

describe("push policy", () => {
  test("renderPushPolicy returns policies/push-policy.rego", () => {
    assert.equal(PUSH_POLICY_PATH, path.join(REPO_ROOT, "policies", "push-policy.rego"));
    assert.equal(renderPushPolicy(), readFileSync(PUSH_POLICY_PATH, "utf8"));
  });

  for (const engine of opaEngines()) {
    for (const { name, input } of events) {
      test(`${engine.name}: ignores a ${name} and decides nothing else`, () => {
        assert.deepEqual(evaluateQuery(engine, renderPushPolicy(), "data.spacelift", input), { ignore: true });
      });
    }
  }
});
