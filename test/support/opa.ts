/**
 * Runs real OPA binaries for the tests: OPA 1.x (default and --v0-compatible)
 * and OPA 0.70.x, each with a capabilities file that lacks the built-ins
 * Spacelift disables. Nothing here interprets Rego; OPA does.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findPackageRoot } from "../../components/policy/policyFiles";
import { spaceliftCapabilities, type OpaCapabilities } from "../../components/policy/spaceliftCapabilities";

export interface OpaEngine {
  /** e.g. "opa 1.22.3", "opa 1.22.3 --v0-compatible", "opa 0.70.0" */
  name: string;
  binary: string;
  /** Flags that go right after the subcommand (opa eval <args> ...). */
  args: string[];
}

export const REPO_ROOT = findPackageRoot(__dirname);
export const TOOLS_BIN = path.join(REPO_ROOT, ".tools", "bin");

function requireBinary(name: string): string {
  const binary = path.join(TOOLS_BIN, name);
  if (!existsSync(binary)) {
    throw new Error(
      `${binary} is missing: run \`npm run tools\` (scripts/install-tools.sh builds OPA 1.x and 0.70.x into .tools/bin); the policy tests never skip without it`,
    );
  }
  return binary;
}

const versions = new Map<string, string>();
function opaVersion(binary: string): string {
  let version = versions.get(binary);
  if (version === undefined) {
    const out = execFileSync(binary, ["version"], { encoding: "utf8" });
    const match = /^Version:\s*(\S+)/m.exec(out);
    if (!match) throw new Error(`cannot read the version of ${binary} from: ${out}`);
    version = match[1];
    versions.set(binary, version);
  }
  return version;
}

let engines: OpaEngine[] | undefined;
/** OPA 1.x, OPA 1.x --v0-compatible and OPA 0.70.x. Throws (never skips) when a binary is missing. */
export function opaEngines(): OpaEngine[] {
  if (engines === undefined) {
    const v1 = requireBinary("opa-v1");
    const v0 = requireBinary("opa-v0");
    const v1Version = opaVersion(v1);
    const v0Version = opaVersion(v0);
    assert.match(v1Version, /^1\./, `${v1} should be OPA 1.x, is ${v1Version}`);
    assert.match(v0Version, /^0\.70\./, `${v0} should be OPA 0.70.x, is ${v0Version}`);
    engines = [
      { name: `opa ${v1Version}`, binary: v1, args: [] },
      { name: `opa ${v1Version} --v0-compatible`, binary: v1, args: ["--v0-compatible"] },
      { name: `opa ${v0Version}`, binary: v0, args: [] },
    ];
  }
  return engines;
}

const scratch = path.join(os.tmpdir(), `signed-runs-opa-${process.pid}`);
// Policies written here may hold (test) secrets; nothing outlives the process.
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
function scratchFile(name: string, content: string): string {
  mkdirSync(scratch, { recursive: true });
  const file = path.join(scratch, name);
  if (!existsSync(file)) {
    const temporary = `${file}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  }
  return file;
}

function contentName(content: string, extension: string): string {
  return `${createHash("sha256").update(content).digest("hex").slice(0, 24)}${extension}`;
}

/** Writes text to a scratch file named by its hash (so OPA reports a stable path) and returns the path. */
export function writeScratch(content: string, extension = ".rego"): string {
  return scratchFile(contentName(content, extension), content);
}

const capabilityFiles = new Map<string, string>();
/**
 * The engine's own `opa capabilities --current` minus the built-ins Spacelift
 * disables, generated per OPA version so it always matches the binary.
 */
export function spaceliftCapabilitiesFile(engine: OpaEngine): string {
  let file = capabilityFiles.get(engine.binary);
  if (file === undefined) {
    const current = JSON.parse(
      execFileSync(engine.binary, ["capabilities", "--current"], { encoding: "utf8", maxBuffer: 64 << 20 }),
    ) as OpaCapabilities;
    const spacelift = spaceliftCapabilities(current);
    file = writeScratch(JSON.stringify(spacelift, null, 1), `.capabilities-${opaVersion(engine.binary)}.json`);
    capabilityFiles.set(engine.binary, file);
  }
  return file;
}

export interface OpaResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `opa <subcommand> <engine args> <args>`; never throws on a non-zero exit. */
export function runOpa(engine: OpaEngine, subcommand: string, args: string[], stdin?: string): OpaResult {
  const result = spawnSync(engine.binary, [subcommand, ...engine.args, ...args], {
    input: stdin,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Like runOpa, but throws with OPA's output when it exits non-zero. */
export function runOpaOk(engine: OpaEngine, subcommand: string, args: string[], stdin?: string): string {
  const result = runOpa(engine, subcommand, args, stdin);
  if (result.status !== 0) {
    throw new Error(
      `${engine.name} ${subcommand} ${args.join(" ")} exited ${result.status}:\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

/** Evaluates a query against the policy with Spacelift's capabilities and returns the value (undefined when the query is undefined). */
export function evaluateQuery(
  engine: OpaEngine,
  policyText: string,
  query: string,
  input: unknown,
  extraData?: unknown,
): unknown {
  const args = [
    "--capabilities",
    spaceliftCapabilitiesFile(engine),
    "--format",
    "json",
    "--data",
    writeScratch(policyText),
  ];
  if (extraData !== undefined) args.push("--data", writeScratch(JSON.stringify(extraData), ".json"));
  args.push("--stdin-input", query);
  const out = runOpaOk(engine, "eval", args, JSON.stringify(input ?? null));
  const parsed = JSON.parse(out) as { result?: Array<{ expressions: Array<{ value: unknown }> }> };
  return parsed.result?.[0]?.expressions[0]?.value;
}

function asDenyList(engine: OpaEngine, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((message) => typeof message !== "string")) {
    throw new Error(`${engine.name}: data.spacelift.deny is not a set of strings: ${JSON.stringify(value)}`);
  }
  return [...(value as string[])].sort();
}

/** The sorted messages of data.spacelift.deny for one input. */
export function evaluateDeny(engine: OpaEngine, policyText: string, input: unknown): string[] {
  return asDenyList(engine, evaluateQuery(engine, policyText, "data.spacelift.deny", input));
}

/**
 * data.spacelift.deny for many inputs in one OPA process: each input is
 * evaluated with `with input as`, which OPA evaluates exactly like a separate
 * call. Results are in the order of `inputs`.
 */
export function evaluateDenyBatch(engine: OpaEngine, policyText: string, inputs: unknown[]): string[][] {
  if (inputs.length === 0) return [];
  const query =
    "{i: deny | some i; case := data.signed_runs_test_cases[i]; deny := data.spacelift.deny with input as case}";
  const value = evaluateQuery(engine, policyText, query, null, {
    signed_runs_test_cases: inputs.map((input) => input ?? null),
  });
  if (typeof value !== "object" || value === null)
    throw new Error(`${engine.name}: batch query returned ${JSON.stringify(value)}`);
  return inputs.map((_, index) => asDenyList(engine, (value as Record<string, unknown>)[String(index)]));
}

/** data.spacelift.deny on every engine. */
export function denyOnEveryEngine(policyText: string, input: unknown): Array<{ engine: string; deny: string[] }> {
  return opaEngines().map((engine) => ({ engine: engine.name, deny: evaluateDeny(engine, policyText, input) }));
}

/** Fails unless deny is empty on every engine. */
export function assertAllowedEverywhere(policyText: string, input: unknown): void {
  for (const { engine, deny } of denyOnEveryEngine(policyText, input)) {
    assert.deepEqual(deny, [], `${engine} denied a run that should be allowed: ${JSON.stringify(deny)}`);
  }
}

/** Fails unless deny is non-empty on every engine and, when `expected` is given, some message matches it. */
export function assertDeniedEverywhere(policyText: string, input: unknown, expected?: string | RegExp): void {
  for (const { engine, deny } of denyOnEveryEngine(policyText, input)) {
    assert.ok(deny.length > 0, `${engine} allowed a run that should be denied`);
    if (expected !== undefined) {
      const matches = deny.some((message) =>
        typeof expected === "string" ? message.includes(expected) : expected.test(message),
      );
      assert.ok(matches, `${engine} denied, but no message matches ${String(expected)}: ${JSON.stringify(deny)}`);
    }
  }
}
