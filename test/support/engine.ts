/**
 * Runs the real Pulumi engine (.tools/bin/pulumi, built by scripts/install-tools.sh) against a
 * throw-away project: its own PULUMI_HOME, a file:// backend and a passphrase secrets provider,
 * all under one temporary folder.
 *
 * Every command runs in its own process group. When it exits the group is ended, and any process
 * still in it (or any process anywhere still carrying this workspace's PULUMI_HOME, e.g. a provider
 * that a plugin started and that was reparented) is recorded as a survivor and killed, so a test
 * can assert that nothing outlived the engine.
 */
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findPackageRoot } from "../../components/policy/policyFiles";

export const REPO_ROOT = findPackageRoot(__dirname);
export const TOOLS_BIN = path.join(REPO_ROOT, ".tools", "bin");
/** The engine binaries scripts/install-tools.sh builds; a test needs all three. */
export const ENGINE_TOOLS = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-terraform-provider"] as const;
/** The bridge's plugin version, the one the Spacelift binding registers (components/spacelift/resourceOptions.ts). */
export const BRIDGE_PLUGIN_VERSION = readFileSync(
  path.join(REPO_ROOT, "tools", "go", "terraform-bridge", "plugin-version"),
  "utf8",
).trim();

/** A generous guard against a hung engine, not a speed assertion. */
const COMMAND_TIMEOUT_MS = 15 * 60 * 1000;

export interface EnginePlugin {
  kind: "resource" | "language" | "analyzer";
  name: string;
  version: string;
  /** The plugin binary. */
  file: string;
}

export interface EngineWorkspaceOptions {
  /** A folder under test/fixtures/ (or an absolute path) copied as the project. */
  fixture: string;
  stack?: string;
  /** Packages of the repository's node_modules linked into the project's node_modules; @pulumi/pulumi always is. */
  nodeModules?: string[];
  /** Resource plugins to install into this workspace's PULUMI_HOME; the bridge is always installed. */
  plugins?: EnginePlugin[];
  /** Extra environment for every command (e.g. a stand-in's settings). */
  env?: Record<string, string>;
}

export interface EngineResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Processes that were still alive after the command exited (then killed): "pid command line". */
  survivors: string[];
}

export interface EngineWorkspace {
  root: string;
  projectDir: string;
  home: string;
  backendDir: string;
  stack: string;
  env: NodeJS.ProcessEnv;
  /** Every survivor seen by any command of this workspace. */
  survivors: string[];
  run(args: string[], options?: { allowFailure?: boolean; input?: string }): Promise<EngineResult>;
  /** Removes the folder after ending every process still using it; returns the ones it found. */
  close(): Promise<string[]>;
}

/** Fails with the command that builds the engine when a binary is missing. */
export function requireEngineTools(): void {
  const missing = ENGINE_TOOLS.filter((tool) => !existsSync(path.join(TOOLS_BIN, tool)));
  if (missing.length > 0) {
    throw new Error(
      `the Pulumi engine is not built (${missing.map((t) => `.tools/bin/${t}`).join(", ")} missing). Fix: run 'npm run tools' (bash scripts/install-tools.sh); it builds them from the Go module proxy`,
    );
  }
}

/** The environment of an engine command: only this workspace's engine, plugins, backend and passphrase. */
function engineEnv(home: string, backendDir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing of the caller's Pulumi setup (tokens, backends, homes) reaches the test engine.
    if (!key.startsWith("PULUMI_")) env[key] = value;
  }
  return {
    ...env,
    PATH: `${TOOLS_BIN}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    // Test state only; the state files are deleted with the workspace.
    PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // Resource plugins only from PULUMI_HOME at the requested version (the bridge also sits on PATH).
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    NO_COLOR: "1",
    ...extra,
  };
}

/** Creates the project, installs the plugins and makes the stack. */
export async function createEngineWorkspace(options: EngineWorkspaceOptions): Promise<EngineWorkspace> {
  requireEngineTools();
  const root = mkdtempSync(path.join(tmpdir(), "signed-runs-engine-"));
  const projectDir = path.join(root, "project");
  const home = path.join(root, "pulumi-home");
  const backendDir = path.join(root, "state");
  mkdirSync(home);
  mkdirSync(backendDir);
  const fixture = path.isAbsolute(options.fixture)
    ? options.fixture
    : path.join(REPO_ROOT, "test", "fixtures", options.fixture);
  cpSync(fixture, projectDir, { recursive: true });
  for (const pkg of ["@pulumi/pulumi", ...(options.nodeModules ?? [])]) {
    const link = path.join(projectDir, "node_modules", pkg);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(path.join(REPO_ROOT, "node_modules", pkg), link, "dir");
  }
  const stack = options.stack ?? "test";
  const env = engineEnv(home, backendDir, options.env ?? {});
  const survivors: string[] = [];
  const workspace: EngineWorkspace = {
    root,
    projectDir,
    home,
    backendDir,
    stack,
    env,
    survivors,
    async run(args, runOptions = {}) {
      const result = await runInGroup(path.join(TOOLS_BIN, "pulumi"), args, {
        cwd: projectDir,
        env,
        input: runOptions.input,
        markers: [home],
      });
      survivors.push(...result.survivors);
      if (result.code !== 0 && !runOptions.allowFailure) {
        throw new Error(
          `${result.command} failed (exit ${result.code ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
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
  const plugins: EnginePlugin[] = [
    {
      kind: "resource",
      name: "terraform-provider",
      version: BRIDGE_PLUGIN_VERSION,
      file: path.join(TOOLS_BIN, "pulumi-resource-terraform-provider"),
    },
    ...(options.plugins ?? []),
  ];
  for (const plugin of plugins) {
    await workspace.run(["plugin", "install", plugin.kind, plugin.name, plugin.version, "--file", plugin.file]);
  }
  await workspace.run(["stack", "init", stack, "--secrets-provider", "passphrase", "--non-interactive"]);
  return workspace;
}

/** `pulumi config set` (with --secret when `secret`); the value goes through stdin so it is not in any command line. */
export async function setConfig(
  ws: EngineWorkspace,
  key: string,
  value: string,
  options: { secret?: boolean } = {},
): Promise<void> {
  await ws.run(
    [
      "config",
      "set",
      key,
      ...(options.secret ? ["--secret"] : ["--plaintext"]),
      "--stack",
      ws.stack,
      "--non-interactive",
    ],
    { input: value },
  );
}

export function up(
  ws: EngineWorkspace,
  options: { allowFailure?: boolean; args?: string[] } = {},
): Promise<EngineResult> {
  return ws.run(
    ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", ws.stack, ...(options.args ?? [])],
    options,
  );
}

/** `pulumi preview --expect-no-changes`: fails (exit 255) when the program would change anything. */
export function previewExpectNoChanges(
  ws: EngineWorkspace,
  options: { allowFailure?: boolean } = {},
): Promise<EngineResult> {
  return ws.run(["preview", "--expect-no-changes", "--non-interactive", "--diff", "--stack", ws.stack], options);
}

export function destroy(ws: EngineWorkspace, options: { allowFailure?: boolean } = {}): Promise<EngineResult> {
  return ws.run(["destroy", "--yes", "--skip-preview", "--non-interactive", "--stack", ws.stack], options);
}

/** The deployment as `pulumi stack export` prints it (secrets stay encrypted). */
export interface StackDeployment {
  version: number;
  deployment: {
    resources?: Array<{
      urn: string;
      type: string;
      id?: string;
      provider?: string;
      parent?: string;
      inputs?: Record<string, unknown>;
      outputs?: Record<string, unknown>;
    }>;
    secrets_providers?: { type: string };
  };
}

export async function stackExport(ws: EngineWorkspace): Promise<{ text: string; state: StackDeployment }> {
  const result = await ws.run(["stack", "export", "--stack", ws.stack]);
  return { text: result.stdout, state: JSON.parse(result.stdout) as StackDeployment };
}

/** The stack's outputs; secrets only with `showSecrets`. */
export async function stackOutputs(
  ws: EngineWorkspace,
  options: { showSecrets?: boolean } = {},
): Promise<Record<string, unknown>> {
  const result = await ws.run([
    "stack",
    "output",
    "--json",
    "--stack",
    ws.stack,
    ...(options.showSecrets ? ["--show-secrets"] : []),
  ]);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** Every file of the backend folder (the state, its history and backups), concatenated. */
export function backendFilesText(ws: EngineWorkspace): string {
  const texts: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else texts.push(readFileSync(full, "latin1"));
    }
  };
  visit(ws.backendDir);
  return texts.join("\n");
}

/**
 * Runs a command as the leader of a new process group and waits for it. Afterwards any process left in
 * the group, or carrying one of `markers` in its environment or command line, is killed and reported.
 */
export function runInGroup(
  file: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; input?: string; markers?: string[] },
): Promise<EngineResult> {
  const command = [path.basename(file), ...args].join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdin.end(options.input ?? "");
    const timer = setTimeout(() => killGroup(child.pid), COMMAND_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const survivors = [...killGroup(child.pid), ...killProcessesMarkedWith(options.markers ?? [])];
      resolve({
        command,
        code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        survivors: [...new Set(survivors)],
      });
    });
  });
}

interface ProcessInfo {
  pid: number;
  pgid: number;
  cmdline: string;
  /** The values of its environment variables. */
  environment: string[];
  /** Its working directory, when readable. */
  cwd: string;
}

function listProcesses(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the parenthesised command name: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] === "Z") continue; // a zombie is already dead; its parent reaps it
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      let environment: string[] = [];
      let cwd = "";
      try {
        environment = readFileSync(`/proc/${pid}/environ`, "utf8")
          .split("\0")
          .map((entry) => entry.slice(entry.indexOf("=") + 1));
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // Another user's process.
      }
      found.push({ pid, pgid: Number(fields[2]), cmdline, environment, cwd });
    } catch {
      // The process ended while being read.
    }
  }
  return found;
}

function describe(p: ProcessInfo): string {
  return `${p.pid} ${p.cmdline.slice(0, 200)}`;
}

/** Kills what is left of a process group; returns what it found alive. */
function killGroup(pgid: number | undefined): string[] {
  if (pgid === undefined) return [];
  const alive = listProcesses().filter((p) => p.pgid === pgid);
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // ESRCH: the group is empty.
  }
  return alive.map(describe);
}

/**
 * Kills every process that belongs to a workspace directory in `markers`: one with an environment variable
 * (such as PULUMI_HOME) set to it or to a path inside it, or running inside it. Command lines are not read,
 * so a process that merely names the path (an editor, `rm -rf`, another test's argv) is left alone.
 */
export function killProcessesMarkedWith(markers: string[]): string[] {
  if (markers.length === 0) return [];
  const inside = (value: string, marker: string) => value === marker || value.startsWith(`${marker}/`);
  const marked = listProcesses().filter((p) =>
    markers.some((m) => inside(p.cwd, m) || p.environment.some((value) => inside(value, m))),
  );
  for (const p of marked) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  return marked.map(describe);
}
