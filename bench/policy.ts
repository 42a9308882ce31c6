/**
 * `npm run bench:policy`: the decision time of data.spacelift.deny, measured
 * with `opa bench` on every OPA engine (each policy also compiled with the
 * Spacelift capabilities), for the
 * rendered initialization policy with 1, 10 and 100 trusted keys, and beside
 * each figure Spacelift's reference policy with a secret filled in, measured
 * in the same run on the same input.
 *
 * The reference policy is read from test/fixtures/reference/initialization-policy.rego
 * (or $REFERENCE_POLICY); its filled-in copy only ever lives in a scratch directory.
 * Allowed runs print this policy's time over the reference's; hostile metadata
 * prints its time against the 50 ms budget.
 */
import { existsSync, readFileSync } from "node:fs";
import * as os from "node:os";
import type { LauncherInput } from "../components/runToken/runToken";
import { REFERENCE_INITIALIZATION_POLICY_FILE } from "../test/support/fixtures";
import { opaEngines, runOpaOk, spaceliftCapabilitiesFile, writeScratch, type OpaEngine } from "../test/support/opa";
import { BENCH_SECRET, HOSTILE_BUDGET_MS, policyScenarios } from "./policyScenarios";

// Spacelift's reference policy, as test/fixtures/ holds it; $REFERENCE_POLICY overrides.
const referencePath = process.env.REFERENCE_POLICY ?? REFERENCE_INITIALIZATION_POLICY_FILE;

interface Measurement {
  microseconds: number;
  allocations: number;
  decision: string;
}

function referencePolicy(): string {
  if (!existsSync(referencePath)) {
    throw new Error(
      `the reference policy is not at ${referencePath}; set REFERENCE_POLICY to Spacelift's reference initialization-policy.rego`,
    );
  }
  const text = readFileSync(referencePath, "utf8");
  const placeholder = '"${SECRET}"';
  if (text.split(placeholder).length !== 2)
    throw new Error(`${referencePath} should hold the ${placeholder} placeholder exactly once`);
  return text.replace(placeholder, JSON.stringify(BENCH_SECRET));
}

/** Each figure is the median of this many `opa bench` runs (BENCH_REPEAT, default 3). */
const REPEAT = Math.max(1, Number.parseInt(process.env.BENCH_REPEAT ?? "3", 10) || 3);

function measure(engine: OpaEngine, policy: string, input: LauncherInput): Measurement {
  const runs = Array.from({ length: REPEAT }, () => measureOnce(engine, policy, input)).sort(
    (a, b) => a.microseconds - b.microseconds,
  );
  return runs[Math.floor(runs.length / 2)];
}

function measureOnce(engine: OpaEngine, policy: string, input: LauncherInput): Measurement {
  // opa bench takes no --capabilities; the eval below compiles with them, so a
  // policy that uses a built-in Spacelift disables fails the benchmark.
  const out = runOpaOk(engine, "bench", [
    "--format",
    "json",
    "--data",
    writeScratch(policy),
    "--input",
    writeScratch(JSON.stringify(input), ".json"),
    "--fail=false",
    "data.spacelift.deny",
  ]);
  const result = JSON.parse(out) as { N: number; T: number; MemAllocs: number };
  const decision = runOpaOk(
    engine,
    "eval",
    [
      "--capabilities",
      spaceliftCapabilitiesFile(engine),
      "--format",
      "json",
      "--data",
      writeScratch(policy),
      "--stdin-input",
      "data.spacelift.deny",
    ],
    JSON.stringify(input),
  );
  const deny = (JSON.parse(decision) as { result: Array<{ expressions: Array<{ value: string[] }> }> }).result[0]
    .expressions[0].value;
  return {
    microseconds: result.T / result.N / 1000,
    allocations: Math.round(result.MemAllocs / result.N),
    decision: deny.length === 0 ? "allow" : "deny",
  };
}

/** The reference is Rego v0 syntax: OPA 1.x parses it only with --v0-compatible. */
function parsesReference(engine: OpaEngine, reference: string): boolean {
  try {
    runOpaOk(engine, "check", ["--capabilities", spaceliftCapabilitiesFile(engine), writeScratch(reference)]);
    return true;
  } catch {
    return false;
  }
}

function format(measurement: Measurement | undefined): string {
  if (!measurement) return "n/a";
  return `${measurement.microseconds.toFixed(1)} µs, ${measurement.allocations} allocs (${measurement.decision})`;
}

async function main(): Promise<void> {
  const reference = referencePolicy();
  const engines = opaEngines();
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(
    "# bench:policy: opa bench of data.spacelift.deny (policies compiled with the Spacelift capabilities too)",
  );
  console.log(
    `machine: ${os.cpus().length} cores, ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, node ${process.version}`,
  );
  console.log(`reference: ${referencePath} (secret filled in, scratch copy only)`);
  console.log(
    `each figure: median of ${REPEAT} opa bench runs; load average at start ${os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(" ")}`,
  );
  console.log("");
  console.log("| scenario | engine | this policy | reference policy | ratio / budget |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const scenario of await policyScenarios()) {
    for (const engine of engines) {
      const ours = measure(engine, scenario.policy, scenario.input);
      const theirs =
        scenario.referenceApplies && parsesReference(engine, reference)
          ? measure(engine, reference, scenario.input)
          : undefined;
      const note = scenario.hostile
        ? "n/a (hostile)"
        : scenario.referenceApplies
          ? "n/a (v0 syntax)"
          : "n/a (HS256 only)";
      const verdict = scenario.hostile
        ? `${(ours.microseconds / 1000).toFixed(2)} ms of ${HOSTILE_BUDGET_MS} ms ${ours.microseconds / 1000 < HOSTILE_BUDGET_MS ? "(within)" : "(OVER)"}`
        : theirs !== undefined
          ? `${(ours.microseconds / theirs.microseconds).toFixed(2)}x`
          : "";
      console.log(
        `| ${scenario.name} | ${engine.name} | ${format(ours)} | ${theirs ? format(theirs) : note} | ${verdict} |`,
      );
    }
  }
  console.log("");
  console.log(
    `load average at end ${os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(" ")}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
