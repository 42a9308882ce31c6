// The committed Rego files: `opa test` beside each policy, `opa fmt`,
// `opa check --strict` and Regal, on every OPA engine with Spacelift's capabilities.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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
        const declared = [...readFileSync(path.join(policies, tests), "utf8").matchAll(/^(test_\w+) if/gm)].map(
          (match) => match[1],
        );
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
        runOpaOk(engine, "check", [
          "--strict",
          "--capabilities",
          spaceliftCapabilitiesFile(engine),
          path.join(policies, policy),
          path.join(policies, tests),
        ]);
      }
    });
  }

  const regalConfig = path.join(REPO_ROOT, ".regal", "config.yaml");

  function regalLint(target: string): {
    violations: { title: string; location?: { file?: string; text?: string } }[];
    files: number;
  } {
    const regal = path.join(TOOLS_BIN, "regal");
    assert.ok(existsSync(regal), `${regal} is missing: run \`npm run tools\``);
    // regal exits 3 when it finds violations; the report is on stdout either way.
    const result = spawnSync(regal, ["lint", "--config-file", regalConfig, "--format", "json", target], {
      encoding: "utf8",
      cwd: REPO_ROOT,
    });
    assert.ok(result.status === 0 || result.status === 3, result.stderr);
    const report = JSON.parse(result.stdout) as {
      violations?: { title: string; location?: { file?: string } }[];
      summary: { files_scanned: number };
    };
    return { violations: report.violations ?? [], files: report.summary.files_scanned };
  }

  test("regal lint policies/ with .regal/config.yaml finds nothing, and no policy carries an inline ignore", () => {
    const report = regalLint(policies);
    assert.deepEqual(report.violations, []);
    assert.equal(report.files, 4);
    for (const { policy, tests } of pairs) {
      for (const file of [policy, tests]) {
        assert.doesNotMatch(
          readFileSync(path.join(policies, file), "utf8"),
          /regal ignore/,
          `${file}: Regal's ignores belong in .regal/config.yaml`,
        );
      }
    }
  });

  test("regal: a rule without the _ prefix and without METADATA is reported (the config's missing-metadata is live)", () => {
    const directory = mkdtempSync(path.join(tmpdir(), "regal-control-"));
    try {
      // Regal's missing-metadata is an aggregate rule: it needs the whole directory.
      for (const { policy, tests } of pairs) {
        for (const file of [policy, tests])
          writeFileSync(path.join(directory, file), readFileSync(path.join(policies, file), "utf8"));
      }
      const policyFile = path.join(directory, "initialization-policy.rego");
      const text = readFileSync(policyFile, "utf8");
      assert.ok(text.includes("\n_max_quoted_length := 128\n"));
      writeFileSync(
        policyFile,
        text.replace("\n_max_quoted_length := 128\n", "\n_max_quoted_length := 128\n\nhelper_without_prefix := 1\n"),
      );
      const reported = regalLint(directory).violations.filter((violation) => violation.title === "missing-metadata");
      assert.deepEqual(
        reported.map((violation) => violation.location?.text),
        ["helper_without_prefix := 1"],
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
