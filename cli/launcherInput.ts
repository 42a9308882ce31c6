import * as fs from "node:fs";
import type { LauncherInput } from "../components/runToken/runToken";
import { CliError, ExitCode } from "./errors";

export interface RunDescription {
  stack?: string;
  sha?: string;
  runType?: string;
  /** The branch Spacelift reports; optional, the policy does not compare it. Default "-". */
  branch?: string;
}

/** What Spacelift reports as the branch of a run started through the API (spacelift-io/spacectl#321). */
export const API_REPORTED_BRANCH = "-";

/**
 * The launcher input `verify` evaluates: a recorded input file, or one built
 * from --stack/--sha/--run-type (and --branch, default "-") in the shape a
 * launcher gives (both commit fields set). A --token replaces the run's metadata list.
 */
export function buildLauncherInput(
  inputFile: string | undefined,
  run: RunDescription,
  token: string | undefined,
): LauncherInput {
  let input: LauncherInput;
  if (inputFile !== undefined) {
    const given = Object.entries(run)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    if (given.length > 0) {
      throw new CliError(
        ExitCode.Usage,
        `${given.join(", ")}: cannot be combined with --input, which already describes the run. Fix: drop them, or drop --input`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(inputFile, "utf8"));
    } catch (error) {
      throw new CliError(
        ExitCode.Usage,
        `--input: cannot read ${inputFile} as JSON (${(error as Error).message}). Fix: give a launcher input document, like the one a 'sample' rule logs`,
      );
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new CliError(
        ExitCode.Usage,
        `--input: ${inputFile} is not a JSON object. Fix: give a launcher input document with "run" and "static_run_environment"`,
      );
    }
    input = parsed as LauncherInput;
  } else {
    const missing = (["stack", "sha", "runType"] as const).filter((k) => run[k] === undefined);
    if (missing.length > 0) {
      const names = missing.map((k) => (k === "runType" ? "--run-type" : `--${k}`));
      throw new CliError(
        ExitCode.Usage,
        `${names.join(", ")}: missing. Fix: describe the run with --stack, --sha and --run-type, or give a launcher input file with --input`,
      );
    }
    input = {
      run: { commit: { hash: run.sha }, user_provided_metadata: [] },
      static_run_environment: {
        stack_slug: run.stack,
        commit_sha: run.sha,
        commit_branch: run.branch ?? API_REPORTED_BRANCH,
        run_type: run.runType,
      },
    };
  }
  if (token !== undefined) {
    input = { ...input, run: { ...(input.run ?? {}), user_provided_metadata: [token] } };
  } else if (inputFile === undefined) {
    throw new CliError(
      ExitCode.Usage,
      "--token: missing. Fix: give the token to check (or '-' to read it from stdin), or a launcher input file with --input that carries it",
    );
  }
  return input;
}
