/**
 * The README's set-up command and Quick start, run as written (with
 * `npx spacelift-signed-runs` standing for the compiled CLI), and their output
 * compared with what the README shows.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { CLI, temporaryDirectory } from "./support/cli";
import { REPO_ROOT } from "./support/opa";

const README = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

function section(heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has no "## ${heading}" section`);
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

function codeBlocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
}

function bash(script: string, cwd: string): { status: number; stdout: string; stderr: string } {
  const cli = `node ${JSON.stringify(CLI)}`;
  const result = spawnSync("bash", ["-c", script.replaceAll("npx spacelift-signed-runs", cli)], { cwd, encoding: "utf8", env: { ...process.env, PATH: process.env.PATH } });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

test("README set-up: the render command works from a clone as written", () => {
  const line = README.split("\n").find((l) => l.startsWith("npm ci && npm run build && npx spacelift-signed-runs render "));
  assert.ok(line, "the Set up block has no render command");
  const command = line.replace("npm ci && npm run build && ", "");
  const config = /--config (\S+)/.exec(command)?.[1];
  assert.ok(config !== undefined && existsSync(path.join(REPO_ROOT, config)), `the config the README names (${config}) is not in the repository`);
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
  const quickStart = section("Quick start");
  const [shownConfig] = codeBlocks(quickStart, "json");
  assert.deepEqual(JSON.parse(shownConfig), JSON.parse(readFileSync(path.join(REPO_ROOT, "examples/basic/signed-runs.json"), "utf8")));

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

test("README: every in-page link points at a heading, every file link at a file", () => {
  const prose = README.replace(/```[\s\S]*?```/g, "");
  // GitHub's anchors: lower case, punctuation dropped, spaces as '-', repeats numbered.
  const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of prose.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  const links = [...prose.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
  assert.ok(links.length > 10);
  assert.deepEqual(links.filter((link) => !anchors.has(link)), []);
  const files = [...prose.matchAll(/\]\(((?!#|https?:)[^)\s]+)\)/g)].map((m) => m[1]);
  assert.deepEqual(files.filter((file) => !existsSync(path.join(REPO_ROOT, file))), [], "links to files that are not in the repository");
});
