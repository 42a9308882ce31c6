/**
 * Runs the compiled `spacelift-signed-runs` CLI as a child process, the way a
 * user runs it, and gives its exit code and output.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, symlinkSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT, TOOLS_BIN } from "./opa";

export const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd?: string;
  stdin?: string;
  /** The PATH the CLI sees; default: an empty directory, so no opa is found unless given. */
  path?: string;
}

export function runCli(args: string[], options: CliRunOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    input: options.stdin,
    encoding: "utf8",
    env: { ...process.env, PATH: options.path ?? emptyDirectory() },
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The run a `sign` or `verify` call is for. */
export interface CliRun {
  stack: string;
  sha: string;
  runType: string;
  branch: string;
}

/** The `--stack --sha --run-type --branch` flags `sign` and `verify` share. */
export function runFlags(run: CliRun): string[] {
  return ["--stack", run.stack, "--sha", run.sha, "--run-type", run.runType, "--branch", run.branch];
}

/** `sign` with the key in `keyFile` under `kid`, for `run`. */
export function signArgs(keyFile: string, kid: string, run: CliRun): string[] {
  return ["sign", "--key", keyFile, "--kid", kid, ...runFlags(run)];
}

let empty: string | undefined;
function emptyDirectory(): string {
  empty ??= mkdtempSync(path.join(os.tmpdir(), "signed-runs-empty-path-"));
  return empty;
}

/** A directory to use as PATH that holds only `opa`, linked to the given binary. */
export function pathWithOpa(binary: string): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), "signed-runs-opa-path-"));
  symlinkSync(binary, path.join(directory, "opa"));
  return directory;
}

export function temporaryDirectory(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `signed-runs-${name}-`));
}

/** actionlint from .tools/bin; throws (never skips) when it is missing. */
export function actionlintBinary(): string {
  const binary = path.join(TOOLS_BIN, "actionlint");
  if (!existsSync(binary)) {
    throw new Error(
      `${binary} is missing: run \`npm run tools\` (scripts/install-tools.sh builds actionlint into .tools/bin)`,
    );
  }
  return binary;
}

/** Runs actionlint with shellcheck on workflow files; returns its exit code and report. */
export function runActionlint(files: string[], cwd: string): CliResult {
  // actionlint silently skips run: scripts when shellcheck is missing, so insist on it.
  const shellcheck = spawnSync("shellcheck", ["--version"], { encoding: "utf8" });
  if (shellcheck.status !== 0)
    throw new Error(
      "shellcheck is missing: install it with 'apt-get install shellcheck' (npm run tools does this as root)",
    );
  const result = spawnSync(actionlintBinary(), ["-no-color", "-shellcheck=shellcheck", ...files], {
    cwd,
    encoding: "utf8",
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
