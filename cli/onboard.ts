/**
 * The onboarding loop: one Pulumi stack per repository, then the shared pool,
 * which grants each repository its own stacks (the pool owner's decision, from
 * the repositories file; never what a repository's keys claim). It talks to Pulumi only through `OnboardingRunner`, so
 * the loop and its reporting are tested without the Pulumi CLI.
 */
import type { RepositoryGrant, TrustedKey } from "../components/policy/initializationPolicy";
import type { RepositoryEntry } from "./onboardFile";

export interface OnboardingRunner {
  /** The shared pool's id from an earlier run, if there was one (stacks with `create` need it). */
  existingWorkerPoolId(): Promise<string | undefined>;
  /** Deploys one repository's stack and returns the keys it trusts. */
  upRepository(entry: RepositoryEntry, workerPoolId: string | undefined): Promise<TrustedKey[]>;
  /** The keys a repository's stack recorded on an earlier run; undefined when it never succeeded. */
  previousTrustedKeys(entry: RepositoryEntry): Promise<TrustedKey[] | undefined>;
  /** Deploys the shared pool with one grant per repository that has keys. */
  upPool(grants: RepositoryGrant[]): Promise<{ workerPoolId: string }>;
}

export interface OnboardingResult {
  onboarded: { repository: string; kids: string[] }[];
  failed: { repository: string; error: string }[];
  pool: { workerPoolId: string; trustedKeys: number } | { error: string } | undefined;
  /** Wall time of the whole run, in milliseconds. */
  elapsedMs: number;
}

/** Failed when a repository or the pool failed. */
export function onboardingFailed(result: OnboardingResult): boolean {
  return result.failed.length > 0 || (result.pool !== undefined && "error" in result.pool);
}

/** Seconds with one decimal, e.g. "12.3s". */
export function formatDuration(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)}s`;
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Pulumi's errors can run to pages; the first lines say what went wrong.
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(0, 3)
    .join(" | ");
}

/**
 * Onboards every repository, one at a time, and then the pool. A failed
 * repository is reported and skipped; its keys from an earlier successful run
 * stay trusted, so a transient failure never locks its stacks out.
 */
export async function onboardRepositories(
  repositories: RepositoryEntry[],
  runner: OnboardingRunner,
  log: (line: string) => void,
  now: () => number = () => performance.now(),
): Promise<OnboardingResult> {
  const started = now();
  const result: OnboardingResult = { onboarded: [], failed: [], pool: undefined, elapsedMs: 0 };
  const grants: RepositoryGrant[] = [];
  const grant = (entry: RepositoryEntry, trustedKeys: TrustedKey[]) =>
    grants.push({
      repository: `${entry.owner}/${entry.repository}`,
      stacks: entry.stacks.map((stack) => stack.id),
      trustedKeys,
    });
  const workerPoolId = await runner.existingWorkerPoolId();
  const width = String(repositories.length).length;
  for (const [index, entry] of repositories.entries()) {
    const name = `${entry.owner}/${entry.repository}`;
    const position = `[${String(index + 1).padStart(width)}/${repositories.length}]`;
    const repositoryStarted = now();
    log(`${position} ${name}: starting, ${entry.stacks.length} stack(s) (${entry.stacks.map((s) => s.id).join(", ")})`);
    try {
      const keys = await runner.upRepository(entry, workerPoolId);
      grant(entry, keys);
      result.onboarded.push({ repository: name, kids: keys.map((k) => k.kid) });
      log(
        `${position} ${name}: onboarded in ${formatDuration(now() - repositoryStarted)}, keys ${keys.map((k) => k.kid).join(", ")}`,
      );
    } catch (error) {
      const message = errorMessage(error);
      result.failed.push({ repository: name, error: message });
      const previous = await runner.previousTrustedKeys(entry).catch(() => undefined);
      if (previous !== undefined) grant(entry, previous);
      log(
        `${position} ${name}: FAILED after ${formatDuration(now() - repositoryStarted)}: ${message}${previous !== undefined ? " (its keys from the last successful run stay trusted)" : ""}`,
      );
    }
  }
  const trusted = grants.reduce((count, g) => count + g.trustedKeys.length, 0);
  if (grants.length === 0) {
    log("pool: skipped, no repository has a key yet");
  } else {
    try {
      const pool = await runner.upPool(grants);
      result.pool = { workerPoolId: pool.workerPoolId, trustedKeys: trusted };
      log(
        `pool: ${pool.workerPoolId} trusts ${trusted} key(s) of ${grants.length} repositories, each for its own stacks; redeploy the launchers with its new initialization policy`,
      );
    } catch (error) {
      result.pool = { error: errorMessage(error) };
      log(`pool: FAILED: ${errorMessage(error)}`);
    }
  }
  result.elapsedMs = now() - started;
  const failedNames = result.failed.map((f) => f.repository).join(", ");
  log(
    `summary: ${result.onboarded.length} of ${repositories.length} repositories onboarded, ${result.failed.length} failed${result.failed.length > 0 ? ` (${failedNames})` : ""}; pool ${result.pool === undefined ? "not updated" : "error" in result.pool ? "FAILED" : "updated"}; ${formatDuration(result.elapsedMs)} in total`,
  );
  return result;
}
