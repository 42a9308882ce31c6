/**
 * The workflow harness's own contract: what it models matches GitHub's
 * documented behaviour, and what it does not model makes it throw.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { pushStartsWorkflow } from "./support/githubPushFilter";
import { evaluateStepCondition, parseCommandFile, parseWorkflow, substituteExpressions } from "./support/githubWorkflowHarness";

const context = {
  secrets: { KEY: "s3cret" },
  github: { ref: "refs/heads/main", ref_name: "main", sha: "a".repeat(40) },
  steps: { sign: { outputs: { run_type: "TRACKED", token: "t.o.k" } } },
};

describe("workflow harness", () => {
  test("push filters: * stays within a path segment, ** crosses them, branches and paths must both match", () => {
    assert.equal(pushStartsWorkflow({ branches: ["**"], paths: ["network/**"] }, "feature/x", ["network/a/b.tf"]), true);
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
    assert.equal(substituteExpressions("x-${{ github.ref }}-${{ steps.sign.outputs.token }}", context), "x-refs/heads/main-t.o.k");
    assert.throws(() => substituteExpressions("${{ toJSON(github) }}", context), /not modelled/);
  });

  test("command files: name=value lines and name<<DELIMITER blocks", () => {
    assert.deepEqual(parseCommandFile("a=1\nb=x=y\nc<<EOF\nline 1\nline 2\nEOF\n"), { a: "1", b: "x=y", c: "line 1\nline 2" });
    assert.throws(() => parseCommandFile("c<<EOF\nno end\n"), /unterminated/);
    assert.throws(() => parseCommandFile("no-equals\n"), /malformed/);
  });

  test("refuses what it does not model: actions, expressions inside scripts, other shells, several jobs", () => {
    const job = (steps: string) => `on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        shell: bash\n    steps:\n${steps}`;
    assert.doesNotThrow(() => parseWorkflow(job("      - run: echo ok\n")));
    assert.throws(() => parseWorkflow(job("      - uses: actions/checkout@v4\n")), /uses an action/);
    assert.throws(() => parseWorkflow(job('      - run: echo "${{ github.ref }}"\n')), /expression inside its run/);
    assert.throws(() => parseWorkflow(job("      - run: echo ok\n        shell: sh\n")), /shell: bash/);
    assert.throws(() => parseWorkflow("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n  b:\n    runs-on: ubuntu-latest\n"), /exactly one job/);
  });
});
