/**
 * `npm run bench:engine`: wall time and peak RSS of bulk onboarding (`spacelift-signed-runs onboard`, one
 * `pulumi up` per repository and one for the shared pool, through the Automation API) for N = 1, 10 and 50
 * repositories, then of the same command again (nothing to change), and of the root project's no-op
 * `pulumi preview --expect-no-changes`; the real engine against the stand-ins (test/support/engineProject.ts).
 * Peak RSS is the largest sum, sampled every 200 ms, of the resident memory of every process of the command
 * (the CLI, the engine, the language host, Node programs and provider plugins).
 */
import { spawn } from "node:child_process";
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import path from "node:path";
import { createEngineProject, type EngineProject } from "../test/support/engineProject";

const SIZES = (process.env.BENCH_SIZES ?? "1,10,50").split(",").map(Number);
const PAGE_KIB = 4;

/**
 * The resident memory of every process carrying `marker` (the project's PULUMI_HOME) in its environment: the
 * engine starts each plugin and the language host in a process group of its own, so the group is not enough.
 */
function markedRssKiB(marker: string): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, "latin1").includes(marker)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      total += Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[21]) * PAGE_KIB;
    } catch {
      // ended while read, or not ours
    }
  }
  return total;
}

/** Runs `scripts/with-engine.sh ARGS` in its own process group, sampling the group's RSS. */
function measure(project: EngineProject, args: string[]): Promise<{ wallS: number; peakMiB: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(path.join(project.dir, "scripts", "with-engine.sh"), args, {
      cwd: project.dir,
      env: project.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let peak = 0;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const timer = setInterval(() => {
      peak = Math.max(peak, markedRssKiB(project.env.PULUMI_HOME as string));
    }, 200);
    child.on("close", (code) => {
      clearInterval(timer);
      const wallS = (performance.now() - started) / 1000;
      try {
        process.kill(-(child.pid as number), "SIGKILL");
      } catch {
        /* group already empty */
      }
      if (code !== 0)
        reject(new Error(`${args.join(" ")} failed (${code}):\n${Buffer.concat(out)}\n${Buffer.concat(err)}`));
      else resolve({ wallS, peakMiB: peak / 1024, stdout: Buffer.concat(out).toString() });
    });
  });
}

async function onboarding(n: number): Promise<string> {
  const project = createEngineProject();
  try {
    const names = Array.from({ length: n }, (_, i) => `repo${String(i + 1).padStart(2, "0")}`);
    const seed = names.flatMap((r) => ["--repository", `acme/${r}:main`, "--stack", `${r}-prod=${r}@main`]);
    await project.withEngine(["seed-standins", ...seed]);
    writeFileSync(
      path.join(project.dir, "repositories.json"),
      JSON.stringify({
        spaceliftEndpoint: "https://acme.app.spacelift.io",
        repositories: names.map((r) => ({ owner: "acme", repository: r, stacks: [{ id: `${r}-prod` }] })),
      }),
    );
    const args = [
      "node",
      "dist/cli/main.js",
      "onboard",
      "--repositories",
      "repositories.json",
      "--backend",
      `file://${path.join(project.dir, "onboarding-state")}`,
    ];
    const first = await measure(project, args);
    if (!first.stdout.includes(`summary: ${n} of ${n} repositories onboarded, 0 failed`)) throw new Error(first.stdout);
    const again = await measure(project, args);
    return `| ${n} | ${n + 1} | ${first.wallS.toFixed(1)} | ${(first.wallS / n).toFixed(1)} | ${first.peakMiB.toFixed(0)} | ${again.wallS.toFixed(1)} | ${again.peakMiB.toFixed(0)} |`;
  } finally {
    await project.close();
  }
}

async function rootPreview(): Promise<string> {
  const project = createEngineProject();
  try {
    await project.withEngine([
      "seed-standins",
      "--repository",
      "acme/payments-infra:main,staging",
      "--stack",
      "payments-prod=payments-infra@main",
      "--stack",
      "payments-staging=payments-infra@staging",
    ]);
    copyFileSync(path.join(project.dir, "Pulumi.example.yaml"), path.join(project.dir, "Pulumi.dev.yaml"));
    await project.withEngine(["pulumi", "stack", "init", "dev"]);
    await project.withEngine(["pulumi", "config", "set", "--secret", "spaceliftApiKeySecret"], {
      input: "bench-api-key-secret-0123456789",
    });
    const up = await measure(project, ["pulumi", "up", "--yes", "--skip-preview"]);
    const preview = await measure(project, ["pulumi", "preview", "--expect-no-changes"]);
    return `| root project (quick start), \`pulumi up\` | ${up.wallS.toFixed(1)} | ${up.peakMiB.toFixed(0)} |\n| root project, no-op \`pulumi preview --expect-no-changes\` | ${preview.wallS.toFixed(1)} | ${preview.peakMiB.toFixed(0)} |`;
  } finally {
    await project.close();
  }
}

async function main(): Promise<void> {
  console.log(
    `machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`,
  );
  console.log(
    `load average before: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}\n`,
  );
  console.log("| command | wall s | peak RSS MiB |\n| --- | ---: | ---: |");
  console.log(await rootPreview());
  console.log(
    "\n| repositories | pulumi up (stacks) | onboard wall s | s / repository | peak RSS MiB | second run (no changes) wall s | its peak RSS MiB |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const n of SIZES) console.log(await onboarding(n));
  console.log(
    `\nload average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
