/**
 * The sample onboarding workflow shipped in examples/bulk-onboarding/ passes
 * the real actionlint (with shellcheck) with no finding, runs the shipped
 * `onboard` command on a persistent backend, and never runs two at once.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { runActionlint, temporaryDirectory } from "./support/cli";
import { REPO_ROOT } from "./support/opa";

const SAMPLE = path.join(REPO_ROOT, "examples/bulk-onboarding/onboard.yml");

test("the sample onboarding workflow is actionlint-clean", () => {
  const repository = temporaryDirectory("onboard-workflow");
  mkdirSync(path.join(repository, ".github/workflows"), { recursive: true });
  copyFileSync(SAMPLE, path.join(repository, ".github/workflows/onboard.yml"));
  const result = runActionlint([".github/workflows/onboard.yml"], repository);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.equal(result.stdout, "");
});

test("the sample runs the shipped onboard command against a bucket, with the passphrase, one run at a time", () => {
  const workflow = parse(readFileSync(SAMPLE, "utf8")) as {
    concurrency: { group: string; "cancel-in-progress": boolean };
    jobs: { onboard: { steps: Array<{ run?: string; env?: Record<string, string> }> } };
  };
  assert.equal(workflow.concurrency["cancel-in-progress"], false);
  const step = workflow.jobs.onboard.steps.find((s) => s.run?.includes("spacelift-signed-runs onboard"));
  assert.ok(step, "no step runs the onboard command");
  assert.match(step.run!, /--repositories repositories\.json --backend "s3:\/\/\$\{STATE_BUCKET\}"/);
  assert.ok(step.env?.PULUMI_CONFIG_PASSPHRASE?.startsWith("${{ secrets."), "the passphrase comes from a secret");
});
