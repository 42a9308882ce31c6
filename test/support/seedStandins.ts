/**
 * `scripts/with-engine.sh seed-standins …` (with SIGNED_RUNS_STANDINS=1): adds what must exist before a
 * program runs to the stand-ins' fake worlds (SIGNED_RUNS_FAKE_GITHUB, SIGNED_RUNS_FAKE_SPACELIFT).
 * Test tooling: it never talks to GitHub or Spacelift.
 */
import {
  FAKE_GITHUB_ENV,
  FAKE_SPACELIFT_ENV,
  seedFakeGithub,
  seedFakeSpacelift,
  seedFakeSpaceliftInfrastructure,
} from "./standins";

const USAGE = `usage: seed-standins [--repository OWNER/NAME[:BRANCH,…]]… [--stack ID=REPOSITORY@BRANCH]… [--policy ID[:TYPE]]… [--worker-pool ID]…
  --repository  a GitHub repository with its branches, the first the default (default: main)
  --stack       a Spacelift stack that exists already
  --policy      a Spacelift policy that exists already (default type GIT_PUSH)
  --worker-pool a Spacelift worker pool that exists already`;

function main(argv: string[]): number {
  const repositories: Array<{ fullName: string; branches: string[] }> = [];
  const stacks: Array<{ id: string; repository: string; branch: string }> = [];
  const policies: Array<{ id: string; type: string }> = [];
  const workerPools: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      return 0;
    }
    if (value === undefined) {
      console.error(`seed-standins: ${flag} needs a value\n${USAGE}`);
      return 2;
    }
    i += 1;
    if (flag === "--repository") {
      const [fullName, branches] = value.split(":");
      if (!/^[^/\s]+\/[^/\s]+$/.test(fullName)) {
        console.error(`seed-standins: --repository: ${JSON.stringify(fullName)} is not OWNER/NAME`);
        return 2;
      }
      repositories.push({ fullName, branches: branches ? branches.split(",") : ["main"] });
    } else if (flag === "--stack") {
      const match = /^([^=]+)=([^@]+)@(.+)$/.exec(value);
      if (match === null) {
        console.error(`seed-standins: --stack: ${JSON.stringify(value)} is not ID=REPOSITORY@BRANCH`);
        return 2;
      }
      stacks.push({ id: match[1], repository: match[2], branch: match[3] });
    } else if (flag === "--policy") {
      const [id, type] = value.split(":");
      policies.push({ id, type: type ?? "GIT_PUSH" });
    } else if (flag === "--worker-pool") {
      workerPools.push(value);
    } else {
      console.error(`seed-standins: unknown option ${flag}\n${USAGE}`);
      return 2;
    }
  }
  const githubFile = process.env[FAKE_GITHUB_ENV];
  const spaceliftFile = process.env[FAKE_SPACELIFT_ENV];
  if (!githubFile || !spaceliftFile) {
    console.error(
      `seed-standins: ${FAKE_GITHUB_ENV} and ${FAKE_SPACELIFT_ENV} must name the fake worlds' files (SIGNED_RUNS_STANDINS=1 scripts/with-engine.sh sets them)`,
    );
    return 2;
  }
  if (repositories.length > 0) seedFakeGithub(githubFile, repositories);
  if (stacks.length > 0) seedFakeSpacelift(spaceliftFile, stacks);
  if (policies.length > 0 || workerPools.length > 0)
    seedFakeSpaceliftInfrastructure(spaceliftFile, { policies, workerPools });
  for (const r of repositories)
    console.log(`fake GitHub: repository ${r.fullName} (branches ${r.branches.join(", ")})`);
  for (const s of stacks) console.log(`fake Spacelift: stack ${s.id} (${s.repository}@${s.branch})`);
  for (const p of policies) console.log(`fake Spacelift: ${p.type} policy ${p.id}`);
  for (const w of workerPools) console.log(`fake Spacelift: worker pool ${w}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
