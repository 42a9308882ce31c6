/**
 * The repositories file of `spacelift-signed-runs onboard`: parsed with its
 * schema (components/schema/configFiles.ts) before any Pulumi stack is touched.
 * Every mistake is reported, one line each as `field: problem. Fix: …`.
 */
import * as fs from "node:fs";
import { SignedRunsInputError, lineOf } from "../components/schema/inputError";
import { onboardingFile } from "../components/schema/configFiles";
import { problemsOf } from "../components/schema/problems";
import type { SignedRunsStackArgs, SignedRunsWorkerPoolSelection } from "../components/signedRuns/args";
import { planRepository } from "../components/signedRuns/signedRunsRepository";
import { CliError, ExitCode } from "./errors";

/** One repository to onboard: its own Pulumi stack, keys, secrets and workflows. */
export interface RepositoryEntry {
  /** The GitHub user or organization, e.g. "acme". */
  owner: string;
  /** The repository name without the owner, e.g. "payments-infra". */
  repository: string;
  /** Its Spacelift stacks, as the component's `stacks` argument takes them. At least one. */
  stacks: SignedRunsStackArgs[];
}

/** The settings every repository and the shared pool use. */
export interface OnboardingSettings {
  /** The Spacelift account's URL, e.g. "https://acme.app.spacelift.io". */
  spaceliftEndpoint: string;
  /** Default ES256: the repositories' trusted keys are then public and the pool's policy holds no secret. */
  algorithm?: "HS256" | "ES256";
  /** Default: the shared pool's stack creates a pool named "signed runs (shared)". */
  workerPool?: SignedRunsWorkerPoolSelection;
}

/** The whole file: the settings and the repositories. */
export interface OnboardingFile extends OnboardingSettings {
  repositories: RepositoryEntry[];
}

/** Every problem of a repositories file; the message lists them all, one per line. */
export class OnboardingFileError extends CliError {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(ExitCode.Usage, `${file}: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "OnboardingFileError";
  }
}

/** Parses a repositories file; throws OnboardingFileError listing every problem. */
export function parseOnboardingFile(raw: unknown, file: string): OnboardingFile {
  const result = onboardingFile.safeParse(raw);
  if (!result.success)
    throw new OnboardingFileError(file, problemsOf(result.error.issues, "", "(the file)").map(lineOf));
  // Each repository's stacks as the component plans them (the workflow generator's checks included), with the file's settings.
  const problems = result.data.repositories.flatMap((entry, index) => {
    try {
      planRepository(
        {
          github: { owner: entry.owner, repository: entry.repository },
          stacks: entry.stacks,
          spacelift: { endpoint: result.data.spaceliftEndpoint },
          signing: { algorithm: result.data.algorithm ?? "ES256" },
        },
        { poolProvided: true, parsed: true },
      );
      return [];
    } catch (error) {
      if (!(error instanceof SignedRunsInputError)) throw error;
      return error.problems.map((p) => lineOf({ ...p, field: `repositories[${index}].${p.field}` }));
    }
  });
  if (problems.length > 0) throw new OnboardingFileError(file, problems);
  return result.data as OnboardingFile;
}

/** Reads and checks a repositories file. */
export function loadOnboardingFile(file: string): OnboardingFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(
      ExitCode.Usage,
      `--repositories: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"}). Fix: give the path of your repositories file (see docs/bulk-onboarding.md)`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      ExitCode.Usage,
      `${file}: is not valid JSON (${(error as Error).message}). Fix: correct the JSON syntax`,
    );
  }
  return parseOnboardingFile(raw, file);
}
