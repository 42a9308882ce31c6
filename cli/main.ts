#!/usr/bin/env node
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { findPackageRoot } from "../components/policy/policyFiles";
import { keyId, stackId } from "../components/schema/primitives";
import { parseInput } from "../components/schema/problems";
import { SignedRunsInputError } from "../components/schema/inputError";
import { renderInitializationPolicy } from "../components/policy/initializationPolicy";
import { signRunToken, type RunSigningKey } from "../components/runToken/runToken";
import {
  DEFAULT_ISSUER,
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  DEFAULT_SIGNING_ALGORITHM,
  MAX_TOKEN_LIFETIME_SECONDS,
  MIN_TOKEN_LIFETIME_SECONDS,
  RUN_TYPES,
  type RunType,
} from "../components/runToken/contract";
import { CliError, ExitCode } from "./errors";
import { publicKeyPathFor, readKeyFile, writeNewKey } from "./keyFiles";
import { buildLauncherInput } from "./launcherInput";
import { formatDuration, onboardRepositories, onboardingFailed } from "./onboard";
import { automationRunner, checkPulumiPrerequisites, resolveBackend } from "./onboardAutomation";
import { loadOnboardingFile } from "./onboardFile";
import {
  FILLED_IN_LAUNCHER_ENVIRONMENT_FILE,
  ensureKeys,
  keySlots,
  loadRenderConfig,
  manualSetupCommands,
  policyOptionsFor,
  renderToDirectory,
} from "./render";
import { activeKeysFor } from "../components/signedRuns/signedRunsRepository";
import { findOpa, verifyBuiltIn, verifyWithOpa, withTemporaryPolicy, type Verdict } from "./verify";

const EXIT_CODES = `
Exit codes:
  0  success (verify: the run is allowed)
  1  verify: the policy denied the run; the reasons are printed
  2  usage or configuration error: the message names the option or field and the fix
  3  runtime failure: OPA failed, a file could not be written, or a repository or the pool failed to onboard`;

function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(findPackageRoot(__dirname), "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

/** Paths in messages are shown relative to the working directory when that is shorter. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== "" && !relative.startsWith("..") && relative.length < file.length ? relative : file;
}

function usage(option: string, problem: string, fix: string): CliError {
  return new CliError(ExitCode.Usage, `${option}: ${problem}. Fix: ${fix}`);
}

function parseLifetime(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < MIN_TOKEN_LIFETIME_SECONDS || seconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw usage(
      "--lifetime",
      `"${value}" is not a whole number of seconds from ${MIN_TOKEN_LIFETIME_SECONDS} to ${MAX_TOKEN_LIFETIME_SECONDS}`,
      `pass a lifetime no longer than the policy's maxTokenLifetimeSeconds (default ${DEFAULT_MAX_TOKEN_LIFETIME_SECONDS})`,
    );
  }
  return seconds;
}

function parseRunType(value: string | undefined): RunType | undefined {
  if (value === undefined) return undefined;
  if (!(RUN_TYPES as readonly string[]).includes(value)) {
    throw usage("--run-type", `"${value}" is not a run type`, `use one of ${RUN_TYPES.join(", ")}`);
  }
  return value as RunType;
}

function parseSha(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9a-f]{40}$/.test(value)) {
    throw usage(
      "--sha",
      `"${value.slice(0, 80)}" is not a full commit SHA`,
      "pass the full 40-character lowercase SHA, e.g. $(git rev-parse HEAD)",
    );
  }
  return value;
}

function parseStack(value: string | undefined): string | undefined {
  if (value !== undefined) parseInput(stackId, value, "--stack");
  return value;
}

function readToken(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const token = value === "-" ? fs.readFileSync(0, "utf8").trim() : value;
  if (token === "")
    throw usage("--token", "is empty", "pass the token that 'sign' printed, or '-' and the token on stdin");
  return token;
}

async function renderCommand(options: { config: string; out: string }): Promise<void> {
  const report = renderToDirectory(options.config, options.out);
  const { config } = report;
  const out = process.stdout;
  out.write(
    `rendered signed runs for ${config.github.owner}/${config.github.repository}: ${config.stacks.length} stack(s) (${config.stacks.map((s) => s.id).join(", ")}), ${config.signing.algorithm}, offline\n`,
  );
  const which = (key: { branch?: string }) =>
    key.branch === undefined ? "proposed key" : `tracked key of branch "${key.branch}"`;
  for (const key of report.generatedKeys) {
    const [secretFile, publicFile] = key.files;
    const what =
      config.signing.algorithm === "ES256"
        ? `an ES256 key pair: ${shown(secretFile)} (private, mode 0600) and ${shown(publicFile)}`
        : `an HS256 secret: ${shown(secretFile)} (mode 0600)`;
    out.write(
      `generated ${what} as generation "${key.generation}"'s ${which(key)}, because the config names no existing key; its directory is git-ignored\n`,
    );
  }
  for (const key of report.reusedKeys) {
    out.write(`reused generation "${key.generation}"'s ${which(key)}: ${shown(key.file)}\n`);
  }
  for (const file of report.written) {
    const note = file.path.endsWith("initialization-policy.rego")
      ? config.signing.algorithm === "HS256"
        ? " (mode 0600: it holds the HS256 secrets)"
        : " (holds public keys only)"
      : file.path.endsWith(".env.template")
        ? ` (copy it to ${path.basename(FILLED_IN_LAUNCHER_ENVIRONMENT_FILE)} and fill in the pool's values there; render never touches ${path.basename(FILLED_IN_LAUNCHER_ENVIRONMENT_FILE)})`
        : "";
    out.write(`wrote ${shown(path.join(options.out, file.path))}${note}\n`);
  }
  for (const file of report.removed) {
    out.write(
      `removed ${shown(path.join(options.out, file))}: an earlier render generated it, and the config no longer does\n`,
    );
  }
  const active = activeKeysFor(config.plan, config.github.owner, config.github.repository);
  out.write(
    `the workflows sign PROPOSED runs with kid ${active.proposed.kid} from the repository secret ${active.proposed.secretName}\n`,
  );
  for (const tracked of active.tracked) {
    out.write(
      `the workflows sign TRACKED runs of ${tracked.stacks.join(", ")} (branch "${tracked.branch}") with kid ${tracked.kid} from the secret ${tracked.secretName} of the GitHub environment ${tracked.environment}, which admits only that branch\n`,
    );
  }
  const generation = config.signing.activeKey;
  const keyFile = (g: string, branch?: string) =>
    shown(branch === undefined ? config.signing.keyFiles[g].proposed : config.signing.keyFiles[g].tracked[branch]);
  out.write(
    `'pulumi up' creates the environments and sets the secrets; by hand, with generation "${generation}" (gh, run from this directory):\n`,
  );
  for (const line of manualSetupCommands(config, keyFile)) out.write(`  ${line}\n`);
  out.write(`next: check the files, then 'pulumi up' provisions them all (see README, "Add it to your program")\n`);
}

async function keygenCommand(options: { algorithm: "HS256" | "ES256"; out: string; force?: boolean }): Promise<void> {
  const files = writeNewKey(options.out, options.algorithm, options.force === true);
  if (options.algorithm === "ES256") {
    process.stdout.write(
      `wrote an ES256 key pair: ${shown(files[0])} (private, mode 0600) and ${shown(files[1])} (public)\n`,
    );
  } else {
    process.stdout.write(`wrote an HS256 secret: ${shown(files[0])} (mode 0600)\n`);
  }
}

async function signCommand(options: {
  key: string;
  kid: string;
  stack: string;
  sha: string;
  runType: string;
  branch: string;
  command?: string;
  lifetime?: string;
  issuer?: string;
}): Promise<void> {
  parseInput(keyId, options.kid, "--kid");
  const stack = parseStack(options.stack)!;
  const commitSha = parseSha(options.sha)!;
  const runType = parseRunType(options.runType)!;
  if (options.branch === "") throw usage("--branch", "is empty", "pass the branch the commit was pushed to");
  if (runType === "TASK" && (options.command === undefined || options.command === "")) {
    throw usage(
      "--command",
      "is missing for a TASK token",
      'pass the exact command the task runs (the token binds its SHA-256), e.g. --command "terraform state list"',
    );
  }
  if (runType !== "TASK" && options.command !== undefined) {
    throw usage("--command", `is given for a ${runType} token`, "leave --command out: only TASK tokens bind a command");
  }
  const lifetimeSeconds = parseLifetime(options.lifetime);
  const loaded = readKeyFile(options.key, "--key");
  let key: RunSigningKey;
  if (loaded.algorithm === "HS256") {
    key = { kid: options.kid, algorithm: "HS256", secret: loaded.secret };
  } else if (loaded.privateKeyPem !== undefined) {
    key = { kid: options.kid, algorithm: "ES256", privateKeyPem: loaded.privateKeyPem };
  } else {
    throw usage(
      "--key",
      `${options.key} is a public key, which cannot sign`,
      `pass the private key (the file beside ${publicKeyPathFor("KEY")} without .pub)`,
    );
  }
  const token = await signRunToken({
    key,
    commitSha,
    stack,
    runType,
    branch: options.branch,
    command: options.command,
    lifetimeSeconds,
    issuer: options.issuer ?? DEFAULT_ISSUER,
  });
  process.stdout.write(`${token}\n`);
}

interface VerifyOptions {
  token?: string;
  input?: string;
  stack?: string;
  sha?: string;
  runType?: string;
  branch?: string;
  policy?: string;
  config?: string;
  opa?: string;
  engine: "auto" | "opa" | "builtin";
  json?: boolean;
}

async function verifyCommand(options: VerifyOptions): Promise<void> {
  if ((options.policy === undefined) === (options.config === undefined)) {
    throw usage(
      "--policy/--config",
      options.policy === undefined ? "neither is given" : "both are given",
      "pass --policy with a rendered initialization policy (checked by OPA), or --config with your signed-runs.json and its key files",
    );
  }
  const input = buildLauncherInput(
    options.input,
    {
      stack: parseStack(options.stack),
      sha: parseSha(options.sha),
      runType: parseRunType(options.runType),
      branch: options.branch,
    },
    readToken(options.token),
  );
  const opa =
    options.engine === "builtin"
      ? undefined
      : findOpa(options.opa, options.policy !== undefined || options.engine === "opa");
  if (options.engine === "opa" && opa === undefined) {
    throw usage(
      "--engine opa",
      "no opa found on PATH or in ./.tools/bin",
      "put opa on PATH, pass --opa PATH, run from a clone where `npm run tools` built .tools/bin/opa-v1, or use --engine auto",
    );
  }
  let verdict: Verdict;
  if (options.policy !== undefined) {
    if (opa === undefined) {
      throw usage(
        "--policy",
        options.engine === "builtin"
          ? "a policy file can only be checked by OPA"
          : "no opa found on PATH or in ./.tools/bin to evaluate it",
        "put opa on PATH, pass --opa PATH, or run from a clone where `npm run tools` built .tools/bin/opa-v1; or verify with --config instead, which the built-in jose verifier can check",
      );
    }
    if (!fs.existsSync(options.policy))
      throw usage(
        "--policy",
        `${options.policy} does not exist`,
        "pass the launcher/initialization-policy.rego that render wrote",
      );
    verdict = verifyWithOpa(opa, options.policy, input);
  } else {
    const config = loadRenderConfig(options.config!);
    const keys = readExistingKeys(config);
    const policyOptions = policyOptionsFor(config, keys);
    verdict =
      opa === undefined
        ? await verifyBuiltIn(input, policyOptions)
        : withTemporaryPolicy(renderInitializationPolicy(policyOptions), (file) => verifyWithOpa(opa, file, input));
  }
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify(verdict)}\n`);
  } else if (verdict.allowed) {
    process.stdout.write(`allowed (engine: ${verdict.engine})\n`);
  } else {
    process.stdout.write(`denied (engine: ${verdict.engine}):\n${verdict.deny.map((d) => `  - ${d}\n`).join("")}`);
  }
  if (!verdict.allowed) process.exitCode = ExitCode.Denied;
}

async function onboardCommand(options: { repositories: string; backend?: string }): Promise<void> {
  // Everything that can be checked offline is checked before the first stack: the file, the backend, the CLI.
  const file = loadOnboardingFile(options.repositories);
  const backend = resolveBackend(options.backend);
  const { pulumiVersion } = checkPulumiPrerequisites(backend.url);
  const out = process.stdout;
  out.write(
    `onboarding ${file.repositories.length} repositories from ${shown(options.repositories)} with Pulumi ${pulumiVersion}; state in ${backend.url}\n`,
  );
  if (backend.local) {
    out.write(
      "note: the state is in a local directory; on a throwaway CI runner it is lost and the next run makes new keys. Keep it, or pass --backend with a bucket (docs/bulk-onboarding.md)\n",
    );
  }
  const runner = automationRunner({ ...file, backendUrl: backend.url });
  const result = await onboardRepositories(file.repositories, runner, (line) => out.write(`${line}\n`));
  if (onboardingFailed(result))
    throw new CliError(
      ExitCode.Failure,
      `onboarding did not finish: see the FAILED lines above (${formatDuration(result.elapsedMs)}). Fix: correct what they name and run onboard again; repositories already onboarded are updated in place`,
    );
}

/** `verify --config` never makes keys: a missing key file is an error, not a new key. */
function readExistingKeys(config: ReturnType<typeof loadRenderConfig>) {
  for (const { file, field } of keySlots(config)) {
    if (!fs.existsSync(file) && !fs.existsSync(publicKeyPathFor(file))) {
      throw usage(
        field,
        `no key file at ${file}`,
        "run 'render' first (it makes missing keys), or point signing.keyFiles at the key",
      );
    }
  }
  return ensureKeys(config).keys;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("spacelift-signed-runs")
    .description(
      "Render, sign and verify Spacelift signed runs, offline. 'render' writes every artifact the SignedRuns component provisions.",
    )
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", EXIT_CODES);

  program
    .command("render")
    .description(
      "Write the initialization policy, the push policy, the GitHub workflows and a launcher environment template into a directory. Offline: no account, no network. Makes a signing key when the config names none.",
    )
    .requiredOption(
      "--config <file>",
      "the config file (the SignedRuns arguments minus secrets), e.g. signed-runs.json",
    )
    .requiredOption("--out <dir>", "the directory to write into; workflows go to <dir>/.github/workflows/")
    .addHelpText(
      "after",
      `\nFiles written under --out:\n  launcher/initialization-policy.rego  the launcher's policy (mode 0600 with HS256)\n  launcher/launcher.env.template       the launcher environment template; copy it to launcher.env and fill that in\n  spacelift/push-policy.rego           the GIT_PUSH policy that ignores pushes\n  .github/workflows/*.yml              the workflows that sign and trigger runs\n  kubernetes/*.yaml                    with launcher.kubernetes: the policy Secret, the WorkerPool (and the Namespace);\n  launcher/pool-credentials.yaml.template  its credentials Secret with placeholders (docs/kubernetes.md)\nA missing key is generated beside the config in signed-runs-keys/ (mode 0600, git-ignored).\nlauncher/launcher.env is never read or written. Files an earlier render generated (first line "# Generated by\npulumi-spacelift-signed-runs") that the config no longer gives are removed and listed; other files are never touched.\n${EXIT_CODES}`,
    )
    .action(renderCommand);

  program
    .command("sign")
    .description(
      "Mint a run token to the token contract, for CI systems other than GitHub Actions. Prints only the token.",
    )
    .requiredOption("--key <file>", "the signing key: an HS256 secret file or an ES256 private key PEM")
    .requiredOption("--kid <kid>", "the key id the policy trusts the key under ('render' prints it)")
    .requiredOption("--stack <id>", "the Spacelift stack id the run is for")
    .requiredOption("--sha <sha>", "the full 40-hex commit SHA")
    .addOption(new Option("--run-type <type>", "the run type").choices([...RUN_TYPES]).makeOptionMandatory())
    .requiredOption(
      "--branch <name>",
      "the branch the commit was pushed to (recorded in the token; the policy does not compare it)",
    )
    .option(
      "--command <command>",
      "TASK only, and required for it: the exact command the task runs; the token carries its SHA-256 as command_sha256",
    )
    .option("--lifetime <seconds>", `the token's lifetime (exp - nbf), default ${DEFAULT_MAX_TOKEN_LIFETIME_SECONDS}`)
    .option("--issuer <iss>", `the iss claim, default "${DEFAULT_ISSUER}"`)
    .addHelpText(
      "after",
      `\nExample:\n  spacectl stack deploy --id payments-prod --sha "$SHA" \\\n    --run-metadata "$(spacelift-signed-runs sign --key key.pem --kid "$KID" \\\n      --stack payments-prod --sha "$SHA" --run-type TRACKED --branch main)"\n${EXIT_CODES}`,
    )
    .action(signCommand);

  program
    .command("verify")
    .description(
      "Check a run token against an initialization policy, as the launcher would. Uses real OPA when one is on PATH or given with --opa, else the built-in jose verifier, and says which.",
    )
    .option("--token <jwt>", "the token to check ('-' reads it from stdin); it replaces the input's run metadata")
    .option("--input <file>", "a launcher input document (JSON); otherwise one is built from the four options below")
    .option("--stack <id>", "the run's stack id")
    .option("--sha <sha>", "the run's commit SHA")
    .addOption(new Option("--run-type <type>", "the run's type").choices([...RUN_TYPES]))
    .option(
      "--branch <name>",
      'the branch Spacelift reports for the run (default "-", as for runs started through the API); the policy does not compare it',
    )
    .option("--policy <file>", "a rendered initialization policy (needs OPA)")
    .option("--config <file>", "your signed-runs.json: the policy is rendered from it and its key files")
    .option("--opa <path>", "the opa binary to use (default: opa on PATH)")
    .addOption(
      new Option("--engine <engine>", "which engine checks the token")
        .choices(["auto", "opa", "builtin"])
        .default("auto"),
    )
    .option("--json", "print the verdict as JSON: {allowed, deny, engine}")
    .addHelpText("after", EXIT_CODES)
    .action(verifyCommand);

  program
    .command("keygen")
    .description(
      "Make a signing key: an ES256 key pair (the default; PKCS#8 private key and SPKI public key beside it: key.pem gives key.pub.pem) or, with --algorithm HS256, an HS256 secret (64 characters). Files that hold secrets get mode 0600.",
    )
    .addOption(
      new Option("--algorithm <alg>", "the key's algorithm")
        .choices(["HS256", "ES256"])
        .default(DEFAULT_SIGNING_ALGORITHM),
    )
    .requiredOption("--out <file>", "where to write the key")
    .option("--force", "overwrite an existing key (every token signed with it stops verifying)")
    .addHelpText("after", EXIT_CODES)
    .action(keygenCommand);

  program
    .command("onboard")
    .description(
      "Onboard many repositories onto one shared worker pool with the Pulumi Automation API: one Pulumi stack per repository (its keys, GitHub secrets and workflows), then the pool's stack trusting every repository's keys for its own stacks. Needs the Pulumi CLI, and GitHub and Spacelift credentials in the environment.",
    )
    .requiredOption(
      "--repositories <file>",
      "the repositories file (JSON): { spaceliftEndpoint, repositories: [{ owner, repository, stacks }] }",
    )
    .option(
      "--backend <url>",
      "where the stacks' state lives: s3://, azblob://, gs://, https://api.pulumi.com or file://DIR (default: $PULUMI_BACKEND_URL, else file://.pulumi-state)",
    )
    .addHelpText(
      "after",
      `\nThe file is checked first and every problem is listed. Prints a line per repository as it starts and ends,\nthen the pool, then a summary with the counts and the total time. A failed repository does not stop the others.\nIn CI the state must outlive the runner: see docs/bulk-onboarding.md.\n${EXIT_CODES}`,
    )
    .action(onboardCommand);

  return program;
}

/** Runs the CLI and returns its exit code; errors become one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed its message already.
      return error.code === "commander.helpDisplayed" || error.code === "commander.version"
        ? ExitCode.Ok
        : ExitCode.Usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof SignedRunsInputError) {
      process.stderr.write(`error: ${error.message}\n`);
      return ExitCode.Usage;
    }
    process.stderr.write(`error: ${(error as Error).message ?? String(error)}\n`);
    return ExitCode.Failure;
  }
}

if (require.main === module) {
  // A reader that closes early (`render ... | head`) is not a failure: the command
  // still finishes its work (every file is written); only its chatter is dropped.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
