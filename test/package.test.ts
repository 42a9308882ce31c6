/**
 * The package as a user gets it: `npm pack` of a scratch copy of the
 * repository, the tarball installed into an empty project (from the npm
 * cache), a strict TypeScript program that imports the component compiled
 * against the shipped declarations and run under Pulumi's mocks, and the bin
 * run through npx. Then the same package installed from a git URL (a
 * temporary git repository), which only works when `prepare` builds dist/.
 *
 * Packing happens in a copy, never in the checkout: `prepare` rewrites dist/,
 * which the other test files are reading at the same time.
 */
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { temporaryDirectory } from "./support/cli";
import { REPO_ROOT } from "./support/opa";

const PACKAGE = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  bin: Record<string, string>;
};
const BIN = Object.keys(PACKAGE.bin)[0];
const TSC = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");

/** The public API, exactly: adding a name to components/index.ts is a decision, and this list records it. */
const PUBLIC_VALUES = [
  "SignedRuns",
  "SignedRunsInputError",
  "SignedRunsRepository",
  "SignedRunsWorkerPool",
  "renderInitializationPolicy",
  "renderPushPolicy",
  "renderWorkflows",
  "signRunToken",
  "spacelift",
  "verifyRunToken",
];

function run(command: string, args: string[], options: SpawnSyncOptions & { cwd: string }): string {
  // No npm_config_* of the outer `npm test`: the scratch installs read only their own project's config.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const result = spawnSync(command, args, {
    encoding: "utf8",
    env: { ...env, ...options.env },
    ...options,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  assert.equal(
    result.status,
    0,
    `${command} ${args.join(" ")} in ${options.cwd} failed:\n${String(result.stdout)}\n${String(result.stderr)}`,
  );
  return String(result.stdout);
}

/** The repository's files as git knows them (tracked, and new files not ignored), copied without dist/ or node_modules/. */
function copyRepository(destination: string): void {
  const files = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT })
    .split("\0")
    .filter((f) => f !== "");
  for (const file of files) {
    const source = path.join(REPO_ROOT, file);
    if (!existsSync(source)) continue; // deleted in the work tree, not yet in the index
    mkdirSync(path.dirname(path.join(destination, file)), { recursive: true });
    copyFileSync(source, path.join(destination, file));
  }
}

const NPM_INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

function scratchProject(name: string): string {
  const directory = temporaryDirectory(name);
  writeFileSync(
    path.join(directory, "package.json"),
    JSON.stringify({ name: "consumer", version: "1.0.0", private: true }, null, 2),
  );
  return directory;
}

const PROGRAM = `
import { generateKeyPairSync } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { SignedRuns, SignedRunsInputError, renderPushPolicy, type SignedRunsArgs, type TrustedKey } from "${PACKAGE.name}";

// Provider state the components read: a random secret, a P-256 key, a pool's credentials.
pulumi.runtime.setMocks(
  {
    newResource(args) {
      const state: Record<string, unknown> = { ...args.inputs };
      if (args.type === "random:index/randomPassword:RandomPassword") state.result = "s".repeat(Number(args.inputs.length ?? 64));
      if (args.type === "tls:index/privateKey:PrivateKey") {
        const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
        state.privateKeyPem = pair.privateKey.export({ type: "sec1", format: "pem" });
        state.privateKeyPemPkcs8 = pair.privateKey.export({ type: "pkcs8", format: "pem" });
        state.publicKeyPem = pair.publicKey.export({ type: "spki", format: "pem" });
      }
      if (args.type === "spacelift:index/workerPool:WorkerPool") Object.assign(state, { config: "pool-config", privateKey: "pool-key" });
      return { id: args.name + "-id", state };
    },
    call: (args) => args.inputs,
  },
  "consumer",
  "test",
  false,
);

const args: SignedRunsArgs = {
  github: { owner: "acme", repository: "payments-infra" },
  stacks: [{ id: "payments-prod" }, { id: "payments-staging", branch: "staging" }],
  spacelift: { endpoint: "https://acme.app.spacelift.io", apiKey: { id: "01HAPIKEYID", secret: "api-key-secret" } },
};

let rejected = "";
try {
  new SignedRuns("bad", { ...args, stacks: [{ id: "Not A Slug" }] });
} catch (error) {
  if (error instanceof SignedRunsInputError) rejected = error.field;
}

const signedRuns = new SignedRuns("payments", args);
pulumi.all([signedRuns.stackIds, signedRuns.workflowFiles, signedRuns.trustedKeys]).apply(([stackIds, files, keys]: [string[], { path: string }[], TrustedKey[]]) => {
  console.log(JSON.stringify({ stackIds, workflows: files.map((f) => f.path), stacksOfKey: keys[0].stacks, rejected, pushPolicy: /^package spacelift$/m.test(renderPushPolicy()) }));
});
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "Node16",
    moduleResolution: "Node16",
    strict: true,
    noEmitOnError: true,
    outDir: "dist",
    typeRoots: [path.join(REPO_ROOT, "node_modules", "@types")],
    types: ["node"],
  },
  files: ["program.ts"],
};

describe("the package as installed", () => {
  let source: string;
  let tarball: string;

  before(() => {
    // A scratch repository: the files git knows, committed, so it can also be installed from a git URL.
    source = temporaryDirectory("package-source");
    copyRepository(source);
    run("git", ["init", "--quiet", "--initial-branch=main"], { cwd: source });
    run("git", ["add", "--all"], { cwd: source });
    run(
      "git",
      [
        "-c",
        "user.name=test",
        "-c",
        "user.email=test@example.invalid",
        "commit",
        "--quiet",
        "--no-gpg-sign",
        "-m",
        "snapshot",
      ],
      { cwd: source },
    );
    // Packing builds dist/ (prepare), which needs the dev dependencies: borrow the checkout's, after the commit.
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(source, "node_modules"));
    const destination = temporaryDirectory("package-tarball");
    run("npm", ["pack", "--silent", "--pack-destination", destination], { cwd: source });
    const [file] = readdirSync(destination).filter((f) => f.endsWith(".tgz"));
    assert.ok(file, "npm pack wrote no tarball");
    tarball = path.join(destination, file);
  });

  it("the tarball holds the built library, the bin, the policies, LICENSE and README, and no tests, sources or keys", () => {
    const listing = run("tar", ["-tzf", tarball], { cwd: REPO_ROOT })
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.replace(/^package\//, ""));
    for (const file of [
      "package.json",
      "LICENSE",
      "README.md",
      "dist/components/index.js",
      "dist/components/index.d.ts",
      PACKAGE.bin[BIN],
      "policies/initialization-policy.rego",
      "policies/push-policy.rego",
    ]) {
      assert.ok(listing.includes(file), `${file} is not in the tarball`);
    }
    const unwanted = listing.filter((f) =>
      /(^|\/)test\/|^examples\/|^bench\/|_test\.rego$|\.ts$(?<!\.d\.ts)|\.map$|signed-runs-keys/.test(f),
    );
    assert.deepEqual(unwanted, []);
  });

  it("installed from the tarball: a strict TypeScript program compiles against it, runs under mocks, and the bin renders", () => {
    const project = scratchProject("package-consumer");
    run("npm", [...NPM_INSTALL, tarball], { cwd: project });
    writeFileSync(path.join(project, "program.ts"), PROGRAM);
    writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
    run(process.execPath, [TSC, "-p", "."], { cwd: project });
    const report = JSON.parse(
      run(process.execPath, ["dist/program.js"], { cwd: project }).trim().split("\n").pop()!,
    ) as Record<string, unknown>;
    assert.deepEqual(report, {
      stackIds: ["payments-prod", "payments-staging"],
      workflows: [
        ".github/workflows/spacelift-signed-run-payments-prod.yml",
        ".github/workflows/spacelift-signed-run-payments-staging.yml",
      ],
      stacksOfKey: ["payments-prod", "payments-staging"],
      rejected: "stacks[0].id",
      pushPolicy: true,
    });

    // The root exports the public API and nothing else; internals are not reachable by path.
    const probe = `const api = require("${PACKAGE.name}"); console.log(JSON.stringify(Object.keys(api).sort()));
      let blocked = false; try { require("${PACKAGE.name}/dist/components/signedRuns/signedRunsRepository"); } catch (e) { blocked = e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED"; }
      console.log(blocked, require("${PACKAGE.name}/package.json").version);`;
    const [keys, paths] = run(process.execPath, ["-e", probe], { cwd: project }).trim().split("\n");
    assert.deepEqual(JSON.parse(keys), PUBLIC_VALUES);
    assert.equal(paths, `true ${PACKAGE.version}`);

    const help = run("npx", ["--no-install", BIN, "--help"], { cwd: project });
    assert.match(help, /Usage: spacelift-signed-runs/);
    for (const command of ["render", "sign", "verify", "keygen"]) assert.match(help, new RegExp(`\\n  ${command} `));
    copyFileSync(path.join(REPO_ROOT, "examples/basic/signed-runs.json"), path.join(project, "signed-runs.json"));
    const rendered = run("npx", ["--no-install", BIN, "render", "--config", "signed-runs.json", "--out", "out"], {
      cwd: project,
    });
    assert.match(rendered, /^rendered signed runs for acme\/payments-infra/);
    const policy = readFileSync(path.join(project, "out/launcher/initialization-policy.rego"), "utf8");
    assert.match(policy, /^package spacelift$/m);
    assert.ok(existsSync(path.join(project, "out/.github/workflows/spacelift-signed-run-payments-prod.yml")));
  });

  it("installed from a git URL: prepare builds dist/, so require and the bin work", () => {
    const project = scratchProject("package-git-consumer");
    run("npm", [...NPM_INSTALL, `git+file://${source}`], { cwd: project });
    const installed = path.join(project, "node_modules", PACKAGE.name);
    assert.ok(existsSync(path.join(installed, "dist/components/index.js")), "no dist/ after installing from git");
    const keys = run(
      process.execPath,
      ["-e", `console.log(JSON.stringify(Object.keys(require("${PACKAGE.name}")).sort()))`],
      { cwd: project },
    );
    assert.deepEqual(JSON.parse(keys), PUBLIC_VALUES);
    assert.match(
      run("npx", ["--no-install", BIN, "--version"], { cwd: project }),
      new RegExp(`^${PACKAGE.version.replaceAll(".", "\\.")}\\n$`),
    );
  });
});
