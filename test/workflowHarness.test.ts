/**
 * The workflow harness's own contract: what it models matches GitHub's
 * documented behaviour, and what it does not model makes it throw.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { pushStartsWorkflow } from "./support/githubPushFilter";
import {
  environmentAdmits,
  evaluateStepCondition,
  lookupEnvironment,
  parseCommandFile,
  parseWorkflow,
  runPushWorkflow,
  substituteExpressions,
} from "./support/githubWorkflowHarness";

const context = {
  secrets: { KEY: "s3cret" },
  github: { ref: "refs/heads/main", ref_name: "main", sha: "a".repeat(40) },
  steps: { sign: { outputs: { run_type: "TRACKED", token: "t.o.k" } } },
};

describe("workflow harness", () => {
  test("push filters: * stays within a path segment, ** crosses them, branches and paths must both match", () => {
    assert.equal(
      pushStartsWorkflow({ branches: ["**"], paths: ["network/**"] }, "feature/x", ["network/a/b.tf"]),
      true,
    );
    assert.equal(pushStartsWorkflow({ branches: ["**"], paths: ["network/**"] }, "main", ["networking/a.tf"]), false);
    assert.equal(pushStartsWorkflow({ paths: ["shared/*.tf"] }, "main", ["shared/a.tf"]), true);
    assert.equal(pushStartsWorkflow({ paths: ["shared/*.tf"] }, "main", ["shared/x/a.tf"]), false);
    assert.equal(pushStartsWorkflow({ branches: ["main"] }, "feature", ["a"]), false);
    assert.equal(pushStartsWorkflow({}, "any", []), true);
    assert.throws(() => pushStartsWorkflow({ paths: ["!docs/**"] }, "main", ["a"]), /does not model/);
  });

  test("step if: compares case-insensitively like GitHub and refuses other expressions", () => {
    assert.equal(evaluateStepCondition("steps.sign.outputs.run_type == 'TRACKED'", context), true);
    assert.equal(evaluateStepCondition("${{ steps.sign.outputs.run_type == 'tracked' }}", context), true);
    assert.equal(evaluateStepCondition("steps.sign.outputs.run_type != 'TRACKED'", context), false);
    assert.equal(evaluateStepCondition("steps.other.outputs.x == ''", context), true);
    assert.equal(evaluateStepCondition(undefined, context), true);
    assert.throws(() => evaluateStepCondition("contains(github.ref, 'main')", context), /not modelled/);
    assert.throws(() => evaluateStepCondition("github.event.deleted == 'true'", context), /not modelled/);
  });

  test("env expressions: secrets, github and step outputs, missing ones empty as on GitHub", () => {
    assert.equal(substituteExpressions("${{ secrets.KEY }}", context), "s3cret");
    assert.equal(substituteExpressions("${{ secrets.MISSING }}", context), "");
    assert.equal(
      substituteExpressions("x-${{ github.ref }}-${{ steps.sign.outputs.token }}", context),
      "x-refs/heads/main-t.o.k",
    );
    assert.throws(() => substituteExpressions("${{ toJSON(github) }}", context), /not modelled/);
  });

  test("command files: name=value lines and name<<DELIMITER blocks", () => {
    assert.deepEqual(parseCommandFile("a=1\nb=x=y\nc<<EOF\nline 1\nline 2\nEOF\n"), {
      a: "1",
      b: "x=y",
      c: "line 1\nline 2",
    });
    assert.throws(() => parseCommandFile("c<<EOF\nno end\n"), /unterminated/);
    assert.throws(() => parseCommandFile("no-equals\n"), /malformed/);
  });

  test("refuses what it does not model: actions, expressions inside scripts, other shells, needs:, expression environments", () => {
    const job = (steps: string) =>
      `on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        shell: bash\n    steps:\n${steps}`;
    assert.doesNotThrow(() => parseWorkflow(job("      - run: echo ok\n")));
    assert.throws(() => parseWorkflow(job("      - uses: actions/checkout@v4\n")), /uses an action/);
    assert.throws(() => parseWorkflow(job('      - run: echo "${{ github.ref }}"\n')), /expression inside its run/);
    assert.throws(() => parseWorkflow(job("      - run: echo ok\n        shell: sh\n")), /shell: bash/);
    assert.throws(
      () =>
        parseWorkflow(
          "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n  b:\n    runs-on: ubuntu-latest\n    needs: a\n",
        ),
      /needs/,
    );
    assert.throws(
      () =>
        parseWorkflow("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    environment: ${{ github.ref_name }}\n"),
      /not a plain name/,
    );
    assert.throws(() => parseWorkflow("on: push\njobs: {}\n"), /no jobs/);
  });

  test("deployment branch policies: exact names, case-sensitive; protected branches only; no restriction", () => {
    const selected = { deploymentBranchPolicy: { customBranches: ["main", "release/1.x"] } };
    assert.equal(environmentAdmits(selected, "main", []), true);
    assert.equal(environmentAdmits(selected, "release/1.x", []), true);
    assert.equal(environmentAdmits(selected, "MAIN", []), false);
    assert.equal(environmentAdmits(selected, "main2", []), false);
    assert.equal(environmentAdmits(selected, "feature/main", []), false);
    assert.throws(
      () => environmentAdmits({ deploymentBranchPolicy: { customBranches: ["release/*"] } }, "release/1", []),
      /not modelled/,
    );
    const protectedOnly = { deploymentBranchPolicy: { protectedBranches: true as const } };
    assert.equal(environmentAdmits(protectedOnly, "main", ["main"]), true);
    assert.equal(environmentAdmits(protectedOnly, "feature", ["main"]), false);
    // GitHub: with no branch protection rule anywhere in the repository, every branch can deploy.
    assert.equal(environmentAdmits(protectedOnly, "feature", []), true);
    assert.equal(environmentAdmits({}, "anything", []), true);
  });

  test("environment names are looked up ignoring case; an unknown one is an empty, unrestricted environment", () => {
    const environments = { "Spacelift-Main": { secrets: { K: "v" } } };
    assert.deepEqual(lookupEnvironment(environments, "spacelift-main"), { secrets: { K: "v" } });
    assert.deepEqual(lookupEnvironment(environments, "other"), {});
    assert.throws(() => lookupEnvironment({ a: {}, A: {} }, "a"), /differ only in case/);
  });

  test("a job GitHub does not let into its environment fails before any step; environment secrets override repository secrets only in jobs that name the environment", async () => {
    const workflow = [
      "on:",
      "  push:",
      "jobs:",
      "  gated:",
      "    environment: prod",
      "    runs-on: ubuntu-latest",
      "    defaults:",
      "      run:",
      "        shell: bash",
      "    steps:",
      "      - id: show",
      "        env:",
      "          KEY: ${{ secrets.KEY }}",
      '        run: echo "key=$KEY" >> "$GITHUB_OUTPUT"',
      "  open:",
      "    runs-on: ubuntu-latest",
      "    defaults:",
      "      run:",
      "        shell: bash",
      "    steps:",
      "      - id: show",
      "        env:",
      "          KEY: ${{ secrets.KEY }}",
      '        run: echo "key=$KEY" >> "$GITHUB_OUTPUT"',
      "",
    ].join("\n");
    const options = {
      workflow,
      secrets: { KEY: "repository" },
      environments: { Prod: { deploymentBranchPolicy: { customBranches: ["main"] }, secrets: { KEY: "environment" } } },
    };
    const onMain = await runPushWorkflow({ ...options, push: { branch: "main", sha: "a".repeat(40) } });
    assert.deepEqual(
      onMain.jobs.map((job) => [job.id, job.conclusion, job.steps[0]?.outputs.key]),
      [
        ["gated", "success", "environment"],
        ["open", "success", "repository"],
      ],
    );
    const onFeature = await runPushWorkflow({ ...options, push: { branch: "feature", sha: "a".repeat(40) } });
    const [gated, open] = onFeature.jobs;
    assert.deepEqual([gated.started, gated.conclusion, gated.steps, gated.secretNames], [false, "failure", [], []]);
    assert.equal(
      gated.refusal,
      'Branch "feature" is not allowed to deploy to prod due to environment protection rules.',
    );
    assert.equal(open.steps[0].outputs.key, "repository");
  });

  test("a job-level if: false skips the job", async () => {
    const workflow =
      "on:\n  push:\njobs:\n  only-main:\n    if: github.ref == 'refs/heads/main'\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        shell: bash\n    steps:\n      - run: exit 0\n";
    const run = await runPushWorkflow({ workflow, push: { branch: "dev", sha: "b".repeat(40) } });
    assert.deepEqual(
      run.jobs.map((job) => [job.id, job.conclusion, job.started]),
      [["only-main", "skipped", false]],
    );
  });
});
