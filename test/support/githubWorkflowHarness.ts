/**
 * A small GitHub Actions runner for the generated workflows: it parses the YAML
 * and runs each job's `run:` steps in order with bash, under GitHub's
 * environment contract, on this machine.
 *
 * Modelled (and nothing more; anything else makes it throw rather than guess):
 * - `on.push` with `branches`/`paths` filters (see githubPushFilter.ts);
 * - jobs without `needs:`, each on a fresh runner, `runs-on: ubuntu-latest`,
 *   `defaults.run.shell: bash`, run as `bash --noprofile --norc -eo pipefail
 *   <script>` like GitHub's `shell: bash`; a job-level `if:` of the step form below;
 * - `environment:` (a name), GitHub environments and their deployment branch
 *   policies, as GitHub documents them (see environmentAdmits below);
 * - GITHUB_SHA, GITHUB_REF, GITHUB_REF_NAME, GITHUB_REF_TYPE, GITHUB_EVENT_NAME,
 *   GITHUB_EVENT_PATH, GITHUB_REPOSITORY, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP,
 *   GITHUB_WORKSPACE; a fresh GITHUB_ENV, GITHUB_OUTPUT and GITHUB_PATH file per
 *   step, read back after it the way the runner reads them;
 * - `env:` at workflow, job and step level, with `${{ secrets.X }}`,
 *   `${{ github.x }}` and `${{ steps.x.outputs.y }}` substituted (missing ones
 *   are "", as on GitHub);
 * - step `if:` of the form `<context> == '<literal>'` (or `!=`), compared
 *   case-insensitively as GitHub does; a step after a failed one is skipped;
 * - `::add-mask::` and masking of secret values in the visible log;
 * - `permissions: id-token: write` provides ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN
 *   from a local endpoint (fakeGithubOidcTokenEndpoint.ts).
 *
 * It refuses `uses:` steps and `${{ }}` inside `run:`: the generated workflows
 * have neither, and the harness would not evaluate them as GitHub does.
 *
 * The network is jailed: `curl` on PATH is curlStandIn.ts, and `spacectl`, when
 * present, is the test-only spacectlStandIn.ts.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { FakeGithubOidcTokenEndpoint, type IssuedOidcToken } from "./fakeGithubOidcTokenEndpoint";
import { pushStartsWorkflow, type PushFilter } from "./githubPushFilter";

export interface PushEvent {
  branch: string;
  sha: string;
  /** The files the push changed, for `on.push.paths`. Default: one file at the repository root. */
  changedFiles?: string[];
  commitMessage?: string;
  /** A push that deletes the branch (GitHub sends one, with `deleted: true` in the event). */
  deleted?: boolean;
  /** owner/name; default "acme/infrastructure". */
  repository?: string;
}

/**
 * A GitHub environment of the repository. Its deployment branch policy is
 * one of GitHub's three settings: no restriction (`undefined`), protected
 * branches only, or selected branches by name.
 */
export interface GithubEnvironment {
  deploymentBranchPolicy?: { protectedBranches: true } | { customBranches: string[] };
  /** Environment secrets: readable only by a job that names the environment and that GitHub let in. */
  secrets?: Record<string, string>;
}

export interface RunWorkflowOptions {
  /** The workflow file's YAML text. */
  workflow: string;
  push: PushEvent;
  /** Repository Actions secrets. */
  secrets?: Record<string, string>;
  /** The repository's environments by name (GitHub compares names ignoring case). */
  environments?: Record<string, GithubEnvironment>;
  /** Branches that have a branch protection rule, for the "protected branches only" policy. */
  protectedBranches?: string[];
  /** Puts the spacectl stand-in on PATH claiming this version, as if the runner had spacectl installed. */
  preinstalledSpacectlVersion?: string;
  /** URL -> local file, served by the curl stand-in. */
  downloads?: Record<string, string>;
  /** Where the spacectl stand-in connects (the fake Spacelift API). */
  spaceliftApiUrl?: string;
  runner?: { os?: string; arch?: string };
}

export interface StepRun {
  name: string;
  id: string | undefined;
  outcome: "success" | "failure" | "skipped";
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  outputs: Record<string, string>;
}

export interface JobRun {
  /** The job id; "" when the workflow did not start at all. */
  id: string;
  /** The environment the job names, if any. */
  environment: string | undefined;
  /** Whether the job was sent to a runner (its steps ran). */
  started: boolean;
  /**
   * "skipped": its `if:` was false. "failure" with `started: false`: GitHub refused it before any
   * step (see `refusal`). "not started": the push did not start the workflow.
   */
  conclusion: "success" | "failure" | "skipped" | "not started";
  /** Why GitHub refused to start the job, as its log would say. */
  refusal: string | undefined;
  /** The names of the secrets the job's `secrets` context held. */
  secretNames: string[];
  steps: StepRun[];
  /** Every value registered with ::add-mask:: plus every secret value used. */
  masks: string[];
  /** What GitHub's log would show: workflow commands hidden, masked values as ***. */
  visibleLog: string;
  /** All output of all steps, unmasked, workflow command lines included. */
  rawOutput: string;
  spacectlInvocations: Array<{ label: string; argv: string[] }>;
  curlInvocations: Array<{ argv: string[] }>;
  oidcTokensIssued: IssuedOidcToken[];
}

const HARNESS_STEP_TIMEOUT_MS = 60_000;
const SYSTEM_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

interface WorkflowStep {
  name?: string;
  id?: string;
  if?: string;
  env?: Record<string, string | number | boolean>;
  run?: string;
  uses?: string;
  shell?: string;
  [key: string]: unknown;
}

interface WorkflowJob {
  "runs-on"?: string;
  if?: string;
  environment?: unknown;
  needs?: unknown;
  env?: Record<string, string | number | boolean>;
  defaults?: { run?: { shell?: string } };
  steps?: WorkflowStep[];
  [key: string]: unknown;
}

interface Workflow {
  on?: { push?: PushFilter | null };
  env?: Record<string, string | number | boolean>;
  permissions?: Record<string, string>;
  jobs?: Record<string, WorkflowJob>;
}

interface ExpressionContext {
  secrets: Record<string, string>;
  github: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
}

/** The jobs of a workflow, as the harness will run them; throws on anything it does not model. */
export function parseWorkflow(text: string): { workflow: Workflow; jobs: Array<{ id: string; job: WorkflowJob }> } {
  const workflow = parse(text) as Workflow;
  const jobs = Object.entries(workflow.jobs ?? {}).map(([id, job]) => ({ id, job }));
  if (jobs.length === 0) throw new Error("workflow harness: the workflow has no jobs");
  for (const { id, job } of jobs) {
    if (job["runs-on"] !== "ubuntu-latest")
      throw new Error(`workflow harness: runs-on ${JSON.stringify(job["runs-on"])} is not modelled`);
    if (job.needs !== undefined) throw new Error(`workflow harness: job ${id} has needs:, which is not modelled`);
    if (job.environment !== undefined && (typeof job.environment !== "string" || job.environment.includes("${{"))) {
      throw new Error(`workflow harness: job ${id}'s environment: is not a plain name, which is not modelled`);
    }
    for (const step of job.steps ?? []) {
      if (step.uses !== undefined)
        throw new Error(
          `workflow harness: step ${JSON.stringify(step.name)} uses an action (${step.uses}); only run: steps are modelled`,
        );
      if (typeof step.run !== "string")
        throw new Error(`workflow harness: step ${JSON.stringify(step.name)} has no run: script`);
      if (step.run.includes("${{"))
        throw new Error(`workflow harness: step ${JSON.stringify(step.name)} has an expression inside its run: script`);
      const shell = step.shell ?? job.defaults?.run?.shell;
      if (shell !== "bash")
        throw new Error(`workflow harness: step ${JSON.stringify(step.name)} does not run with shell: bash`);
    }
  }
  return { workflow, jobs };
}

/**
 * Whether GitHub lets a job on `branch` into an environment, per "Deployment
 * branches and tags" in GitHub's docs (docs.github.com, Actions reference,
 * "Deployments and environments"):
 * - no restriction: every branch;
 * - "Protected branches only: Only branches with branch protection rules enabled
 *   can deploy to the environment. If no branch protection rules are defined for
 *   any branch in the repository, then all branches can deploy.";
 * - "Selected branches and tags": the rule "is matched against the GITHUB_REF of
 *   the workflow run" with Ruby's File.fnmatch syntax, which compares case-sensitively
 *   unless FNM_CASEFOLD is given (docs don't say GitHub gives it). Only exact names are
 *   modelled: a pattern with a wildcard makes the harness throw.
 * A job the environment does not admit "is not sent to a runner", and "Secrets
 * stored in an environment are only available to workflow jobs that reference the
 * environment" once its protection rules pass.
 */
export function environmentAdmits(
  environment: GithubEnvironment,
  branch: string,
  protectedBranches: readonly string[],
): boolean {
  const policy = environment.deploymentBranchPolicy;
  if (policy === undefined) return true;
  if ("protectedBranches" in policy) return protectedBranches.length === 0 || protectedBranches.includes(branch);
  for (const name of policy.customBranches) {
    if (/[*?[\]{}\\]/.test(name))
      throw new Error(
        `workflow harness: branch policy pattern ${JSON.stringify(name)} is not modelled (exact names only)`,
      );
  }
  return policy.customBranches.includes(branch);
}

/**
 * The repository environment a job's `environment:` names. GitHub: "Environment
 * names are not case sensitive", and "Running a workflow that references an
 * environment that does not exist will create an environment with the referenced
 * name ... the newly created environment will not have any protection rules or
 * secrets configured" (docs.github.com, "Managing environments for deployment").
 */
export function lookupEnvironment(environments: Record<string, GithubEnvironment>, name: string): GithubEnvironment {
  const found = Object.entries(environments).filter(([candidate]) => candidate.toLowerCase() === name.toLowerCase());
  if (found.length > 1)
    throw new Error(
      `workflow harness: environments ${JSON.stringify(found.map(([n]) => n))} differ only in case; GitHub has one`,
    );
  return found[0]?.[1] ?? {};
}

function contextValue(expression: string, context: ExpressionContext): string {
  const parts = expression.trim().split(".");
  if (parts[0] === "secrets" && parts.length === 2) return context.secrets[parts[1]] ?? "";
  if (parts[0] === "github" && parts.length === 2 && parts[1] in context.github) return context.github[parts[1]];
  if (parts[0] === "steps" && parts.length === 4 && parts[2] === "outputs")
    return context.steps[parts[1]]?.outputs[parts[3]] ?? "";
  throw new Error(`workflow harness: expression ${JSON.stringify(expression)} is not modelled`);
}

/** Substitutes `${{ context.path }}` in an env value. */
export function substituteExpressions(value: string, context: ExpressionContext): string {
  return value.replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) => contextValue(expression, context));
}

/** A step `if:` of the forms the generator writes. */
export function evaluateStepCondition(condition: string | undefined, context: ExpressionContext): boolean {
  if (condition === undefined) return true;
  const bare = condition
    .trim()
    .replace(/^\$\{\{(.*)\}\}$/s, "$1")
    .trim();
  const match = /^([A-Za-z0-9_.-]+)\s*(==|!=)\s*'([^']*)'$/.exec(bare);
  if (!match) throw new Error(`workflow harness: if: ${JSON.stringify(condition)} is not modelled`);
  // GitHub compares strings ignoring case.
  const equal = contextValue(match[1], context).toLowerCase() === match[3].toLowerCase();
  return match[2] === "==" ? equal : !equal;
}

/** Reads a GITHUB_OUTPUT / GITHUB_ENV file: `name=value` lines and `name<<DELIMITER` blocks. */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]);
      if (i >= lines.length) throw new Error(`workflow harness: unterminated ${heredoc[1]}<<${heredoc[2]} block`);
      values[heredoc[1]] = body.join("\n");
      continue;
    }
    const equals = line.indexOf("=");
    if (equals <= 0) throw new Error(`workflow harness: malformed command file line ${JSON.stringify(line)}`);
    values[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return values;
}

function stringEnv(
  env: Record<string, string | number | boolean> | undefined,
  context: ExpressionContext,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env ?? {})) out[name] = substituteExpressions(String(value), context);
  return out;
}

function writeExecutable(file: string, content: string): void {
  writeFileSync(file, content);
  chmodSync(file, 0o755);
}

function resolveRealCurl(): string {
  for (const dir of SYSTEM_PATH) {
    const candidate = path.join(dir, "curl");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("workflow harness: no curl in the system PATH for requests to 127.0.0.1");
}

/** A shell wrapper that runs the compiled spacectl stand-in claiming `version`. */
export function spacectlStandInWrapper(version: string, label: string): string {
  const script = path.join(__dirname, "spacectlStandIn.js");
  return [
    "#!/bin/sh",
    "# TEST-ONLY stand-in for spacectl (see test/support/spacectlStandIn.ts).",
    `SPACECTL_STAND_IN_VERSION='${version}' SPACECTL_STAND_IN_LABEL='${label}' exec '${process.execPath}' '${script}' "$@"`,
    "",
  ].join("\n");
}

/**
 * A zip laid out like a spacectl release archive (the binary at its root, plus
 * LICENSE), holding the stand-in; returns its path and SHA-256.
 */
export function buildSpacectlStandInArchive(directory: string, version: string): { file: string; sha256: string } {
  const staging = path.join(directory, `archive-${version}`);
  mkdirSync(staging, { recursive: true });
  writeExecutable(path.join(staging, "spacectl"), spacectlStandInWrapper(version, "downloaded"));
  writeFileSync(path.join(staging, "LICENSE"), "test-only stand-in, not spacectl\n");
  const file = path.join(directory, `spacectl_${version}_linux_amd64.zip`);
  rmSync(file, { force: true });
  const zip = spawnSync("zip", ["-q", "-X", file, "spacectl", "LICENSE"], { cwd: staging, encoding: "utf8" });
  if (zip.status !== 0) throw new Error(`workflow harness: zip failed (is zip installed?): ${zip.stderr}`);
  return { file, sha256: createHash("sha256").update(readFileSync(file)).digest("hex") };
}

function runScript(
  scriptFile: string,
  env: Record<string, string>,
  cwd: string,
): Promise<{ exitCode: number | null; stdout: string; stderr: string; durationMs: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptFile], {
      env,
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), HARNESS_STEP_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        exitCode: code,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
  });
}

function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as T);
}

function mask(text: string, masks: readonly string[]): string {
  let out = text;
  for (const value of [...masks].sort((a, b) => b.length - a.length)) {
    if (value !== "") out = out.split(value).join("***");
  }
  return out;
}

export interface WorkflowRun {
  /** Whether the push started the workflow (its on.push filters matched). */
  started: boolean;
  /** Every job, in file order. */
  jobs: JobRun[];
}

function jobNotRun(
  id: string,
  environment: string | undefined,
  conclusion: JobRun["conclusion"],
  refusal?: string,
): JobRun {
  return {
    id,
    environment,
    started: false,
    conclusion,
    refusal,
    secretNames: [],
    steps: [],
    masks: [],
    visibleLog: refusal ?? "",
    rawOutput: "",
    spacectlInvocations: [],
    curlInvocations: [],
    oidcTokensIssued: [],
  };
}

/** A job for a push that did not start the workflow. */
export const WORKFLOW_NOT_STARTED: JobRun = jobNotRun("", undefined, "not started");

/**
 * Runs the workflow for one push the way GitHub would: each job whose `if:`
 * holds, on a fresh runner, after GitHub's environment gate.
 */
export async function runPushWorkflow(options: RunWorkflowOptions): Promise<WorkflowRun> {
  const { workflow, jobs } = parseWorkflow(options.workflow);
  const push = options.push;
  const changedFiles = push.changedFiles ?? ["README.md"];
  if (workflow.on?.push === undefined || !pushStartsWorkflow(workflow.on.push, push.branch, changedFiles))
    return { started: false, jobs: [] };
  const repository = push.repository ?? "acme/infrastructure";
  const ref = `refs/heads/${push.branch}`;
  const github = { sha: push.sha, ref, ref_name: push.branch, ref_type: "branch", event_name: "push", repository };
  const results: JobRun[] = [];
  for (const { id, job } of jobs) {
    const environmentName = job.environment as string | undefined;
    if (!evaluateStepCondition(job.if, { secrets: {}, github, steps: {} })) {
      results.push(jobNotRun(id, environmentName, "skipped"));
      continue;
    }
    let secrets: Record<string, string> = { ...(options.secrets ?? {}) };
    if (environmentName !== undefined) {
      const environment = lookupEnvironment(options.environments ?? {}, environmentName);
      if (!environmentAdmits(environment, push.branch, options.protectedBranches ?? [])) {
        // Refused before any runner: no step runs, no secret of the environment is read.
        const refusal = `Branch "${push.branch}" is not allowed to deploy to ${environmentName} due to environment protection rules.`;
        results.push(jobNotRun(id, environmentName, "failure", refusal));
        continue;
      }
      // "if an organization, repository, and environment all have a secret with the same name,
      // the environment-level secret takes precedence" (docs.github.com, "Using secrets in
      // GitHub Actions"); only a job that names the environment sees its secrets at all.
      secrets = { ...secrets, ...(environment.secrets ?? {}) };
    }
    results.push(await runJob(options, workflow, id, job, github, secrets, environmentName));
  }
  return { started: true, jobs: results };
}

async function runJob(
  options: RunWorkflowOptions,
  workflow: Workflow,
  jobName: string,
  job: WorkflowJob,
  github: Record<string, string>,
  secrets: Record<string, string>,
  environmentName: string | undefined,
): Promise<JobRun> {
  const push = options.push;
  const root = mkdtempSync(path.join(os.tmpdir(), "signed-runs-workflow-"));
  const dirs = {
    workspace: path.join(root, "workspace"),
    temp: path.join(root, "runner-temp"),
    home: path.join(root, "home"),
    files: path.join(root, "command-files"),
    standIns: path.join(root, "stand-ins"),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });

  const repository = push.repository ?? "acme/infrastructure";
  const ref = `refs/heads/${push.branch}`;
  const eventPath = path.join(root, "event.json");
  writeFileSync(
    eventPath,
    JSON.stringify({
      ref,
      after: push.deleted ? "0".repeat(40) : push.sha,
      before: push.deleted ? push.sha : "0".repeat(40),
      created: !push.deleted,
      deleted: push.deleted === true,
      head_commit: { id: push.sha, message: push.commitMessage ?? "a commit" },
      repository: { full_name: repository },
    }),
  );

  const curlLog = path.join(root, "curl.log");
  const spacectlLog = path.join(root, "spacectl.log");
  const downloadsFile = path.join(root, "downloads.json");
  writeFileSync(downloadsFile, JSON.stringify(options.downloads ?? {}));
  writeExecutable(
    path.join(dirs.standIns, "curl"),
    `#!/bin/sh\n# TEST-ONLY stand-in for curl (see test/support/curlStandIn.ts).\nexec '${process.execPath}' '${path.join(__dirname, "curlStandIn.js")}' "$@"\n`,
  );
  if (options.preinstalledSpacectlVersion !== undefined) {
    writeExecutable(
      path.join(dirs.standIns, "spacectl"),
      spacectlStandInWrapper(options.preinstalledSpacectlVersion, "preinstalled"),
    );
  }

  // GitHub: "The subject claim includes the environment name when the job references an environment"
  // (repo:ORG/REPO:environment:NAME), otherwise the ref (docs.github.com, "OpenID Connect reference").
  const subject =
    environmentName !== undefined
      ? `repo:${repository}:environment:${environmentName}`
      : `repo:${repository}:ref:${ref}`;
  const oidc =
    workflow.permissions?.["id-token"] === "write" ? await FakeGithubOidcTokenEndpoint.start(subject) : undefined;
  try {
    const context: ExpressionContext = { secrets, github, steps: {} };
    const masks = Object.values(secrets).filter((value) => value !== "");
    const githubPath: string[] = [];
    const githubEnv: Record<string, string> = {};
    const steps: StepRun[] = [];
    let rawOutput = "";
    let visibleLog = "";
    let failed = false;

    const base: Record<string, string> = {
      HOME: dirs.home,
      LANG: "C.UTF-8",
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_SHA: push.sha,
      GITHUB_REF: ref,
      GITHUB_REF_NAME: push.branch,
      GITHUB_REF_TYPE: "branch",
      GITHUB_EVENT_NAME: "push",
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: repository,
      GITHUB_WORKFLOW: String((parse(options.workflow) as { name?: string }).name ?? ""),
      GITHUB_JOB: jobName,
      GITHUB_WORKSPACE: dirs.workspace,
      RUNNER_OS: options.runner?.os ?? "Linux",
      RUNNER_ARCH: options.runner?.arch ?? "X64",
      RUNNER_TEMP: dirs.temp,
      // Test-only knobs for the stand-ins; the workflow never reads them.
      CURL_STAND_IN_REAL: resolveRealCurl(),
      CURL_STAND_IN_DOWNLOADS: downloadsFile,
      CURL_STAND_IN_LOG: curlLog,
      SPACECTL_STAND_IN_LOG: spacectlLog,
    };
    if (options.spaceliftApiUrl) base.SPACECTL_STAND_IN_API_URL = options.spaceliftApiUrl;
    if (oidc) {
      base.ACTIONS_ID_TOKEN_REQUEST_URL = oidc.requestUrl;
      base.ACTIONS_ID_TOKEN_REQUEST_TOKEN = oidc.requestToken;
      masks.push(oidc.requestToken);
    }

    for (const [index, step] of (job.steps ?? []).entries()) {
      const name = step.name ?? `step ${index + 1}`;
      const record = (run: Omit<StepRun, "name" | "id">): void => {
        steps.push({ name, id: step.id, ...run });
        if (step.id) context.steps[step.id] = { outputs: run.outputs };
      };
      if (failed || !evaluateStepCondition(step.if, context)) {
        record({ outcome: "skipped", exitCode: null, stdout: "", stderr: "", durationMs: 0, outputs: {} });
        continue;
      }
      const declared = {
        ...stringEnv(workflow.env, context),
        ...stringEnv(job.env, context),
        ...stringEnv(step.env, context),
      };
      for (const name of Object.keys(githubEnv)) {
        if (name in declared)
          throw new Error(
            `workflow harness: ${name} is set both through GITHUB_ENV and env:, whose precedence the harness does not model`,
          );
      }
      const commandFiles = {
        GITHUB_ENV: path.join(dirs.files, `env-${index}`),
        GITHUB_OUTPUT: path.join(dirs.files, `output-${index}`),
        GITHUB_PATH: path.join(dirs.files, `path-${index}`),
        GITHUB_STEP_SUMMARY: path.join(dirs.files, `summary-${index}`),
      };
      for (const file of Object.values(commandFiles)) writeFileSync(file, "");
      const env: Record<string, string> = {
        ...base,
        ...githubEnv,
        ...declared,
        ...commandFiles,
        PATH: [...githubPath, dirs.standIns, path.dirname(process.execPath), ...SYSTEM_PATH].join(":"),
      };
      const scriptFile = path.join(dirs.temp, `step-${index}.sh`);
      writeFileSync(scriptFile, step.run ?? "");
      const result = await runScript(scriptFile, env, dirs.workspace);

      for (const line of result.stdout.split("\n")) {
        const command = /^::add-mask::(.*)$/.exec(line);
        if (command) masks.push(command[1]);
      }
      rawOutput += result.stdout + result.stderr;
      const visible = (result.stdout + result.stderr)
        .split("\n")
        .filter((line) => !line.startsWith("::add-mask::"))
        .join("\n");
      visibleLog += `## ${name}\n${mask(visible, masks)}`;

      const outputs = parseCommandFile(readFileSync(commandFiles.GITHUB_OUTPUT, "utf8"));
      if (result.exitCode === 0) {
        Object.assign(githubEnv, parseCommandFile(readFileSync(commandFiles.GITHUB_ENV, "utf8")));
        const added = readFileSync(commandFiles.GITHUB_PATH, "utf8")
          .split("\n")
          .filter((line) => line !== "");
        for (const dir of added) githubPath.unshift(dir);
      } else {
        failed = true;
      }
      record({
        outcome: result.exitCode === 0 ? "success" : "failure",
        exitCode: result.exitCode,
        stdout: result.stdout,
        stderr: result.stderr,
        durationMs: result.durationMs,
        outputs,
      });
    }

    return {
      id: jobName,
      environment: environmentName,
      started: true,
      conclusion: failed ? "failure" : "success",
      refusal: undefined,
      secretNames: Object.keys(secrets).sort(),
      steps,
      masks,
      visibleLog,
      rawOutput,
      spacectlInvocations: readJsonLines(spacectlLog),
      curlInvocations: readJsonLines(curlLog),
      oidcTokensIssued: oidc ? [...oidc.issued] : [],
    };
  } finally {
    await oidc?.close();
    rmSync(root, { recursive: true, force: true });
  }
}
