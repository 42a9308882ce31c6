/**
 * `npm run bench:workflow`: wall time of the generated workflow's steps on this
 * machine, each executed by the test harness (bash, GitHub's env contract) the
 * way the tests execute them, N times per variant.
 *
 * - sign: the inline Node script, from bash start to exit (Node start-up included),
 *   in the tracked job (a push to the tracked branch, inside its environment) and in
 *   the proposed job (a push to a feature branch).
 * - trigger: `spacectl stack deploy` against the fake Spacelift API on 127.0.0.1.
 *   spacectl is the TEST-ONLY Node stand-in (the real one cannot be built
 *   here), so this figure is the stand-in's, not spacectl's.
 * - install: the "already installed" check, and download + SHA-256 check +
 *   unzip of a local archive (served by the curl stand-in; no network).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PINNED_SPACECTL_VERSION } from "../components/workflow/renderWorkflows";
import { spacectlReleaseUrl } from "../components/workflow/spacectlRelease";
import { buildSpacectlStandInArchive } from "../test/support/githubWorkflowHarness";
import {
  executePush,
  githubFor,
  randomSha,
  repositoryKeys,
  singleStackWorkflow,
} from "../test/support/workflowTestbed";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const STACKS = [{ id: "net-prod", branch: "main" }];

interface Series {
  name: string;
  samples: number[];
}

function stats(samples: number[]): { median: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

function machine(): string {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU";
  const cores = execFileSync("nproc", { encoding: "utf8" }).trim();
  return `${model}, ${cores} cores (nproc), Node ${process.version}, bash ${execFileSync("bash", ["-c", "echo $BASH_VERSION"], { encoding: "utf8" }).trim()}`;
}

async function benchKey(algorithm: "HS256" | "ES256", series: Map<string, Series>): Promise<void> {
  const keys = repositoryKeys(algorithm);
  const workflow = singleStackWorkflow(keys);
  const add = (name: string, value: number): void => {
    const entry = series.get(name) ?? { name, samples: [] };
    entry.samples.push(value);
    series.set(name, entry);
  };
  for (let i = 0; i < RUNS; i++) {
    for (const [branch, label] of [
      ["main", "tracked job"],
      ["feature/x", "proposed job"],
    ] as const) {
      const { job, api } = await executePush(workflow, STACKS, {
        push: { branch, sha: randomSha() },
        ...githubFor(keys),
        preinstalledSpacectlVersion: PINNED_SPACECTL_VERSION,
      });
      if (job.conclusion !== "success" || api.runs.length !== 1)
        throw new Error(`bench run failed: ${job.steps.map((step) => step.stdout + step.stderr).join("\n")}`);
      add(`${label}: sign step, ${algorithm}`, job.steps[1].durationMs);
      add(`${label}: trigger step (spacectl stand-in -> fake API), ${algorithm} token`, job.steps[2].durationMs);
      if (label === "tracked job") add("install step, pinned spacectl already installed", job.steps[0].durationMs);
      add(
        `${label}: whole job (3 steps), ${algorithm}`,
        job.steps.reduce((sum, step) => sum + step.durationMs, 0),
      );
    }
  }
}

async function benchDownload(series: Map<string, Series>): Promise<void> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "signed-runs-bench-"));
  try {
    const version = "9.8.7";
    const archive = buildSpacectlStandInArchive(scratch, version);
    const keys = repositoryKeys("HS256");
    const workflow = singleStackWorkflow(keys, { spacectlVersion: version, spacectlSha256: archive.sha256 });
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { job } = await executePush(workflow, STACKS, {
        push: { branch: "main", sha: randomSha() },
        ...githubFor(keys),
        downloads: { [spacectlReleaseUrl(version)]: archive.file },
      });
      if (job.steps[0].outcome !== "success")
        throw new Error(`install failed: ${job.steps[0].stdout}${job.steps[0].stderr}`);
      samples.push(job.steps[0].durationMs);
    }
    series.set("install", { name: "install step, local archive: copy + sha256sum + unzip (no network)", samples });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const series = new Map<string, Series>();
  await benchKey("HS256", series);
  await benchKey("ES256", series);
  await benchDownload(series);
  console.log(`Workflow step wall time, ${RUNS} runs each. Machine: ${machine()}\n`);
  console.log("| step | median ms | min ms | max ms |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const { name, samples } of series.values()) {
    const { median, min, max } = stats(samples);
    console.log(`| ${name} | ${median.toFixed(0)} | ${min.toFixed(0)} | ${max.toFixed(0)} |`);
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
