// The committed Rego files: `opa test` beside each policy, `opa fmt`,
// `opa check --strict` and Regal, on every OPA engine with Spacelift's capabilities.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { REPO_ROOT, TOOLS_BIN, opaEngines, runOpa, runOpaOk, spaceliftCapabilitiesFile } from "./support/opa";

const policies = path.join(REPO_ROOT, "policies");
const pairs = [
  { policy: "initialization-policy.rego", tests: "initialization-policy_test.rego" },
  { policy: "push-policy.rego", tests: "push-policy_test.rego" },
];

interface OpaTestResult {
  name: string;
  fail?: boolean;
  error?: unknown;
  skip?: boolean;
}

describe("Rego unit tests and lint", () => {
  for (const engine of opaEngines()) {
    for (const { policy, tests } of pairs) {
      test(`${engine.name}: opa test ${policy} ${tests}`, () => {
        const declared = [...readFileSync(path.join(policies, tests), "utf8").matchAll(/^(test_\w+) if/gm)].map((match) => match[1]);
        assert.ok(declared.length >= 3, `${tests} declares tests`);
        const result = runOpa(engine, "test", [
          "--capabilities",
          spaceliftCapabilitiesFile(engine),
          "--format",
          "json",
          path.join(policies, policy),
          path.join(policies, tests),
        ]);
        const results = JSON.parse(result.stdout) as OpaTestResult[];
        const failed = results.filter((entry) => entry.fail || entry.error || entry.skip);
        assert.deepEqual(failed, [], `failing Rego tests:\n${result.stdout}\n${result.stderr}`);
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(results.map((entry) => entry.name).sort(), [...declared].sort(), "every declared test ran");
      });
    }

    test(`${engine.name}: every committed .rego file is opa fmt clean and passes opa check --strict`, () => {
      const files = pairs.flatMap(({ policy, tests }) => [path.join(policies, policy), path.join(policies, tests)]);
      for (const file of files) {
        assert.equal(runOpaOk(engine, "fmt", ["--diff", file]), "", `${engine.name} fmt would change ${file}`);
      }
      for (const { policy, tests } of pairs) {
        runOpaOk(engine, "check", ["--strict", "--capabilities", spaceliftCapabilitiesFile(engine), path.join(policies, policy), path.join(policies, tests)]);
      }
    });
  }

  test("regal lint policies/ finds nothing", () => {
    const regal = path.join(TOOLS_BIN, "regal");
    assert.ok(existsSync(regal), `${regal} is missing: run \`npm run tools\``);
    const out = execFileSync(regal, ["lint", "--format", "json", policies], { encoding: "utf8" });
    const report = JSON.parse(out) as { violations?: unknown[]; summary: { files_scanned: number } };
    assert.deepEqual(report.violations ?? [], []);
    assert.equal(report.summary.files_scanned, 4);
  });
});
