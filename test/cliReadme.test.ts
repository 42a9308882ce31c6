/**
 * The README's set-up command and Quick start, run as written (with
 * `npx spacelift-signed-runs` standing for the compiled CLI), and their output
 * compared with what the README shows; docs/cli.md's options against the CLI's
 * own --help; and every relative link and anchor of README.md, CONTRIBUTING.md
 * and docs/*.md.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { CLI, temporaryDirectory } from "./support/cli";
import { REPO_ROOT } from "./support/opa";

const README = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

/** The `## ` section whose heading starts with `heading`, up to the next `## `. */
function section(text: string, heading: string, where = "README"): string {
  const start = text.indexOf(`\n## ${heading}`);
  assert.ok(start >= 0, `${where} has no "## ${heading}" section`);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

function codeBlocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
}

function bash(script: string, cwd: string): { status: number; stdout: string; stderr: string } {
  const cli = `node ${JSON.stringify(CLI)}`;
  const result = spawnSync("bash", ["-c", script.replaceAll("npx spacelift-signed-runs", cli)], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, PATH: process.env.PATH },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

test("README set-up: the render command works from a clone as written", () => {
  const line = README.split("\n").find((l) =>
    l.startsWith("npm ci && npm run build && npx spacelift-signed-runs render "),
  );
  assert.ok(line, "the Set up block has no render command");
  const command = line.replace("npm ci && npm run build && ", "");
  const config = /--config (\S+)/.exec(command)?.[1];
  assert.ok(
    config !== undefined && existsSync(path.join(REPO_ROOT, config)),
    `the config the README names (${config}) is not in the repository`,
  );
  // A scratch copy of the repository's layout, so the test writes no key into the source tree.
  const clone = temporaryDirectory("readme-setup");
  mkdirSync(path.dirname(path.join(clone, config)), { recursive: true });
  copyFileSync(path.join(REPO_ROOT, config), path.join(clone, config));
  const result = bash(command, clone);
  assert.equal(result.status, 0, result.stderr);
  assert.ok(existsSync(path.join(clone, "out/launcher/initialization-policy.rego")));
  assert.ok(existsSync(path.join(clone, "out/spacelift/push-policy.rego")));
});

test("README quick start: the config shown is examples/basic/signed-runs.json, and render, sign and verify print what it shows", () => {
  const quickStart = section(README, "Quick start");
  const [shownConfig] = codeBlocks(quickStart, "json");
  assert.deepEqual(
    JSON.parse(shownConfig),
    JSON.parse(readFileSync(path.join(REPO_ROOT, "examples/basic/signed-runs.json"), "utf8")),
  );

  const directory = temporaryDirectory("readme-quickstart");
  copyFileSync(path.join(REPO_ROOT, "examples/basic/signed-runs.json"), path.join(directory, "signed-runs.json"));
  symlinkSync(path.join(REPO_ROOT, ".tools"), path.join(directory, ".tools"));
  const shellBlocks = codeBlocks(quickStart, "sh");
  const renderCommand = shellBlocks.find((b) => b.trim().startsWith("npx spacelift-signed-runs render"));
  assert.ok(renderCommand);
  const render = bash(renderCommand, directory);
  assert.equal(render.status, 0, render.stderr);
  const [shownRenderOutput] = codeBlocks(quickStart, "text");
  assert.equal(render.stdout, shownRenderOutput);

  const trial = shellBlocks.find((b) => b.includes("spacelift-signed-runs sign"));
  assert.ok(trial);
  const shownVerifyOutput = trial
    .split("\n")
    .filter((l) => l.startsWith("# "))
    .map((l) => l.slice(2))
    .join("\n");
  const verify = bash(trial, directory);
  assert.equal(verify.status, 1, "the block ends with the denied verify, which exits 1");
  assert.equal(verify.stdout.trimEnd(), shownVerifyOutput);
});

test("docs/cli.md names exactly the options each subcommand's --help lists", () => {
  const page = readFileSync(path.join(REPO_ROOT, "docs", "cli.md"), "utf8");
  const options = (text: string) =>
    new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]).filter((o) => o !== "--help"));
  for (const subcommand of ["render", "sign", "verify", "keygen", "onboard"]) {
    const help = spawnSync("node", [CLI, subcommand, "--help"], { encoding: "utf8" });
    assert.equal(help.status, 0, help.stderr);
    const documented = section(page, "`" + subcommand, "docs/cli.md");
    const inHelp = options(help.stdout);
    // Options named in the prose (code blocks may show other tools' options, e.g. spacectl's).
    const inProse = options(withoutCode(documented));
    assert.deepEqual(
      [...inProse].filter((o) => !inHelp.has(o)),
      [],
      `docs/cli.md's ${subcommand} section names options the command does not have`,
    );
    assert.deepEqual(
      [...inHelp].filter((o) => !options(documented).has(o)),
      [],
      `docs/cli.md's ${subcommand} section leaves out options of ${subcommand} --help`,
    );
  }
});

/** Fenced code blocks and inline code spans removed: links and headings there are not real. */
function withoutCode(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

const DOCUMENTS = [
  "README.md",
  "CONTRIBUTING.md",
  ...readdirSync(path.join(REPO_ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as '-', repeats numbered. */
function anchorsOf(file: string): Set<string> {
  const text = readFileSync(path.join(REPO_ROOT, file), "utf8").replace(/^```[\s\S]*?^```/gm, "");
  const slug = (heading: string) =>
    heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return anchors;
}

test("README.md, CONTRIBUTING.md and docs/*.md: every relative link resolves, every anchor names a heading", () => {
  assert.ok(DOCUMENTS.length >= 10, `found ${DOCUMENTS.join(", ")}`);
  const broken: string[] = [];
  let checked = 0;
  for (const file of DOCUMENTS) {
    const text = readFileSync(path.join(REPO_ROOT, file), "utf8").replace(/^```[\s\S]*?^```/gm, "");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
      checked += 1;
      const [linkPath, anchor] = target.split("#", 2);
      const resolved =
        linkPath === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), linkPath));
      if (resolved.startsWith("..")) {
        broken.push(`${file}: ${target} leaves the repository`);
        continue;
      }
      if (!existsSync(path.join(REPO_ROOT, resolved))) {
        broken.push(`${file}: ${target} (no ${resolved})`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor))
        broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
    }
  }
  assert.ok(checked > 50, `only ${checked} links checked`);
  assert.deepEqual(broken, []);
});

test("README: at most about 250 lines, and it shows the test command", () => {
  assert.ok(README.split("\n").length <= 260, `README.md has ${README.split("\n").length} lines`);
  assert.match(README, /^npm ci && npm test$/m);
});
