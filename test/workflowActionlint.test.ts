/**
 * Every workflow variant passes the real actionlint (with the real shellcheck)
 * with zero findings. Two deliberately bad workflows prove the tools are live:
 * an unquoted variable (a shellcheck finding) and an event value inside a
 * script (actionlint's injection check).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { renderWorkflows } from "../components/workflow/renderWorkflows";
import { TOOLS_BIN } from "./support/opa";
import { WORKFLOW_VARIANTS } from "./support/workflowVariants";

const scratch = mkdtempSync(path.join(os.tmpdir(), "signed-runs-actionlint-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function tools(): { actionlint: string; shellcheck: string } {
  const actionlint = path.join(TOOLS_BIN, "actionlint");
  assert.ok(
    existsSync(actionlint),
    `${actionlint} is missing: run \`npm run tools\` (scripts/install-tools.sh builds actionlint into .tools/bin)`,
  );
  const found = spawnSync("sh", ["-c", "command -v shellcheck"], { encoding: "utf8" });
  const shellcheck = found.stdout.trim();
  // Without shellcheck actionlint silently skips the scripts, so its absence is a failure.
  assert.ok(
    found.status === 0 && shellcheck !== "",
    "shellcheck is not on PATH: install it (Debian: apt-get install shellcheck)",
  );
  return { actionlint, shellcheck };
}

interface Finding {
  message: string;
  kind: string;
  filepath: string;
  line: number;
}

function actionlint(files: Array<{ path: string; content: string }>, name: string): Finding[] {
  const { actionlint: binary, shellcheck } = tools();
  const repository = path.join(scratch, name.replace(/[^a-z0-9]+/gi, "-"));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(repository, file.path)), { recursive: true });
    writeFileSync(path.join(repository, file.path), file.content);
  }
  const result = spawnSync(
    binary,
    ["-no-color", "-shellcheck", shellcheck, "-format", "{{json .}}", ...files.map((file) => file.path)],
    {
      cwd: repository,
      encoding: "utf8",
    },
  );
  if (result.error) throw result.error;
  const findings = result.stdout.trim() === "" ? [] : (JSON.parse(result.stdout) as Finding[]);
  // Exit 0: clean, 1: findings; anything else is a failure of actionlint itself.
  assert.ok(result.status === 0 || result.status === 1, `actionlint exited ${result.status}: ${result.stderr}`);
  assert.equal(
    result.status === 1,
    findings.length > 0,
    `actionlint's exit code and findings disagree: ${result.stdout}${result.stderr}`,
  );
  return findings;
}

describe("actionlint + shellcheck", () => {
  for (const [name, options] of Object.entries(WORKFLOW_VARIANTS)) {
    test(`${name}: zero findings`, () => {
      const files = renderWorkflows(options);
      assert.equal(files.length, options.stacks.length);
      assert.deepEqual(actionlint(files, name), []);
    });
  }

  test("control: shellcheck findings are reported (an unquoted variable)", () => {
    const [file] = renderWorkflows(WORKFLOW_VARIANTS["single stack, HS256, API key"]);
    const broken = file.content.replace('--id "$SPACELIFT_STACK_ID"', "--id $SPACELIFT_STACK_ID");
    assert.notEqual(broken, file.content);
    const findings = actionlint([{ path: file.path, content: broken }], "control-shellcheck");
    assert.ok(
      findings.some((finding) => finding.kind === "shellcheck" && /SC2086/.test(finding.message)),
      JSON.stringify(findings),
    );
  });

  test("control: an event value inside a script is reported as an injection risk", () => {
    const [file] = renderWorkflows(WORKFLOW_VARIANTS["single stack, HS256, API key"]);
    const broken = file.content.replace(
      '--sha "$GITHUB_SHA"',
      '--sha "$GITHUB_SHA" --note "${{ github.event.head_commit.message }}"',
    );
    assert.notEqual(broken, file.content);
    const findings = actionlint([{ path: file.path, content: broken }], "control-injection");
    assert.ok(
      findings.some((finding) => finding.kind === "expression" && /potentially untrusted/.test(finding.message)),
      JSON.stringify(findings),
    );
  });
});
