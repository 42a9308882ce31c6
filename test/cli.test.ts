/**
 * The `spacelift-signed-runs` CLI, run as a child process from dist/cli/main.js:
 * help and exit codes, config errors, keygen, and render -> opa check /
 * actionlint, sign -> verify in real OPA on both lines.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, createPrivateKey } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { proposedKeyId, trackedKeyId } from "../components/signedRuns/keyGenerations";
import { REPO_ROOT, opaEngines, runOpa, spaceliftCapabilitiesFile } from "./support/opa";
import {
  CLI,
  pathWithOpa,
  runActionlint,
  runCli,
  runFlags,
  signArgs,
  temporaryDirectory,
  type CliRun,
} from "./support/cli";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const OTHER_SHA = "fedcba9876543210fedcba9876543210fedcba98";

function baseConfig(): Record<string, unknown> {
  return {
    github: { owner: "acme", repository: "payments-infra" },
    stacks: [{ id: "payments-prod" }, { id: "payments-staging", branch: "staging", projectRoot: "staging" }],
    spacelift: { endpoint: "https://acme.app.spacelift.io" },
  };
}

function writeConfig(directory: string, config: unknown): string {
  const file = path.join(directory, "signed-runs.json");
  writeFileSync(file, typeof config === "string" ? config : JSON.stringify(config, null, 2));
  return file;
}

function mode(file: string): number {
  return statSync(file).mode & 0o777;
}

function listFiles(directory: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(path.relative(directory, full));
    }
  };
  walk(directory);
  return files.sort();
}

function snapshot(directory: string): Record<string, string> {
  return Object.fromEntries(
    listFiles(directory).map((file) => [file, readFileSync(path.join(directory, file), "utf8")]),
  );
}

/** A rendered setup: config, output directory and the key generated for it. */
function renderSetup(algorithm: "HS256" | "ES256") {
  const directory = temporaryDirectory(`render-${algorithm}`);
  // The ES256 set-up also uses an OIDC API key, so both auth modes go through render, OPA and actionlint.
  const spacelift =
    algorithm === "ES256"
      ? {
          endpoint: "https://acme.app.spacelift.io",
          apiKey: { oidc: { apiKeyId: "01HOIDCKEY000000", audience: "acme" } },
        }
      : baseConfig().spacelift;
  const configFile = writeConfig(directory, { ...baseConfig(), spacelift, signing: { algorithm, keys: ["2026-11"] } });
  const out = path.join(directory, "out");
  const result = runCli(["render", "--config", configFile, "--out", out]);
  const keys = path.join(directory, "signed-runs-keys");
  const extension = algorithm === "ES256" ? "es256.pem" : "hs256.key";
  return {
    directory,
    configFile,
    out,
    result,
    /** The tracked key of main (payments-prod's branch): signs TRACKED and TASK runs of payments-prod. */
    keyFile: path.join(keys, `2026-11.tracked.main.${extension}`),
    kid: trackedKeyId("acme", "payments-infra", "main", "2026-11"),
    stagingKeyFile: path.join(keys, `2026-11.tracked.staging.${extension}`),
    stagingKid: trackedKeyId("acme", "payments-infra", "staging", "2026-11"),
    /** The proposed key: signs PROPOSED runs of every stack. */
    proposedKeyFile: path.join(keys, `2026-11.proposed.${extension}`),
    proposedKid: proposedKeyId("acme", "payments-infra", "2026-11"),
  };
}

describe("cli: help and exit codes", () => {
  for (const command of ["render", "sign", "verify", "keygen"]) {
    it(`${command} --help exits 0 and documents its options and exit codes`, () => {
      const result = runCli([command, "--help"]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`Usage: spacelift-signed-runs ${command}`));
      assert.match(result.stdout, /Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 .*\n\s+3 /);
    });
  }

  it("--help lists every subcommand", () => {
    const result = runCli(["--help"]);
    assert.equal(result.status, 0);
    for (const command of ["render", "sign", "verify", "keygen"])
      assert.match(result.stdout, new RegExp(`\\n\\s+${command} \\[options\\]`));
  });

  it("no subcommand, an unknown subcommand or option, or a missing required option exits 2", () => {
    assert.equal(runCli([]).status, 2);
    const unknown = runCli(["publish"]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command 'publish'/);
    const unknownOption = runCli(["keygen", "--out", "x", "--bits", "9"]);
    assert.equal(unknownOption.status, 2);
    assert.match(unknownOption.stderr, /unknown option '--bits'/);
    const missing = runCli(["render", "--out", "x"]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--config <file>/);
    const badChoice = runCli(["keygen", "--algorithm", "RS256", "--out", "x"]);
    assert.equal(badChoice.status, 2);
    assert.match(badChoice.stderr, /RS256.*HS256, ES256|HS256.*ES256/s);
  });
});

describe("cli: keygen", () => {
  it("makes an HS256 secret of 64 characters, mode 0600, without printing it", () => {
    const directory = temporaryDirectory("keygen-hs");
    const file = path.join(directory, "signing.key");
    const result = runCli(["keygen", "--algorithm", "HS256", "--out", file]);
    assert.equal(result.status, 0, result.stderr);
    const secret = readFileSync(file, "utf8").trim();
    assert.equal(secret.length, 64);
    assert.equal(mode(file), 0o600);
    assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), "keygen printed the secret");
  });

  it("makes an ES256 key pair: a P-256 private key (0600) and its public key", () => {
    const directory = temporaryDirectory("keygen-es");
    const file = path.join(directory, "signing.pem");
    const result = runCli(["keygen", "--algorithm", "ES256", "--out", file]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(mode(file), 0o600);
    const key = createPrivateKey(readFileSync(file, "utf8"));
    assert.equal(key.asymmetricKeyDetails?.namedCurve, "prime256v1");
    assert.match(readFileSync(path.join(directory, "signing.pub.pem"), "utf8"), /^-----BEGIN PUBLIC KEY-----/);
    assert.ok(!result.stdout.includes("PRIVATE KEY"));
  });

  it("refuses to overwrite a key (exit 2) unless --force", () => {
    const directory = temporaryDirectory("keygen-force");
    const file = path.join(directory, "signing.key");
    assert.equal(runCli(["keygen", "--out", file]).status, 0);
    const first = readFileSync(file, "utf8");
    const again = runCli(["keygen", "--out", file]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /exists already.*--force/);
    assert.equal(readFileSync(file, "utf8"), first);
    assert.equal(runCli(["keygen", "--out", file, "--force"]).status, 0);
    assert.notEqual(readFileSync(file, "utf8"), first);
  });

  it("without --algorithm makes an ES256 key pair (DEFAULT_SIGNING_ALGORITHM)", () => {
    const file = path.join(temporaryDirectory("keygen-default"), "key.pem");
    const result = runCli(["keygen", "--out", file]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(createPrivateKey(readFileSync(file, "utf8")).asymmetricKeyDetails?.namedCurve, "prime256v1");
    assert.ok(existsSync(path.join(path.dirname(file), "key.pub.pem")));
  });
});

describe("cli: sign a TASK token", () => {
  it("problem 5: --command binds the task's command as command_sha256; a TASK without --command, or --command on another run type, exits 2", () => {
    const file = path.join(temporaryDirectory("sign-task"), "key.pem");
    assert.equal(runCli(["keygen", "--out", file]).status, 0);
    const base = [
      "sign",
      "--key",
      file,
      "--kid",
      "acme.infra:tracked:main:1",
      "--stack",
      "payments-prod",
      "--sha",
      SHA,
      "--branch",
      "main",
    ];
    const task = runCli([...base, "--run-type", "TASK", "--command", "terraform state list"]);
    assert.equal(task.status, 0, task.stderr);
    const claims = JSON.parse(Buffer.from(task.stdout.trim().split(".")[1], "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    assert.equal(claims.command_sha256, createHash("sha256").update("terraform state list").digest("hex"));
    assert.equal(JSON.parse(Buffer.from(task.stdout.trim().split(".")[0], "base64url").toString("utf8")).alg, "ES256");
    const missing = runCli([...base, "--run-type", "TASK"]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--command: is missing for a TASK token\. Fix: /);
    const extra = runCli([...base, "--run-type", "TRACKED", "--command", "ls"]);
    assert.equal(extra.status, 2);
    assert.match(extra.stderr, /--command: is given for a TRACKED token\. Fix: /);
  });
});

describe("cli: render config errors exit 2 and name the field and the fix", () => {
  const cases: Array<{ name: string; config: (c: Record<string, unknown>) => unknown; field: RegExp }> = [
    { name: "not JSON", config: () => "{ github: ", field: /is not valid JSON/ },
    {
      name: "no stacks",
      config: (c) => ({ ...c, stacks: [] }),
      field: /stacks: lists no stack\. Fix: list at least one/,
    },
    {
      name: "a bad stack id",
      config: (c) => ({ ...c, stacks: [{ id: "Payments Prod" }] }),
      field: /stacks\[0\]\.id: "Payments Prod" is not a Spacelift stack id\. Fix:/,
    },
    {
      name: "a duplicate stack",
      config: (c) => ({ ...c, stacks: [{ id: "a" }, { id: "a" }] }),
      field: /stacks: stack id "a" appears more than once/,
    },
    {
      name: "a bad owner",
      config: (c) => ({ ...c, github: { owner: "-acme", repository: "x" } }),
      field: /github\.owner: "-acme"/,
    },
    {
      name: "a missing repository",
      config: (c) => ({ ...c, github: { owner: "acme" } }),
      field: /github\.repository: is missing\. Fix: set it to the repository name/,
    },
    {
      name: "an http endpoint",
      config: (c) => ({ ...c, spacelift: { endpoint: "http://acme.app.spacelift.io" } }),
      field: /spacelift\.endpoint: "http:\/\/acme\.app\.spacelift\.io" does not use https\. Fix:/,
    },
    {
      name: "an endpoint with a path",
      config: (c) => ({ ...c, spacelift: { endpoint: "https://acme.app.spacelift.io/graphql" } }),
      field: /spacelift\.endpoint:/,
    },
    {
      name: "an unknown algorithm",
      config: (c) => ({ ...c, signing: { algorithm: "HS512" } }),
      field: /signing\.algorithm: "HS512" is not a supported algorithm\. Fix: use one of HS256, ES256/,
    },
    {
      name: "an activeKey not listed",
      config: (c) => ({ ...c, signing: { keys: ["a"], activeKey: "b" } }),
      field: /signing\.activeKey: "b" is not one of signing\.keys/,
    },
    {
      name: "a lifetime out of range",
      config: (c) => ({ ...c, signing: { maxTokenLifetimeSeconds: 5 } }),
      field: /signing\.maxTokenLifetimeSeconds: "5" is not a whole number of seconds between 60 and 86400\. Fix:/,
    },
    {
      name: "a misspelt field",
      config: (c) => ({ ...c, stack: [] }),
      field: /stack: is not a known field\. Fix: remove it or fix its spelling/,
    },
    {
      name: "a spacectl version without its checksum",
      config: (c) => ({ ...c, workflow: { spacectlVersion: "9.9.9" } }),
      field: /workflow\.spacectlSha256: is missing for spacectlVersion "9\.9\.9"\. Fix:/,
    },
    {
      name: "a relative launcher policy path",
      config: (c) => ({ ...c, launcher: { policyPath: "policy.rego" } }),
      field: /launcher\.policyPath: "policy\.rego"/,
    },
  ];
  for (const { name, config, field } of cases) {
    it(name, () => {
      const directory = temporaryDirectory("bad-config");
      const configFile = writeConfig(directory, config(baseConfig()));
      const out = path.join(directory, "out");
      const result = runCli(["render", "--config", configFile, "--out", out]);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /^error: .*signed-runs\.json: /);
      assert.match(result.stderr, field);
      assert.equal(existsSync(out), false, "render wrote files despite the bad config");
      assert.equal(
        existsSync(path.join(directory, "signed-runs-keys")),
        false,
        "render made a key despite the bad config",
      );
    });
  }

  it("an API key secret in the config is refused without being echoed", () => {
    const directory = temporaryDirectory("secret-config");
    const secret = "spacelift-api-key-secret-value-0123456789";
    const configFile = writeConfig(directory, {
      ...baseConfig(),
      spacelift: { endpoint: "https://acme.app.spacelift.io", apiKey: { id: "01ABC", secret } },
    });
    const result = runCli(["render", "--config", configFile, "--out", path.join(directory, "out")]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /spacelift\.apiKey\.secret: a secret does not belong in the config file/);
    assert.ok(!result.stderr.includes(secret) && !result.stdout.includes(secret));
  });

  it("a config file that does not exist", () => {
    const result = runCli(["render", "--config", "/nonexistent/signed-runs.json", "--out", temporaryDirectory("x")]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--config: cannot read \/nonexistent\/signed-runs\.json \(ENOENT\)/);
  });
});

describe("cli: render", () => {
  for (const algorithm of ["HS256", "ES256"] as const) {
    it(`${algorithm}: writes every artifact, generates a 0600 key, and never prints a secret`, () => {
      const { out, result, keyFile } = renderSetup(algorithm);
      assert.equal(result.status, 0, result.stderr);
      const files = listFiles(out);
      assert.deepEqual(
        files.filter((f) => !f.startsWith(".github/")),
        [
          "launcher/.gitignore",
          "launcher/initialization-policy.rego",
          "launcher/launcher.env.template",
          "spacelift/push-policy.rego",
        ],
      );
      const workflows = files.filter((f) => f.startsWith(".github/workflows/"));
      assert.equal(workflows.length, 2, `one workflow per stack expected, got ${JSON.stringify(workflows)}`);
      assert.ok(workflows.every((f) => /\.ya?ml$/.test(f)));
      assert.equal(mode(keyFile), 0o600);
      assert.match(result.stdout, new RegExp(`generated an ${algorithm} `));
      assert.match(result.stdout, /because the config names no existing key/);
      // Both kinds of key: the proposed key and a tracked key per tracked branch (main, staging).
      const keyFiles = readdirSync(path.dirname(keyFile))
        .filter((f) => f !== ".gitignore" && !f.endsWith(".pub.pem"))
        .sort();
      const extension = algorithm === "ES256" ? "es256.pem" : "hs256.key";
      assert.deepEqual(keyFiles, [
        `2026-11.proposed.${extension}`,
        `2026-11.tracked.main.${extension}`,
        `2026-11.tracked.staging.${extension}`,
      ]);
      for (const file of keyFiles) assert.equal(mode(path.join(path.dirname(keyFile), file)), 0o600, file);
      const secret = readFileSync(keyFile, "utf8").trim();
      const everything = result.stdout + result.stderr;
      if (algorithm === "HS256") {
        assert.ok(!everything.includes(secret), "render printed the HS256 secret");
        assert.ok(
          readFileSync(path.join(out, "launcher/initialization-policy.rego"), "utf8").includes(secret),
          "the HS256 policy should trust the generated secret",
        );
        assert.equal(mode(path.join(out, "launcher/initialization-policy.rego")), 0o600);
      } else {
        const body = secret
          .split("\n")
          .filter((line) => !line.startsWith("-----"))
          .join("");
        assert.ok(!everything.includes(body.slice(0, 40)), "render printed the ES256 private key");
        assert.ok(!readFileSync(path.join(out, "launcher/initialization-policy.rego"), "utf8").includes("PRIVATE KEY"));
      }
      for (const workflow of listFiles(out).filter((f) => f.startsWith(".github/"))) {
        assert.ok(
          !readFileSync(path.join(out, workflow), "utf8").includes(secret.split("\n")[algorithm === "HS256" ? 0 : 1]),
          `${workflow} holds the key`,
        );
      }
      assert.equal(mode(path.join(out, "launcher/launcher.env.template")), 0o600);
      assert.match(
        readFileSync(path.join(out, "launcher/launcher.env.template"), "utf8"),
        /^SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY=\/\S+$/m,
      );
      assert.match(readFileSync(path.join(out, "launcher/.gitignore"), "utf8"), /^\*$/m);
    });

    it(`${algorithm}: the policy passes opa check --strict on OPA 1.x and 0.70.x with Spacelift's capabilities`, () => {
      const { out, result } = renderSetup(algorithm);
      assert.equal(result.status, 0, result.stderr);
      const policy = path.join(out, "launcher/initialization-policy.rego");
      for (const engine of opaEngines()) {
        const check = runOpa(engine, "check", [
          "--strict",
          "--capabilities",
          spaceliftCapabilitiesFile(engine),
          policy,
        ]);
        assert.equal(check.status, 0, `${engine.name} check: ${check.stderr}${check.stdout}`);
        const push = runOpa(engine, "check", [
          "--strict",
          "--capabilities",
          spaceliftCapabilitiesFile(engine),
          path.join(out, "spacelift/push-policy.rego"),
        ]);
        assert.equal(push.status, 0, `${engine.name} check push policy: ${push.stderr}${push.stdout}`);
      }
    });

    it(`${algorithm}: the workflows pass actionlint with shellcheck`, () => {
      const { out, result } = renderSetup(algorithm);
      assert.equal(result.status, 0, result.stderr);
      const workflows = listFiles(out).filter((f) => f.startsWith(".github/workflows/"));
      assert.ok(workflows.length > 0);
      const lint = runActionlint(workflows, out);
      assert.equal(lint.status, 0, `actionlint:\n${lint.stdout}${lint.stderr}`);
      const first = readFileSync(path.join(out, workflows[0]), "utf8");
      if (algorithm === "ES256")
        assert.match(first, /id-token: write/, "the OIDC config should render an OIDC workflow");
      else assert.doesNotMatch(first, /id-token: write/);
    });
  }

  it("is deterministic and reuses an existing key: a second render writes byte-identical files", () => {
    const { configFile, out, result, keyFile } = renderSetup("ES256");
    assert.equal(result.status, 0, result.stderr);
    const key = readFileSync(keyFile, "utf8");
    const first = snapshot(out);
    const second = runCli(["render", "--config", configFile, "--out", path.join(path.dirname(out), "out2")]);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /reused generation "2026-11"'s proposed key/);
    assert.match(second.stdout, /reused generation "2026-11"'s tracked key of branch "staging"/);
    assert.doesNotMatch(second.stdout, /generated/);
    assert.equal(readFileSync(keyFile, "utf8"), key);
    assert.deepEqual(snapshot(path.join(path.dirname(out), "out2")), first);
  });

  it("renders from a public key alone when the private key lives elsewhere (ES256)", () => {
    const { directory, configFile, out, result, keyFile } = renderSetup("ES256");
    assert.equal(result.status, 0, result.stderr);
    const policy = readFileSync(path.join(out, "launcher/initialization-policy.rego"), "utf8");
    const moved = path.join(directory, "vault.pem");
    writeFileSync(moved, readFileSync(keyFile));
    // Only the public key stays beside the config.
    rmSync(keyFile);
    const again = runCli(["render", "--config", configFile, "--out", path.join(directory, "out-public")]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readFileSync(path.join(directory, "out-public/launcher/initialization-policy.rego"), "utf8"), policy);
  });

  it("a key file of the wrong algorithm exits 2 and names the field", () => {
    const directory = temporaryDirectory("wrong-key");
    const keyFile = path.join(directory, "k.key");
    assert.equal(runCli(["keygen", "--algorithm", "HS256", "--out", keyFile]).status, 0);
    const configFile = writeConfig(directory, {
      ...baseConfig(),
      signing: { algorithm: "ES256", keyFiles: { "1": { tracked: { staging: "k.key" } } } },
    });
    const result = runCli(["render", "--config", configFile, "--out", path.join(directory, "out")]);
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /signing\.keyFiles\.1\.tracked\.staging: .*k\.key holds an HS256 key, but ES256 is configured/,
    );
  });

  it("the old one-file-per-generation keyFiles is refused with the new shape as the fix", () => {
    const directory = temporaryDirectory("old-key-files");
    const configFile = writeConfig(directory, { ...baseConfig(), signing: { keyFiles: { "1": "k.pem" } } });
    const result = runCli(["render", "--config", configFile, "--out", path.join(directory, "out")]);
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /signing\.keyFiles\.1: names one file, but each generation now has a proposed key and a tracked key per tracked branch\. Fix: give \{ "proposed": .*"tracked": \{ "main"/,
    );
    assert.ok(!existsSync(path.join(directory, "out")), "nothing written");
  });

  it("prints the gh commands that create the environments, their branch policies and the secrets, with the reviewers; sets the issuer", () => {
    const directory = temporaryDirectory("render-gh");
    const configFile = writeConfig(directory, {
      ...baseConfig(),
      github: { owner: "acme", repository: "payments-infra" },
      stacks: [{ id: "payments-prod" }, { id: "payments-rc", branch: "release/1.x" }],
      signing: { trackedReviewers: { users: [1001], teams: [2002] } },
    });
    // Run from the config's directory, so the key files print as relative paths.
    const result = runCli(["render", "--config", configFile, "--out", path.join(directory, "out")], { cwd: directory });
    assert.equal(result.status, 0, result.stderr);
    const body = `'{"deployment_branch_policy":{"protected_branches":false,"custom_branch_policies":true},"prevent_self_review":true,"reviewers":[{"type":"User","id":1001},{"type":"Team","id":2002}]}'`;
    const expected = [
      `  echo ${body} | gh api --method PUT repos/acme/payments-infra/environments/spacelift-main --input -`,
      "  gh api --method POST repos/acme/payments-infra/environments/spacelift-main/deployment-branch-policies -f name=main -f type=branch",
      "  gh secret set SPACELIFT_RUN_SIGNING_KEY_TRACKED_1 --repo acme/payments-infra --env spacelift-main < signed-runs-keys/1.tracked.main.es256.pem",
      `  echo ${body} | gh api --method PUT repos/acme/payments-infra/environments/spacelift-release%2F1.x --input -`,
      "  gh api --method POST repos/acme/payments-infra/environments/spacelift-release%2F1.x/deployment-branch-policies -f name=release/1.x -f type=branch",
    ];
    const lines = result.stdout.split("\n");
    const start = lines.findIndex((line) => line.startsWith("  echo "));
    assert.deepEqual(lines.slice(start, start + expected.length), expected);
    assert.match(
      result.stdout,
      /\n {2}gh secret set SPACELIFT_RUN_SIGNING_KEY_TRACKED_1 --repo acme\/payments-infra --env spacelift-release\/1\.x < signed-runs-keys\/1\.tracked\.release-1\.x-[0-9a-f]{8}\.es256\.pem\n/,
    );
    assert.match(
      result.stdout,
      /\n {2}gh secret set SPACELIFT_RUN_SIGNING_KEY_PROPOSED_1 --repo acme\/payments-infra < signed-runs-keys\/1\.proposed\.es256\.pem\n/,
    );
    assert.match(
      result.stdout,
      /sign TRACKED runs of payments-rc \(branch "release\/1\.x"\) with kid acme\.payments-infra:tracked:release-1\.x-[0-9a-f]{8}:1 from the secret SPACELIFT_RUN_SIGNING_KEY_TRACKED_1 of the GitHub environment spacelift-release\/1\.x/,
    );
    assert.match(
      readFileSync(path.join(directory, "out/launcher/initialization-policy.rego"), "utf8"),
      /^\t+"iss": "github-actions",$/m,
    );
  });

  it("an existing symlink at an output path or a key path is an error, and nothing is written through it", async () => {
    const { symlinkSync, mkdirSync } = await import("node:fs");
    const directory = temporaryDirectory("render-symlink");
    const configFile = writeConfig(directory, baseConfig());
    const elsewhere = path.join(directory, "elsewhere.txt");
    writeFileSync(elsewhere, "not yours\n");
    mkdirSync(path.join(directory, "out", "launcher"), { recursive: true });
    symlinkSync(elsewhere, path.join(directory, "out", "launcher", "initialization-policy.rego"));
    const result = runCli(["render", "--config", configFile, "--out", path.join(directory, "out")]);
    assert.equal(result.status, 2, result.stdout);
    assert.match(
      result.stderr,
      /--out: .*initialization-policy\.rego is a symbolic link, and render never writes through one\. Fix: remove the link/,
    );
    assert.equal(readFileSync(elsewhere, "utf8"), "not yours\n");

    const keyDirectory = temporaryDirectory("render-symlink-key");
    const keyConfig = writeConfig(keyDirectory, baseConfig());
    mkdirSync(path.join(keyDirectory, "signed-runs-keys"));
    symlinkSync(elsewhere, path.join(keyDirectory, "signed-runs-keys", "1.proposed.es256.pem.pub.pem"));
    symlinkSync(
      path.join(keyDirectory, "nowhere"),
      path.join(keyDirectory, "signed-runs-keys", "1.proposed.es256.pem"),
    );
    const keyResult = runCli(["render", "--config", keyConfig, "--out", path.join(keyDirectory, "out")]);
    assert.equal(keyResult.status, 2, keyResult.stdout);
    assert.match(keyResult.stderr, /signing\.keyFiles\.1\.proposed: .*1\.proposed\.es256\.pem is a symbolic link/);
    assert.equal(readFileSync(elsewhere, "utf8"), "not yours\n");
  });
});

/** The TRACKED run of payments-prod on main at SHA that the render tests sign and verify. */
const TRACKED_RUN: CliRun = { stack: "payments-prod", sha: SHA, runType: "TRACKED", branch: "main" };

/** `sign` of TRACKED_RUN, with the rendered key. */
function trackedSignArgs(keyFile: string, kid: string): string[] {
  return signArgs(keyFile, kid, TRACKED_RUN);
}

/** `verify` of TRACKED_RUN against the policy render wrote into `out`, with a junk token. */
function verifyRenderedPolicyArgs(out: string): string[] {
  const policy = path.join(out, "launcher/initialization-policy.rego");
  return ["verify", "--policy", policy, "--token", "a.b.c", ...runFlags(TRACKED_RUN)];
}
describe("cli: sign -> verify against real OPA", () => {
  for (const algorithm of ["HS256", "ES256"] as const) {
    it(`${algorithm}: a signed token is allowed for its run and denied for another, on every OPA line`, () => {
      const { out, result, keyFile, kid } = renderSetup(algorithm);
      assert.equal(result.status, 0, result.stderr);
      const sign = runCli(trackedSignArgs(keyFile, kid));
      assert.equal(sign.status, 0, sign.stderr);
      assert.match(sign.stdout, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/, "sign must print only the token");
      const token = sign.stdout.trim();
      const policy = path.join(out, "launcher/initialization-policy.rego");
      const binaries = [...new Set(opaEngines().map((e) => e.binary))];
      for (const opa of binaries) {
        const run = [
          "--policy",
          policy,
          "--opa",
          opa,
          "--token",
          token,
          "--stack",
          "payments-prod",
          "--sha",
          SHA,
          "--branch",
          "main",
        ];
        const allowed = runCli(["verify", ...run, "--run-type", "TRACKED"]);
        assert.equal(allowed.status, 0, allowed.stdout + allowed.stderr);
        assert.match(allowed.stdout, /^allowed \(engine: opa \d+\.\d+\.\d+\)$/m);

        const proposedAsTracked = runCli(["verify", ...run, "--run-type", "PROPOSED"]);
        assert.equal(proposedAsTracked.status, 1, proposedAsTracked.stdout + proposedAsTracked.stderr);
        assert.match(proposedAsTracked.stdout, /^denied \(engine: opa \d+\.\d+\.\d+\):\n {2}- /);
        assert.match(proposedAsTracked.stdout, /TRACKED|PROPOSED|run type/i);

        const otherCommit = runCli([
          "verify",
          "--policy",
          policy,
          "--opa",
          opa,
          "--token",
          token,
          "--stack",
          "payments-prod",
          "--sha",
          OTHER_SHA,
          "--branch",
          "main",
          "--run-type",
          "TRACKED",
        ]);
        assert.equal(otherCommit.status, 1);
        const otherStack = runCli([
          "verify",
          "--policy",
          policy,
          "--opa",
          opa,
          "--token",
          token,
          "--stack",
          "payments-staging",
          "--sha",
          SHA,
          "--branch",
          "main",
          "--run-type",
          "TRACKED",
          "--json",
        ]);
        assert.equal(otherStack.status, 1);
        const verdict = JSON.parse(otherStack.stdout) as { allowed: boolean; deny: string[]; engine: string };
        assert.equal(verdict.allowed, false);
        assert.ok(verdict.deny.length > 0);
      }
    });

    it(`${algorithm}: the staging branch's tracked key cannot sign for the stack that tracks main, and the proposed key cannot sign TRACKED, on every OPA line`, () => {
      const { out, result, stagingKeyFile, stagingKid, proposedKeyFile, proposedKid } = renderSetup(algorithm);
      assert.equal(result.status, 0, result.stderr);
      const policy = path.join(out, "launcher/initialization-policy.rego");
      const sign = (key: string, kid: string, stack: string, runType: string) => {
        const signed = runCli(signArgs(key, kid, { stack, sha: SHA, runType, branch: "staging" }));
        assert.equal(signed.status, 0, signed.stderr);
        return signed.stdout.trim();
      };
      const cases = [
        {
          token: sign(stagingKeyFile, stagingKid, "payments-prod", "TRACKED"),
          stack: "payments-prod",
          runType: "TRACKED",
          allowed: false,
          reason: /key "acme\.payments-infra:tracked:staging:2026-11" may not sign for stack "payments-prod"/,
        },
        {
          token: sign(stagingKeyFile, stagingKid, "payments-staging", "TRACKED"),
          stack: "payments-staging",
          runType: "TRACKED",
          allowed: true,
        },
        {
          token: sign(proposedKeyFile, proposedKid, "payments-prod", "TRACKED"),
          stack: "payments-prod",
          runType: "TRACKED",
          allowed: false,
          reason: /key "acme\.payments-infra:proposed:2026-11" may not sign run type "TRACKED"/,
        },
        {
          token: sign(proposedKeyFile, proposedKid, "payments-prod", "PROPOSED"),
          stack: "payments-prod",
          runType: "PROPOSED",
          allowed: true,
        },
      ];
      for (const opa of [...new Set(opaEngines().map((e) => e.binary))]) {
        for (const c of cases) {
          const verify = runCli([
            "verify",
            "--policy",
            policy,
            "--opa",
            opa,
            "--token",
            c.token,
            "--stack",
            c.stack,
            "--sha",
            SHA,
            "--run-type",
            c.runType,
          ]);
          assert.equal(verify.status, c.allowed ? 0 : 1, verify.stdout + verify.stderr);
          if (c.reason) assert.match(verify.stdout, c.reason);
        }
      }
    });
  }

  it("verify reads a launcher input file, finds opa on PATH, and denies an empty metadata list", () => {
    const { out, result, proposedKeyFile, proposedKid } = renderSetup("HS256");
    assert.equal(result.status, 0, result.stderr);
    const token = runCli([
      "sign",
      "--key",
      proposedKeyFile,
      "--kid",
      proposedKid,
      "--stack",
      "payments-staging",
      "--sha",
      SHA,
      "--run-type",
      "PROPOSED",
      "--branch",
      "feature/x",
    ]).stdout.trim();
    const inputFile = path.join(path.dirname(out), "input.json");
    const input = {
      run: { commit: { hash: SHA }, user_provided_metadata: [token] },
      static_run_environment: {
        stack_slug: "payments-staging",
        commit_sha: SHA,
        commit_branch: "feature/x",
        run_type: "PROPOSED",
      },
    };
    writeFileSync(inputFile, JSON.stringify(input));
    const onPath = pathWithOpa(opaEngines()[0].binary);
    const policy = path.join(out, "launcher/initialization-policy.rego");
    const allowed = runCli(["verify", "--policy", policy, "--input", inputFile], { path: onPath });
    assert.equal(allowed.status, 0, allowed.stdout + allowed.stderr);
    assert.match(allowed.stdout, /allowed \(engine: opa 1\./);
    writeFileSync(inputFile, JSON.stringify({ ...input, run: { ...input.run, user_provided_metadata: [] } }));
    const empty = runCli(["verify", "--policy", policy, "--input", inputFile], { path: onPath });
    assert.equal(empty.status, 1);
    assert.match(empty.stdout, /denied/);
  });

  it("verify --config without OPA uses the built-in jose verifier and says so", () => {
    const { configFile, result, keyFile, kid } = renderSetup("ES256");
    assert.equal(result.status, 0, result.stderr);
    const token = runCli(trackedSignArgs(keyFile, kid)).stdout.trim();
    const run = [
      "--config",
      configFile,
      "--token",
      "-",
      "--stack",
      "payments-prod",
      "--sha",
      SHA,
      "--run-type",
      "TRACKED",
    ];
    const allowed = runCli(["verify", ...run, "--branch", "main"], { stdin: `${token}\n` });
    assert.equal(allowed.status, 0, allowed.stdout + allowed.stderr);
    assert.equal(allowed.stdout, "allowed (engine: built-in jose verifier)\n");
    // The branch is not compared (Spacelift reports "-" for API-triggered runs); another stack is denied.
    const denied = runCli(
      ["verify", ...run.map((arg) => (arg === "payments-prod" ? "payments-dev" : arg)), "--branch", "evil"],
      { stdin: token },
    );
    assert.equal(denied.status, 1);
    assert.match(denied.stdout, /^denied \(engine: built-in jose verifier\):\n {2}- /);
    // With OPA on PATH, the same command uses it.
    const withOpa = runCli(["verify", ...run, "--branch", "main"], {
      stdin: token,
      path: pathWithOpa(opaEngines()[0].binary),
    });
    assert.equal(withOpa.status, 0, withOpa.stdout + withOpa.stderr);
    assert.match(withOpa.stdout, /^allowed \(engine: opa 1\./);
  });

  it("verify --policy with no OPA anywhere exits 2 and says how to get one", () => {
    const { out, result } = renderSetup("ES256");
    assert.equal(result.status, 0);
    const args = verifyRenderedPolicyArgs(out);
    const verify = runCli(args, { cwd: temporaryDirectory("no-tools") });
    assert.equal(verify.status, 2);
    assert.match(verify.stderr, /--policy: no opa found on PATH or in \.\/\.tools\/bin.*--opa PATH.*npm run tools/);
  });

  it("verify --policy finds the OPA that `npm run tools` built in the clone it runs from", () => {
    const { out, result } = renderSetup("ES256");
    assert.equal(result.status, 0);
    const clone = temporaryDirectory("clone");
    mkdirSync(path.join(clone, ".tools", "bin"), { recursive: true });
    symlinkSync(opaEngines()[0].binary, path.join(clone, ".tools", "bin", "opa-v1"));
    const args = verifyRenderedPolicyArgs(out);
    const verify = runCli(args, { cwd: clone });
    assert.equal(verify.status, 1, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /^denied \(engine: opa 1\./);
  });

  it("sign refuses bad input with exit 2 and a fix", () => {
    const { result, keyFile, kid } = renderSetup("ES256");
    assert.equal(result.status, 0);
    const base = [
      "sign",
      "--key",
      keyFile,
      "--kid",
      kid,
      "--stack",
      "payments-prod",
      "--run-type",
      "TRACKED",
      "--branch",
      "main",
    ];
    const shortSha = runCli([...base, "--sha", "abc123"]);
    assert.equal(shortSha.status, 2);
    assert.match(shortSha.stderr, /--sha: "abc123" is not a full commit SHA\. Fix: pass the full 40-character/);
    const publicKey = runCli([
      "sign",
      "--key",
      keyFile.replace(/\.pem$/, ".pub.pem"),
      "--kid",
      kid,
      "--stack",
      "payments-prod",
      "--run-type",
      "TRACKED",
      "--branch",
      "main",
      "--sha",
      SHA,
    ]);
    assert.equal(publicKey.status, 2);
    assert.match(publicKey.stderr, /--key: .* is a public key, which cannot sign/);
    const badStack = runCli([
      "sign",
      "--key",
      keyFile,
      "--kid",
      kid,
      "--stack",
      "Prod!",
      "--run-type",
      "TRACKED",
      "--branch",
      "main",
      "--sha",
      SHA,
    ]);
    assert.equal(badStack.status, 2);
    assert.match(badStack.stderr, /--stack: "Prod!" is not a Spacelift stack id/);
    const badLifetime = runCli([...base, "--sha", SHA, "--lifetime", "999999"]);
    assert.equal(badLifetime.status, 2);
    assert.match(badLifetime.stderr, /--lifetime:/);
  });
});

describe("cli: a reader that closes early", () => {
  it("render piped into `head -c 1` exits 0, prints no EPIPE crash and still writes every file", () => {
    const directory = temporaryDirectory("cli-epipe");
    writeFileSync(
      path.join(directory, "signed-runs.json"),
      readFileSync(path.join(REPO_ROOT, "examples/basic/signed-runs.json")),
    );
    const script = `"${process.execPath}" "${CLI}" render --config signed-runs.json --out out 2>stderr.txt | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`;
    const result = spawnSync("bash", ["-c", script], { cwd: directory, encoding: "utf8" });
    assert.equal(
      result.stdout.trim(),
      "0",
      `render exited ${result.stdout.trim()}: ${readFileSync(path.join(directory, "stderr.txt"), "utf8")}`,
    );
    assert.equal(readFileSync(path.join(directory, "stderr.txt"), "utf8"), "");
    for (const file of [
      "launcher/initialization-policy.rego",
      "launcher/launcher.env.template",
      "spacelift/push-policy.rego",
    ]) {
      assert.ok(existsSync(path.join(directory, "out", file)), `${file} was not written`);
    }
    assert.equal(readdirSync(path.join(directory, "out", ".github", "workflows")).length, 2);
  });
});
