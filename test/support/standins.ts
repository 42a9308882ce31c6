/**
 * The stand-in providers (test/standins, built by scripts/build-standins.sh into .tools/standins/) and
 * their fake worlds: where the binaries are, the plugins to install into an engine workspace, the
 * environment that points them at a world, and reading/seeding the world files (JSON, the format of
 * test/standins/internal/github/world.go and internal/spacelift/spacelift.go).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { findPackageRoot } from "../../components/policy/policyFiles";

export const REPO_ROOT = findPackageRoot(__dirname);
export const STANDINS_DIR = path.join(REPO_ROOT, ".tools", "standins");
export const STANDINS_SOURCE = path.join(REPO_ROOT, "test", "standins");

/** Environment variables the stand-ins read. */
export const FAKE_GITHUB_ENV = "SIGNED_RUNS_FAKE_GITHUB";
export const FAKE_GITHUB_FAULTS_ENV = "SIGNED_RUNS_FAKE_GITHUB_FAULTS";
export const FAKE_SPACELIFT_ENV = "SIGNED_RUNS_FAKE_SPACELIFT";
export const FAKE_SPACELIFT_FAULTS_ENV = "SIGNED_RUNS_FAKE_SPACELIFT_FAULTS";

/** A resource plugin to install with `pulumi plugin install resource NAME VERSION --file FILE`. */
export interface StandinPlugin {
  kind: "resource";
  name: string;
  version: string;
  file: string;
}

const BUILD_FIX =
  "Fix: run 'bash scripts/build-standins.sh' (also part of 'npm run tools'); it builds them with Go from test/standins";

function manifest(): string[][] {
  const file = path.join(STANDINS_DIR, "plugins.tsv");
  if (!existsSync(file))
    throw new Error(
      `the stand-in providers are not built (${path.relative(REPO_ROOT, file)} is missing). ${BUILD_FIX}`,
    );
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => line.split("\t"));
}

/** The GitHub, random and tls stand-ins as plugins, at the versions the npm packages request. */
export function standinPlugins(): StandinPlugin[] {
  const plugins = manifest()
    .filter(([kind]) => kind === "resource")
    // The manifest names files in its own folder, so a .tools restored elsewhere (a CI cache) still resolves.
    .map(([, name, version, file]): StandinPlugin => ({
      kind: "resource",
      name,
      version,
      file: path.join(STANDINS_DIR, path.basename(file)),
    }));
  for (const p of plugins) {
    if (!existsSync(p.file)) throw new Error(`stand-in plugin ${p.file} is missing. ${BUILD_FIX}`);
  }
  return plugins;
}

/** The Spacelift Terraform provider stand-in, for the bridge's {"local":{"path":…}} parameter. */
export function spaceliftProviderPath(): string {
  const row = manifest().find(([kind, name]) => kind === "terraform" && name === "spacelift");
  const file = row === undefined ? undefined : path.join(STANDINS_DIR, path.basename(row[3]));
  if (file === undefined || !existsSync(file)) throw new Error(`the Spacelift stand-in is not built. ${BUILD_FIX}`);
  return file;
}

/** Settings that point the stand-ins at the worlds in `dir`, with credentials of the shape the providers require. */
export function standinEnv(dir: string): Record<string, string> {
  return {
    [FAKE_GITHUB_ENV]: path.join(dir, "github.json"),
    [FAKE_SPACELIFT_ENV]: path.join(dir, "spacelift.json"),
    GITHUB_TOKEN: "standin-github-token",
    SPACELIFT_API_KEY_ENDPOINT: "https://standin.app.spacelift.io",
    SPACELIFT_API_KEY_ID: "01HSTANDINAPIKEY0000000000",
    SPACELIFT_API_KEY_SECRET: "standin-spacelift-api-key-secret",
  };
}

// ---- the fake GitHub ----

export interface FakeSecret {
  valueSha256: string;
  createdAt: string;
  updatedAt: string;
}
export interface FakeFile {
  content: string;
  sha: string;
  commitSha: string;
  commitMessage: string;
}
export interface FakeBranch {
  head: string;
  files: Record<string, FakeFile>;
}
export interface FakeEnvironment {
  id: number;
  waitTimer: number;
  canAdminsBypass: boolean;
  preventSelfReview: boolean;
  reviewers: Array<{ type: "User" | "Team"; id: number }> | null;
  deploymentBranchPolicy: { protectedBranches: boolean; customBranchPolicies: boolean } | null;
  branchPolicies: Record<string, { name: string; type: "branch" | "tag" }>;
  secrets: Record<string, FakeSecret>;
}
export interface FakeRepository {
  id: number;
  defaultBranch: string;
  branches: Record<string, FakeBranch>;
  secrets: Record<string, FakeSecret>;
  environments: Record<string, FakeEnvironment>;
}
export interface FakeGithub {
  nextId: number;
  repositories: Record<string, FakeRepository>;
  users?: number[];
  teams?: number[];
  faults?: { calls?: Record<string, number>; fired?: Record<string, boolean> };
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

function readJson<T>(file: string, empty: T): T {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : empty;
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

export function readFakeGithub(file: string): FakeGithub {
  return readJson<FakeGithub>(file, { nextId: 1000, repositories: {} });
}

/** Adds repositories ("owner/name") with their branches, the first being the default. */
export function seedFakeGithub(
  file: string,
  repositories: Array<{ fullName: string; branches: string[] }>,
  reviewers?: { users?: number[]; teams?: number[] },
): void {
  const world = readFakeGithub(file);
  world.nextId = Math.max(world.nextId ?? 0, 1000);
  for (const { fullName, branches } of repositories) {
    const repo: FakeRepository = {
      id: ++world.nextId,
      defaultBranch: branches[0],
      branches: {},
      secrets: {},
      environments: {},
    };
    for (const branch of branches) repo.branches[branch] = { head: sha1(`seed ${fullName}@${branch}`), files: {} };
    world.repositories[fullName] = repo;
  }
  if (reviewers?.users) world.users = reviewers.users;
  if (reviewers?.teams) world.teams = reviewers.teams;
  writeJson(file, world);
}

/** What a program left in the fake GitHub: files, secrets, environments (seeded repositories and branches do not count). */
export function fakeGithubLeftovers(world: FakeGithub): string[] {
  const left: string[] = [];
  for (const [name, repo] of Object.entries(world.repositories)) {
    for (const [branch, b] of Object.entries(repo.branches ?? {}))
      for (const file of Object.keys(b.files ?? {})) left.push(`${name}@${branch}:${file}`);
    for (const secret of Object.keys(repo.secrets ?? {})) left.push(`${name} secret ${secret}`);
    for (const env of Object.keys(repo.environments ?? {})) left.push(`${name} environment ${env}`);
  }
  return left;
}

// ---- the fake Spacelift ----

export interface FakeSpacelift {
  nextId: number;
  spaces?: string[];
  policies: Record<
    string,
    {
      name: string;
      type: string;
      engineType: string;
      body: string;
      description?: string;
      labels?: string[];
      spaceId: string;
    }
  >;
  stacks: Record<
    string,
    {
      name: string;
      repository: string;
      branch: string;
      spaceId: string;
      workerPoolId?: string;
      protectFromDeletion?: boolean;
      seeded?: boolean;
      attributes?: Record<string, unknown>;
    }
  >;
  workerPools: Record<
    string,
    {
      name: string;
      description?: string;
      labels?: string[];
      spaceId: string;
      csrSha256?: string;
      configSha256: string;
      publicKeyPem: string;
      tokenResets: number;
    }
  >;
  attachments: Record<string, { policyId: string; stackId?: string; moduleId?: string }>;
  faults?: { calls?: Record<string, number>; fired?: Record<string, boolean> };
}

export function readFakeSpacelift(file: string): FakeSpacelift {
  const w = readJson<FakeSpacelift>(file, { nextId: 0, policies: {}, stacks: {}, workerPools: {}, attachments: {} });
  return {
    ...w,
    policies: w.policies ?? {},
    stacks: w.stacks ?? {},
    workerPools: w.workerPools ?? {},
    attachments: w.attachments ?? {},
  };
}

/** Adds stacks that exist before the program runs (the program may attach policies to them). */
export function seedFakeSpacelift(
  file: string,
  stacks: Array<{ id: string; repository: string; branch: string }>,
  spaces?: string[],
): void {
  const world = readFakeSpacelift(file);
  for (const s of stacks)
    world.stacks[s.id] = { name: s.id, repository: s.repository, branch: s.branch, spaceId: "root", seeded: true };
  if (spaces) world.spaces = spaces;
  writeJson(file, world);
}

/**
 * Adds a policy and a worker pool that exist before the program runs (an "existing" push policy and pool).
 * They carry no seeded mark (the stand-in rewrites the file without unknown fields), so pass
 * `seededSpaceliftIds` of the world to fakeSpaceliftLeftovers.
 */
export function seedFakeSpaceliftInfrastructure(
  file: string,
  options: { policies?: Array<{ id: string; type: string }>; workerPools?: string[] },
): void {
  const world = readFakeSpacelift(file);
  for (const { id, type } of options.policies ?? []) {
    world.policies[id] = { name: id, type, engineType: "REGO_V1", body: "package spacelift\n", spaceId: "root" };
  }
  for (const id of options.workerPools ?? []) {
    world.workerPools[id] = { name: id, spaceId: "root", configSha256: "", publicKeyPem: "", tokenResets: 0 };
  }
  writeJson(file, world);
}

/** The ids of everything in the fake Spacelift now, for fakeSpaceliftLeftovers after seeding. */
export function seededSpaceliftIds(world: FakeSpacelift): Set<string> {
  return new Set([
    ...Object.keys(world.policies),
    ...Object.keys(world.stacks),
    ...Object.keys(world.workerPools),
    ...Object.keys(world.attachments),
  ]);
}

/** What a program left in the fake Spacelift (seeded stacks, and anything whose id is in `seeded`, do not count). */
export function fakeSpaceliftLeftovers(world: FakeSpacelift, seeded: Set<string> = new Set()): string[] {
  const own = ([id]: [string, unknown]) => !seeded.has(id);
  return [
    ...Object.entries(world.policies)
      .filter(own)
      .map(([id]) => `policy ${id}`),
    ...Object.entries(world.stacks)
      .filter(([, s]) => !s.seeded)
      .filter(own)
      .map(([id]) => `stack ${id}`),
    ...Object.entries(world.workerPools)
      .filter(own)
      .map(([id]) => `worker pool ${id}`),
    ...Object.entries(world.attachments)
      .filter(own)
      .map(([id]) => `attachment ${id}`),
  ];
}
