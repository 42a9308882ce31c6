/**
 * `npm run bench:component`: registers N = 1, 10, 100 and 1000 repositories
 * (2 stacks each, one shared worker pool) in one Pulumi program under mocks,
 * each N in a fresh Node process so that its peak RSS is its own. Prints a
 * table: wall time, peak RSS, and the cost per repository, which should stay
 * flat if the growth is linear. Each row is the median of BENCH_REPEAT runs (3).
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";

interface Measurement {
  repositories: number;
  resources: number;
  wallMs: number;
  peakRssKiB: number;
  policyBytes: number;
}

const SIZES = (process.env.BENCH_SIZES ?? "1,10,100,1000").split(",").map(Number);

const REPEAT = Number(process.env.BENCH_REPEAT ?? "3");

/** The median run (by wall time) of REPEAT fresh processes: the machine is shared, single runs are noisy. */
function measure(repositories: number): Measurement {
  const runs = Array.from({ length: REPEAT }, () => measureOnce(repositories)).sort((a, b) => a.wallMs - b.wallMs);
  return runs[Math.floor(runs.length / 2)];
}

function measureOnce(repositories: number): Measurement {
  const child = spawnSync(process.execPath, [path.join(__dirname, "componentProgram.js"), String(repositories)], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`N=${repositories} failed (exit ${child.status}):\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").pop()!) as Measurement;
}

const pad = (text: string, width: number) => text.padStart(width);
console.log(
  `machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`,
);
console.log(
  `load average before: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(
  `each N in a fresh process, median of ${REPEAT} (BENCH_REPEAT); wall time from program start to the pool's policy resolved (all resources registered)\n`,
);
const header = [
  "repositories",
  "stacks",
  "resources",
  "wall s",
  "peak RSS MiB",
  "ms / repository",
  "MiB / repository (over N=1)",
  "policy KiB",
];
console.log(`| ${header.join(" | ")} |`);
console.log(`| ${header.map(() => "---:").join(" | ")} |`);
const results: Measurement[] = [];
for (const n of SIZES) {
  const m = measure(n);
  results.push(m);
  const base = results[0];
  const perRepoMiB =
    n === base.repositories ? "-" : ((m.peakRssKiB - base.peakRssKiB) / 1024 / (n - base.repositories)).toFixed(3);
  console.log(
    `| ${[
      pad(String(n), 4),
      pad(String(2 * n), 4),
      pad(String(m.resources), 5),
      (m.wallMs / 1000).toFixed(2),
      (m.peakRssKiB / 1024).toFixed(0),
      (m.wallMs / n).toFixed(1),
      perRepoMiB,
      (m.policyBytes / 1024).toFixed(1),
    ].join(" | ")} |`,
  );
}
console.log(
  `\nload average after: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
if (results.length >= 2) {
  const [a, b] = results.slice(-2);
  const growth = b.wallMs / b.repositories / (a.wallMs / a.repositories);
  console.log(
    `\ntime per repository at N=${b.repositories} is ${growth.toFixed(2)}x that at N=${a.repositories} (1.0 = linear growth)`,
  );
}
