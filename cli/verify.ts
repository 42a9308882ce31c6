import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { InitializationPolicyOptions } from "../components/policy/initializationPolicy";
import { verifyRunToken, type LauncherInput } from "../components/runToken/runToken";
import { spaceliftCapabilities, type OpaCapabilities } from "../components/policy/spaceliftCapabilities";
import { CliError, ExitCode } from "./errors";

export interface Verdict {
  allowed: boolean;
  deny: string[];
  /** "opa <version>" or "built-in jose verifier". */
  engine: string;
}

export const BUILT_IN_ENGINE = "built-in jose verifier";

/** Where `npm run tools` builds OPA in a clone of this repository, relative to the working directory. */
export const CLONE_OPA = path.join(".tools", "bin", "opa-v1");

/**
 * An `opa` executable: the one given, else the first on PATH, else, when OPA is
 * required (`--policy`, `--engine opa`), the one `npm run tools` built in the
 * working directory's clone, else undefined.
 */
export function findOpa(given: string | undefined, required: boolean): string | undefined {
  if (given !== undefined) {
    if (!isExecutable(given)) {
      throw new CliError(
        ExitCode.Usage,
        `--opa: ${given} is not an executable file. Fix: give the path of an opa binary (npm run tools builds one into .tools/bin/)`,
      );
    }
    return given;
  }
  for (const directory of (process.env.PATH ?? "").split(path.delimiter)) {
    if (directory === "") continue;
    const candidate = path.join(directory, "opa");
    if (isExecutable(candidate)) return candidate;
  }
  const built = path.resolve(CLONE_OPA);
  return required && isExecutable(built) ? built : undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function runOpa(opa: string, args: string[], stdin?: string): string {
  const result = spawnSync(opa, args, { input: stdin, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined || result.status !== 0) {
    const detail = result.error?.message ?? result.stderr.trim().split("\n").slice(0, 8).join("\n");
    throw new CliError(ExitCode.Failure, `${opa} ${args[0]} failed: ${detail}`);
  }
  return result.stdout;
}

export function opaVersion(opa: string): string {
  const output = runOpa(opa, ["version"]);
  const version = /^Version:\s*(\S+)/m.exec(output)?.[1];
  if (version === undefined) throw new CliError(ExitCode.Failure, `${opa} version printed no version; is it OPA?`);
  return version;
}

/**
 * Evaluates `data.spacelift.deny` of a policy file in real OPA, with the
 * capabilities a Spacelift launcher has, and returns the deny messages.
 */
export function verifyWithOpa(opa: string, policyFile: string, input: LauncherInput): Verdict {
  const version = opaVersion(opa);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "signed-runs-verify-"));
  try {
    const capabilities = spaceliftCapabilities(
      JSON.parse(runOpa(opa, ["capabilities", "--current"])) as OpaCapabilities,
    );
    const capabilitiesFile = path.join(work, "capabilities.json");
    fs.writeFileSync(capabilitiesFile, JSON.stringify(capabilities));
    const output = runOpa(
      opa,
      [
        "eval",
        "--format",
        "json",
        "--capabilities",
        capabilitiesFile,
        "--data",
        policyFile,
        "--stdin-input",
        "data.spacelift.deny",
      ],
      JSON.stringify(input),
    );
    const parsed = JSON.parse(output) as { result?: { expressions: { value: unknown }[] }[] };
    const value = parsed.result?.[0]?.expressions?.[0]?.value;
    if (!Array.isArray(value)) {
      throw new CliError(
        ExitCode.Usage,
        `--policy: ${policyFile} defines no deny set in package spacelift, so it is not an initialization policy. Fix: pass the launcher/initialization-policy.rego that render wrote`,
      );
    }
    const deny = value.map(String).sort();
    return { allowed: deny.length === 0, deny, engine: `opa ${version}` };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export async function verifyBuiltIn(input: LauncherInput, policy: InitializationPolicyOptions): Promise<Verdict> {
  const verdict = await verifyRunToken(input, policy);
  return { allowed: verdict.allowed, deny: [...verdict.deny].sort(), engine: BUILT_IN_ENGINE };
}

/** Writes a policy text to a private temporary file for OPA, and removes it after `use`. */
export function withTemporaryPolicy<T>(policy: string, use: (file: string) => T): T {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "signed-runs-policy-"));
  try {
    const file = path.join(work, "initialization-policy.rego");
    fs.writeFileSync(file, policy, { mode: 0o600 });
    return use(file);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
