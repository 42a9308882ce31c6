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
 */
import { existsSync, readFileSync } from "node:fs";
import * as os from "node:os";
import { renderInitializationPolicy, type TrustedKey } from "../components/initializationPolicy";
import { signRunToken, type LauncherInput, type RunSigningKey } from "../components/runToken";
import { opaEngines, runOpaOk, spaceliftCapabilitiesFile, writeScratch, type OpaEngine } from "../test/support/opa";
import { REFERENCE_INITIALIZATION_POLICY_FILE } from "../test/support/fixtures";
import { COMMIT, ES_KEY, launcherInput } from "../test/support/runTokenCases";

const SECRET = "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz";
const referencePath = process.env.REFERENCE_POLICY ?? REFERENCE_INITIALIZATION_POLICY_FILE;

interface Scenario {
  name: string;
  policy: string;
  input: LauncherInput;
  /** Whether the reference policy can read this input's token (it knows one HS256 secret). */
  referenceApplies: boolean;
}

interface Measurement {
  microseconds: number;
  allocations: number;
  decision: string;
}

function hsKeys(count: number): TrustedKey[] {
  // The token is signed by the last kid, so a lookup cannot get lucky with order.
  return Array.from({ length: count }, (_, i) => ({
    kid: `key-${String(i).padStart(3, "0")}`,
    algorithm: "HS256" as const,
    secret: i === count - 1 ? SECRET : `${SECRET}-${i}`,
    stacks: [`stack-${i}`, "web-prod"],
    runTypes: ["TRACKED", "PROPOSED", "TASK"],
  }));
}

async function scenarios(): Promise<Scenario[]> {
  const run = { commitHash: COMMIT };
  const list: Scenario[] = [];
  for (const count of [1, 10, 100]) {
    const keys = hsKeys(count);
    const key: RunSigningKey = { kid: keys[count - 1].kid, algorithm: "HS256", secret: SECRET };
    const policy = renderInitializationPolicy({ trustedKeys: keys, issuer: "github-actions" });
    const allowed = await signRunToken({ key, commitSha: COMMIT, stack: "web-prod", runType: "TRACKED", branch: "main" });
    const otherStack = await signRunToken({ key, commitSha: COMMIT, stack: "stack-0", runType: "TRACKED", branch: "main" });
    list.push({ name: `${count} HS256 key${count > 1 ? "s" : ""}, valid token`, policy, input: launcherInput([allowed], run), referenceApplies: true });
    list.push({ name: `${count} HS256 key${count > 1 ? "s" : ""}, token for another stack`, policy, input: launcherInput([otherStack], run), referenceApplies: true });
  }
  // The shape of one shared pool serving 1000 repositories: allowed path only.
  const thousand = hsKeys(1000);
  list.push({
    name: "1000 HS256 keys, valid token",
    policy: renderInitializationPolicy({ trustedKeys: thousand, issuer: "github-actions" }),
    input: launcherInput([await signRunToken({ key: { kid: thousand[999].kid, algorithm: "HS256", secret: SECRET }, commitSha: COMMIT, stack: "web-prod", runType: "TRACKED", branch: "main" })], run),
    referenceApplies: true,
  });
  const esPolicy = renderInitializationPolicy({ trustedKeys: [{ kid: "es-1", algorithm: "ES256", publicKeyPem: ES_KEY.publicKeyPem, stacks: ["web-prod"], runTypes: ["TRACKED", "PROPOSED", "TASK"] }] });
  const esToken = await signRunToken({ key: { kid: "es-1", algorithm: "ES256", privateKeyPem: ES_KEY.privateKeyPem }, commitSha: COMMIT, stack: "web-prod", runType: "TRACKED", branch: "main" });
  list.push({ name: "1 ES256 key, valid token", policy: esPolicy, input: launcherInput([esToken], run), referenceApplies: false });
  return list;
}

function referencePolicy(): string {
  if (!existsSync(referencePath)) {
    throw new Error(`the reference policy is not at ${referencePath}; set REFERENCE_POLICY to Spacelift's reference initialization-policy.rego`);
  }
  const text = readFileSync(referencePath, "utf8");
  const placeholder = '"${SECRET}"';
  if (text.split(placeholder).length !== 2) throw new Error(`${referencePath} should hold the ${placeholder} placeholder exactly once`);
  return text.replace(placeholder, JSON.stringify(SECRET));
}

/** Each figure is the median of this many `opa bench` runs (BENCH_REPEAT, default 3). */
const REPEAT = Math.max(1, Number.parseInt(process.env.BENCH_REPEAT ?? "3", 10) || 3);

function measure(engine: OpaEngine, policy: string, input: LauncherInput): Measurement {
  const runs = Array.from({ length: REPEAT }, () => measureOnce(engine, policy, input)).sort((a, b) => a.microseconds - b.microseconds);
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
  const decision = runOpaOk(engine, "eval", ["--capabilities", spaceliftCapabilitiesFile(engine), "--format", "json", "--data", writeScratch(policy), "--stdin-input", "data.spacelift.deny"], JSON.stringify(input));
  const deny = (JSON.parse(decision) as { result: Array<{ expressions: Array<{ value: string[] }> }> }).result[0].expressions[0].value;
  return { microseconds: result.T / result.N / 1000, allocations: Math.round(result.MemAllocs / result.N), decision: deny.length === 0 ? "allow" : "deny" };
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
  console.log("# bench:policy: opa bench of data.spacelift.deny (policies compiled with the Spacelift capabilities too)");
  console.log(`machine: ${os.cpus().length} cores, ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, node ${process.version}`);
  console.log(`reference: ${referencePath} (secret filled in, scratch copy only)`);
  console.log(`each figure: median of ${REPEAT} opa bench runs; load average at start ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}`);
  console.log("");
  console.log("| scenario | engine | this policy | reference policy |");
  console.log("| --- | --- | --- | --- |");
  for (const scenario of await scenarios()) {
    for (const engine of engines) {
      const ours = measure(engine, scenario.policy, scenario.input);
      const theirs = scenario.referenceApplies && parsesReference(engine, reference) ? measure(engine, reference, scenario.input) : undefined;
      const note = scenario.referenceApplies ? "n/a (v0 syntax)" : "n/a (HS256 only)";
      console.log(`| ${scenario.name} | ${engine.name} | ${format(ours)} | ${theirs ? format(theirs) : note} |`);
    }
  }
  console.log("");
  console.log(`load average at end ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
