/**
 * Script injection, executed: branch names and commit messages carrying shell
 * metacharacters, quotes, backticks and newlines reach the scripts only through
 * env:, so they are signed as exact values and execute nothing.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { decodeJwt } from "jose";
import { PINNED_SPACECTL_VERSION } from "../components/workflow/renderWorkflows";
import { assertAllowedEverywhere } from "./support/opa";
import {
  executePush,
  githubFor,
  policyFor,
  randomSha,
  repositoryKeys,
  singleStackWorkflow,
} from "./support/workflowTestbed";

const STACKS = [{ id: "net-prod", branch: "main" }];
const markers = mkdtempSync(path.join(os.tmpdir(), "signed-runs-injection-"));
after(() => rmSync(markers, { recursive: true, force: true }));
const marker = (name: string): string => path.join(markers, name);

/** Whether git itself accepts the name as a branch (GitHub can only push names git accepts). */
function gitAcceptsBranch(name: string): boolean {
  const result = spawnSync("git", ["check-ref-format", "--branch", name], { encoding: "utf8" });
  if (result.error) throw result.error;
  return result.status === 0;
}

const BRANCHES: Array<{ name: string; gitAllows: boolean }> = [
  // Names git accepts: no spaces, so ${IFS} stands in for them.
  { name: `$(touch\${IFS}${marker("command-substitution")})`, gitAllows: true },
  { name: `a";touch\${IFS}${marker("double-quote-break")};"`, gitAllows: true },
  { name: `\`touch\${IFS}${marker("backticks")}\``, gitAllows: true },
  { name: `it's'$(touch\${IFS}${marker("single-quote-break")})'`, gitAllows: true },
  { name: `x;touch\${IFS}${marker("semicolon")}&&echo|tee\${IFS}${marker("pipe")}`, gitAllows: true },
  { name: "x${{secrets.SPACELIFT_API_KEY_SECRET}}", gitAllows: true },
  // Worse than git allows: spaces, newlines and a workflow command on its own line.
  { name: `$(touch ${marker("spaces")})`, gitAllows: false },
  { name: `a"; touch ${marker("spaces-quote")}; "`, gitAllows: false },
  {
    name: `line1\n$(touch ${marker("newline")})\n::add-mask::main\n::set-output name=run_type::TRACKED`,
    gitAllows: false,
  },
];

describe("injection through the push event is inert", () => {
  test("the cases are what they claim: git accepts the first group and refuses the second", () => {
    for (const branch of BRANCHES)
      assert.equal(gitAcceptsBranch(branch.name), branch.gitAllows, JSON.stringify(branch.name));
  });

  for (const branch of BRANCHES) {
    test(`branch ${JSON.stringify(branch.name)} is signed exactly and runs nothing`, async () => {
      const keys = repositoryKeys("HS256");
      const sha = randomSha();
      const { job, api } = await executePush(singleStackWorkflow(keys), STACKS, {
        push: { branch: branch.name, sha },
        ...githubFor(keys),
        preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
      });
      assert.equal(
        job.conclusion,
        "success",
        job.steps.map((step) => `${step.name}\n${step.stdout}${step.stderr}`).join("\n"),
      );
      assert.deepEqual(readdirSync(markers), [], "an injected command ran");
      assert.equal(api.runs.length, 1);
      const run = api.runs[0];
      assert.equal(run.runType, "PROPOSED");
      const claims = decodeJwt(run.metadata ?? "");
      assert.equal(claims.branch, branch.name);
      assert.equal(claims.sub, sha);
      assert.equal(claims.run_type, "PROPOSED");
      // The sign step's outputs are exactly its two, whatever the branch held.
      assert.deepEqual(Object.keys(job.steps[1].outputs).sort(), ["run_type", "token"]);
      // The log shows the branch JSON-quoted on one line: no line of it can act as a workflow command.
      assert.ok(job.steps[1].stdout.includes(`branch ${JSON.stringify(branch.name)}`));
      assertAllowedEverywhere(policyFor(keys, STACKS), api.launcherInput(run));
    });
  }

  test("a commit message full of shell syntax runs nothing", async () => {
    const keys = repositoryKeys("HS256");
    const message = [
      `$(touch ${marker("message-substitution")})`,
      `\`touch ${marker("message-backticks")}\``,
      `"; touch ${marker("message-quote")}; "`,
      `'; touch ${marker("message-single-quote")}; '`,
      "::add-mask::main",
    ].join("\n");
    const { job, api } = await executePush(singleStackWorkflow(keys), STACKS, {
      push: { branch: "main", sha: randomSha(), commitMessage: message },
      ...githubFor(keys),
      preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
    });
    assert.equal(job.conclusion, "success");
    assert.deepEqual(readdirSync(markers), [], "an injected command ran");
    assert.equal(api.runs.length, 1);
    assert.equal(api.runs[0].runType, "TRACKED");
    assert.ok(!existsSync(marker("message-substitution")));
  });
});
