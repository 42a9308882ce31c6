/**
 * The repository's own Pulumi projects (the root Pulumi.yaml and the examples) under the real engine,
 * run exactly as a person runs them by hand: `scripts/with-engine.sh pulumi …` with SIGNED_RUNS_STANDINS=1,
 * in a copy of the repository's project files, with this project's own PULUMI_HOME, file backend and
 * fake worlds. Each command runs in its own process group (test/support/engine.ts's runInGroup), and
 * anything still alive afterwards is killed and recorded in `survivors`.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { killProcessesMarkedWith, requireEngineTools, runInGroup, type EngineResult } from "./engine";
import { FAKE_GITHUB_ENV, FAKE_SPACELIFT_ENV, REPO_ROOT, standinPlugins } from "./standins";

/** What a copy of the repository needs to run its Pulumi projects and its CLI. */
const COPIED = [
  "Pulumi.yaml",
  "Pulumi.example.yaml",
  "tsconfig.json",
  "package.json",
  "examples",
  "components",
  "policies",
  "scripts",
  "cli",
  "tools/go/terraform-bridge/plugin-version",
];
const LINKED = ["node_modules", ".tools", "dist"];

export interface EngineProject {
  dir: string;
  env: NodeJS.ProcessEnv;
  githubWorld: string;
  spaceliftWorld: string;
  backendDir: string;
  survivors: string[];
  /** `scripts/with-engine.sh ARGS…` in the project folder; throws on a non-zero exit unless allowFailure. */
  withEngine(
    args: string[],
    options?: { allowFailure?: boolean; input?: string; env?: Record<string, string> },
  ): Promise<EngineResult>;
  close(): Promise<string[]>;
}

/** A copy of the repository's projects; `main` replaces Pulumi.yaml's program, as the README tells you to for the examples. */
export function createEngineProject(options: { main?: string } = {}): EngineProject {
  requireEngineTools();
  standinPlugins(); // fails with the build command when the stand-ins are missing
  const root = mkdtempSync(path.join(tmpdir(), "signed-runs-project-"));
  const dir = path.join(root, "repo");
  for (const entry of COPIED) {
    mkdirSync(path.dirname(path.join(dir, entry)), { recursive: true });
    cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  for (const entry of LINKED) symlinkSync(path.join(REPO_ROOT, entry), path.join(dir, entry));
  if (options.main !== undefined) {
    const file = path.join(dir, "Pulumi.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^main: .*$/m, `main: ${options.main}`));
  }
  const home = path.join(root, "pulumi-home");
  const backendDir = path.join(root, "state");
  mkdirSync(backendDir);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing of the caller's Pulumi, GitHub or Spacelift setup reaches these commands.
    if (!/^(PULUMI_|SIGNED_RUNS_|GITHUB_|SPACELIFT_)/.test(key)) env[key] = value;
  }
  Object.assign(env, {
    SIGNED_RUNS_STANDINS: "1",
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    [FAKE_GITHUB_ENV]: path.join(root, "worlds", "github.json"),
    [FAKE_SPACELIFT_ENV]: path.join(root, "worlds", "spacelift.json"),
    NO_COLOR: "1",
  });
  const survivors: string[] = [];
  return {
    dir,
    env,
    backendDir,
    survivors,
    githubWorld: env[FAKE_GITHUB_ENV] as string,
    spaceliftWorld: env[FAKE_SPACELIFT_ENV] as string,
    async withEngine(args, runOptions = {}) {
      const result = await runInGroup(path.join(dir, "scripts", "with-engine.sh"), args, {
        cwd: dir,
        env: { ...env, ...runOptions.env },
        input: runOptions.input,
        markers: [home],
      });
      survivors.push(...result.survivors);
      if (result.code !== 0 && !runOptions.allowFailure) {
        throw new Error(
          `with-engine.sh ${args.join(" ")} failed (exit ${result.code ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
        );
      }
      return result;
    },
    async close() {
      const left = killProcessesMarkedWith([home, root]);
      rmSync(root, { recursive: true, force: true });
      return left;
    },
  };
}

/** Every file of the project's backend (state, history, backups), concatenated. */
export function projectBackendText(project: EngineProject): string {
  const texts: string[] = [];
  const visit = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) visit(full);
      else texts.push(readFileSync(full, "latin1"));
    }
  };
  visit(project.backendDir);
  return texts.join("\n");
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Every secret value in a `pulumi stack export --show-secrets` document (the engine's secret envelopes). */
export function secretValuesOf(exported: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (record[SECRET_SIG] !== undefined && typeof record.plaintext === "string") {
        const plain: unknown = JSON.parse(record.plaintext);
        collectStrings(plain, found);
      } else Object.values(record).forEach(visit);
    }
  };
  visit(exported);
  return found;
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, into));
  else if (value !== null && typeof value === "object") Object.values(value).forEach((v) => collectStrings(v, into));
}
