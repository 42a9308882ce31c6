/**
 * Cross-field rules: what no single field's schema can see. Each is a small
 * named refinement, attached next to the schema it guards; each runs even
 * when other fields failed (so one report holds every mistake), and so reads
 * the value defensively.
 */
import type { z } from "zod";
import { quoteValue } from "../inputError";
import { DEFAULT_SIGNING_SECRET_NAME } from "../runTokenContract";
import { GLOB_CHARACTERS } from "./primitives";
import { says } from "./problems";

type Ctx = z.core.$RefinementCtx<unknown>;
/** Run the rule even when other fields failed. */
export const ALWAYS = { when: () => true } as const;

function report(ctx: Ctx, path: PropertyKey[], problem: string, fix: string): void {
  ctx.addIssue({ code: "custom", path, message: says(problem, fix), input: undefined });
}

const record = (value: unknown): Record<string, unknown> => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** A value listed twice, reported at `path`. */
export function uniqueValues(ctx: Ctx, path: PropertyKey[], values: readonly string[], describe: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) report(ctx, path, `${describe} ${quoteValue(value)} appears more than once`, `list each ${describe} once`);
    seen.add(value);
  }
}

/** Stack ids are unique among `stacks`. */
export function uniqueStackIds(stacks: unknown, ctx: Ctx): void {
  if (Array.isArray(stacks)) uniqueValues(ctx, [], stacks.map((s) => record(s).id).filter((id): id is string => typeof id === "string"), "stack id");
}

/** The GitHub secrets the workflow reads for the Spacelift API key. */
const RESERVED_SECRET_NAMES = ["SPACELIFT_API_KEY_ID", "SPACELIFT_API_KEY_SECRET"];
/** `<prefix>_<KIND>_<GENERATION>`: upper case, '.' and '-' as '_'. */
export function generationSecretName(prefix: string, kind: "PROPOSED" | "TRACKED", generation: string): string {
  return `${prefix}_${kind}_${generation.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
}

/**
 * `signing.keys`, `activeKey` and `secretName` together: generations unique,
 * the active one listed, and every derived GitHub secret name distinct,
 * within GitHub's limits and not the Spacelift API key's.
 */
export function keyGenerationRules(signing: unknown, ctx: Ctx): void {
  const { keys: rawKeys, activeKey, secretName } = record(signing);
  const keys = rawKeys === undefined ? ["1"] : strings(rawKeys);
  uniqueValues(ctx, ["keys"], keys, "key generation");
  if (typeof activeKey === "string" && keys.length > 0 && !keys.includes(activeKey)) {
    report(ctx, ["activeKey"], `${quoteValue(activeKey)} is not one of signing.keys ${quoteValue(keys)}`, "set activeKey to a listed generation, or add it to signing.keys first");
  }
  const prefix = typeof secretName === "string" ? secretName : DEFAULT_SIGNING_SECRET_NAME;
  uniqueValues(ctx, ["keys"], [...new Set(keys)].map((g) => generationSecretName(prefix, "PROPOSED", g)), "GitHub secret name (generations that differ only in case, '.', '-' or '_' collide)");
  for (const generation of new Set(keys)) {
    for (const name of [generationSecretName(prefix, "PROPOSED", generation), generationSecretName(prefix, "TRACKED", generation)]) {
      if (name.length > 200) report(ctx, ["secretName"], `with generation ${quoteValue(generation)} gives ${quoteValue(name)}, longer than GitHub's 200 characters`, "choose a shorter secretName prefix or generation name");
      if (RESERVED_SECRET_NAMES.includes(name.toUpperCase())) {
        report(ctx, ["secretName"], `with generation ${quoteValue(generation)} gives ${quoteValue(name)}, the name of the Spacelift API key's GitHub secret`, "choose another secretName prefix or generation name");
      }
    }
  }
}

/** GitHub allows at most six required reviewers (users and teams together) on an environment. */
export const MAX_REVIEWERS = 6;
export const REVIEWERS_FIX = "give { users?: [GitHub user ids], teams?: [GitHub team ids] }, 1 to 6 ids in all, e.g. { teams: [4455667] }";
/** Required reviewers: 1 to 6 in all, each once. */
export function reviewerRules(reviewers: unknown, ctx: Ctx): void {
  const { users, teams } = record(reviewers);
  const ids = (list: unknown): string[] => (Array.isArray(list) ? list.map(String) : []);
  uniqueValues(ctx, ["users"], ids(users), "user id");
  uniqueValues(ctx, ["teams"], ids(teams), "team id");
  const count = ids(users).length + ids(teams).length;
  if (count === 0 || count > MAX_REVIEWERS) report(ctx, [], `lists ${count} reviewers`, `${REVIEWERS_FIX}; leave it out for no required reviewers`);
}

/**
 * A tracked branch names a GitHub environment whose deployment branch policy
 * admits exactly that branch; a glob character would make it a pattern.
 */
export function trackedBranchRules(args: unknown, ctx: Ctx): void {
  const { github, stacks } = record(args);
  const defaultBranch = record(github).branch ?? "main";
  const verdict = (branch: string): [string, string] => [
    `${quoteValue(branch)} has a glob character (*, ?, [, ], {, }, !), which a deployment branch policy reads as a pattern`,
    "track a branch whose name has none, so its environment admits exactly that branch",
  ];
  let defaultTracked = false;
  (Array.isArray(stacks) ? stacks : []).forEach((stack, index) => {
    const branch = record(stack).branch;
    if (branch === undefined) defaultTracked = true;
    else if (typeof branch === "string" && GLOB_CHARACTERS.test(branch)) report(ctx, ["stacks", index, "branch"], ...verdict(branch));
  });
  if (defaultTracked && typeof defaultBranch === "string" && GLOB_CHARACTERS.test(defaultBranch)) report(ctx, ["github", "branch"], ...verdict(defaultBranch));
}

export interface GrantView {
  /** "owner/name", or undefined while it is an Output. */
  repository: string | undefined;
  stacks: unknown;
  path: PropertyKey[];
}

/** Each repository granted once (case-insensitively), each stack to one repository only. */
export function grantRules(grants: readonly GrantView[], ctx: Ctx): void {
  const stackOwner = new Map<string, string>();
  const repositories = new Map<string, PropertyKey[]>();
  for (const grant of grants) {
    const name = grant.repository ?? fieldName(grant.path);
    if (grant.repository !== undefined) {
      const folded = grant.repository.toLowerCase();
      const first = repositories.get(folded);
      if (first !== undefined) report(ctx, [...grant.path, "repository"], `${quoteValue(grant.repository)} is granted in ${fieldName(first)} too`, "give each repository one grant that lists all its stacks");
      else repositories.set(folded, grant.path);
    }
    (Array.isArray(grant.stacks) ? grant.stacks : []).forEach((stack, index) => {
      if (typeof stack !== "string") return;
      const other = stackOwner.get(stack);
      if (other !== undefined) report(ctx, [...grant.path, "stacks", index], `stack ${quoteValue(stack)} is granted to ${other} too`, "grant each stack to one repository only: the pool trusts one repository's keys per stack");
      else stackOwner.set(stack, name);
    });
  }
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

/** The grants as a pool's `repositories` argument holds them. */
export function grantsOf(grants: unknown, field: string): GrantView[] {
  return (Array.isArray(grants) ? grants : []).map((grant, index) => {
    const { repository, stacks } = record(grant);
    return { repository: typeof repository === "string" ? repository : undefined, stacks, path: [field, index] };
  });
}
