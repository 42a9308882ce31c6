/**
 * The repositories file of `spacelift-signed-runs onboard`: read and checked
 * before any Pulumi stack is touched. Every mistake is reported, one line
 * each as `field: problem. Fix: …`, not only the first.
 */
import * as fs from "node:fs";
import { assertStackId } from "../components/identifiers";
import { SignedRunsInputError, quoteValue } from "../components/inputError";
import type { SignedRunsStackArgs, SignedRunsWorkerPoolSelection } from "../components/signedRunsArgs";
import { planRepository } from "../components/signedRunsRepository";
import { planWorkerPool } from "../components/signedRunsWorkerPool";
import { assertGithubOwner, assertGithubRepositoryName } from "../components/signedRunsValidation";
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

const TOP_LEVEL_FIELDS = ["$schema", "spaceliftEndpoint", "algorithm", "workerPool", "repositories"];
const REPOSITORY_FIELDS = ["owner", "repository", "stacks"];
const EXAMPLE = '{ "spaceliftEndpoint": "https://acme.app.spacelift.io", "repositories": [{ "owner": "acme", "repository": "billing", "stacks": [{ "id": "billing-prod" }] }] }';

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unknownFields(field: string, value: Record<string, unknown>, known: string[], problems: string[]): void {
  for (const key of Object.keys(value).filter((k) => !known.includes(k))) {
    problems.push(`${field === "" ? "" : `${field}.`}${key}: is not a known field. Fix: remove it, or use one of ${known.join(", ")}`);
  }
}

/** Runs one check; its SignedRunsInputError becomes a line, with the field renamed to where it is in the file. */
function collect(problems: string[], check: () => void, rename: (field: string) => string = (f) => f): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof SignedRunsInputError)) throw error;
    problems.push(`${rename(error.field)}: ${error.problem}. Fix: ${error.fix}`);
  }
}

/** Checks a parsed repositories file; throws OnboardingFileError listing every problem. */
export function parseOnboardingFile(raw: unknown, file: string): OnboardingFile {
  const problems: string[] = [];
  if (!isRecord(raw)) throw new OnboardingFileError(file, [`(the file): is not a JSON object. Fix: write an object such as ${EXAMPLE}`]);
  unknownFields("", raw, TOP_LEVEL_FIELDS, problems);

  const endpoint = raw.spaceliftEndpoint;
  if (endpoint === undefined) problems.push('spaceliftEndpoint: is missing. Fix: set it to your Spacelift account\'s URL, e.g. "https://acme.app.spacelift.io"');
  if (raw.algorithm !== undefined && raw.algorithm !== "HS256" && raw.algorithm !== "ES256") {
    problems.push(`algorithm: ${quoteValue(raw.algorithm)} is not a supported algorithm. Fix: use "ES256" (the default) or "HS256"`);
  }
  if (raw.workerPool !== undefined) collect(problems, () => planWorkerPool({ workerPool: raw.workerPool as SignedRunsWorkerPoolSelection }));

  const repositories = raw.repositories;
  if (!Array.isArray(repositories) || repositories.length === 0) {
    problems.push(`repositories: ${repositories === undefined ? "is missing" : "lists no repository"}. Fix: list at least one { "owner", "repository", "stacks" }`);
  } else {
    const seenRepositories = new Map<string, number>();
    const stackOwners = new Map<string, number>();
    repositories.forEach((entry: unknown, index) => {
      const at = `repositories[${index}]`;
      if (!isRecord(entry)) return void problems.push(`${at}: is not an object. Fix: give { "owner", "repository", "stacks" }`);
      unknownFields(at, entry, REPOSITORY_FIELDS, problems);
      let ownerOk = true;
      let repositoryOk = true;
      collect(problems, () => assertGithubOwner(`${at}.owner`, entry.owner), (f) => ((ownerOk = false), f));
      collect(problems, () => assertGithubRepositoryName(`${at}.repository`, entry.repository), (f) => ((repositoryOk = false), f));
      if (ownerOk && repositoryOk) {
        const name = `${String(entry.owner)}/${String(entry.repository)}`.toLowerCase();
        const first = seenRepositories.get(name);
        if (first !== undefined) problems.push(`${at}: repository ${quoteValue(name)} is listed again (first at repositories[${first}]). Fix: list each repository once, with all its stacks`);
        else seenRepositories.set(name, index);
      }
      if (!Array.isArray(entry.stacks) || entry.stacks.length === 0) {
        problems.push(`${at}.stacks: ${entry.stacks === undefined ? "is missing" : "lists no stack"}. Fix: list at least one { "id": "<stack id>" }`);
        return;
      }
      // The component's own checks on the stacks (ids, branches, globs, create), with valid stand-ins
      // for the fields already reported, so one bad owner does not hide a bad stack.
      collect(
        problems,
        () =>
          planRepository(
            {
              github: { owner: ownerOk ? (entry.owner as string) : "owner", repository: repositoryOk ? (entry.repository as string) : "repository" },
              stacks: entry.stacks as SignedRunsStackArgs[],
              spacelift: { endpoint: typeof endpoint === "string" ? endpoint : "https://placeholder.app.spacelift.io" },
              signing: { algorithm: raw.algorithm === "HS256" ? "HS256" : "ES256" },
            },
            { poolProvided: true },
          ),
        (field) => (field === "spacelift.endpoint" ? "spaceliftEndpoint" : `${at}.${field}`),
      );
      (entry.stacks as unknown[]).forEach((stack, stackIndex) => {
        const id = isRecord(stack) ? stack.id : undefined;
        if (typeof id !== "string") return;
        try {
          assertStackId("id", id);
        } catch {
          return; // reported above
        }
        const owner = stackOwners.get(id);
        if (owner !== undefined && owner !== index) {
          problems.push(`${at}.stacks[${stackIndex}].id: stack ${quoteValue(id)} is also listed under repositories[${owner}]. Fix: give each stack to one repository: the pool trusts one repository's keys per stack`);
        } else stackOwners.set(id, index);
      });
    });
  }
  // The endpoint is checked once, by the component's rule, even when no repository is valid.
  if (typeof endpoint === "string" && !problems.some((p) => p.startsWith("spaceliftEndpoint:"))) {
    collect(problems, () => planRepository({ github: { owner: "owner", repository: "repository" }, stacks: [{ id: "stack" }], spacelift: { endpoint } }), (f) => (f === "spacelift.endpoint" ? "spaceliftEndpoint" : f));
  } else if (endpoint !== undefined && typeof endpoint !== "string") {
    problems.push(`spaceliftEndpoint: ${quoteValue(endpoint)} is not a URL. Fix: set it to your Spacelift account's URL, e.g. "https://acme.app.spacelift.io"`);
  }
  const unique = [...new Set(problems)];
  if (unique.length > 0) throw new OnboardingFileError(file, unique);
  return raw as unknown as OnboardingFile;
}

/** Reads and checks a repositories file. */
export function loadOnboardingFile(file: string): OnboardingFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(ExitCode.Usage, `--repositories: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"}). Fix: give the path of your repositories file (see docs/bulk-onboarding.md)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CliError(ExitCode.Usage, `${file}: is not valid JSON (${(error as Error).message}). Fix: correct the JSON syntax`);
  }
  return parseOnboardingFile(raw, file);
}
