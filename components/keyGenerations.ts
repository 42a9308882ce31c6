/**
 * Key generations and the names of every signing key. Per generation a
 * repository has one proposed key (PROPOSED runs of every stack, in a
 * repository Actions secret) and one tracked key per tracked branch (TRACKED
 * and TASK runs of the stacks tracking that branch, in an environment secret of
 * a GitHub environment that admits only that branch). Each generation has its
 * own kids and secrets, so rotation never needs two things to change at the
 * same instant (docs/key-rotation.md). Every name here is a plain function of
 * plain values: the same inputs give the same names.
 */
import { createHash } from "node:crypto";
import { assertKeyId, assertUnique } from "./identifiers";
import { SignedRunsInputError, quoteValue } from "./inputError";
import { DEFAULT_SIGNING_SECRET_NAME } from "./runTokenContract";

/** The GitHub secrets the workflow reads for the Spacelift API key. */
const RESERVED_SECRET_NAMES = ["SPACELIFT_API_KEY_ID", "SPACELIFT_API_KEY_SECRET"];
const GENERATION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const MAX_KEY_ID_LENGTH = 128;
/** GitHub: environment names are at most 255 characters. */
const MAX_ENVIRONMENT_LENGTH = 255;
/** What a branch keeps in a kid; anything else becomes '-' and a hash keeps the name unique. */
const KID_SAFE = /[^A-Za-z0-9._-]/g;
/** What the workflow renderer accepts in an environment name (written there as plain text). */
const ENVIRONMENT_SAFE = /[^A-Za-z0-9._/-]/g;
/** The prefix of every tracked branch's environment. */
export const TRACKED_ENVIRONMENT_PREFIX = "spacelift-";

export interface KeyGenerationPlan {
  generation: string;
  /** The repository Actions secret that holds this generation's proposed key: `<prefix>_PROPOSED_<GENERATION>`. */
  proposedSecretName: string;
  /** The environment secret (in each tracked branch's environment) that holds this generation's tracked key: `<prefix>_TRACKED_<GENERATION>`. */
  trackedSecretName: string;
  active: boolean;
}

export function assertGeneration(field: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || !GENERATION.test(value)) {
    throw new SignedRunsInputError(
      field,
      `${quoteValue(value)} is not a key generation name`,
      "use 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. \"2026-11\"",
    );
  }
}

function shortHash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** `text` unchanged when it is already within `allowed`; else cleaned and suffixed with a hash of the original, so two names never meet. */
function slug(text: string, unsafe: RegExp): string {
  const cleaned = text.replace(unsafe, "-");
  return cleaned === text ? text : `${cleaned}-${shortHash(text, 8)}`;
}

/** `<owner>.<repository>` lowercased (GitHub names are case-insensitive). Owners have no '.', so two repositories never share it. */
function repositoryPart(owner: string, repository: string): string {
  return `${owner.toLowerCase()}.${repository.toLowerCase()}`;
}

/**
 * `<head>:<generation>`, cut to 128 characters when longer: the head is cut and
 * a hash of the whole head keeps it unique, the generation stays readable.
 */
function keyIdFrom(head: string, generation: string): string {
  let kid = `${head}:${generation}`;
  if (kid.length > MAX_KEY_ID_LENGTH) {
    const hash = shortHash(head, 12);
    const room = MAX_KEY_ID_LENGTH - generation.length - hash.length - 2;
    kid = `${head.slice(0, room)}-${hash}:${generation}`;
  }
  assertKeyId("signing.keys", kid);
  return kid;
}

/** The proposed key's kid: `<owner>.<repository>:proposed:<generation>`. */
export function proposedKeyId(owner: string, repository: string, generation: string): string {
  return keyIdFrom(`${repositoryPart(owner, repository)}:proposed`, generation);
}

/**
 * A tracked key's kid: `<owner>.<repository>:tracked:<branch-slug>:<generation>`.
 * The branch is kept as is when it has only letters, digits, '.', '_' and '-';
 * otherwise ('/', '+') those become '-' and 8 hex digits of the branch's hash
 * follow, so `release/1` and `release-1` get different kids.
 */
export function trackedKeyId(owner: string, repository: string, branch: string, generation: string): string {
  return keyIdFrom(`${repositoryPart(owner, repository)}:tracked:${slug(branch, KID_SAFE)}`, generation);
}

/**
 * The GitHub environment of a tracked branch: `spacelift-<branch>`, characters
 * the workflow cannot write plainly ('+') as '-' with a hash of the branch, cut
 * to 255 characters with a hash when longer. Distinct branches get distinct
 * environments, also ignoring case (GitHub compares environment names so) unless
 * the branches differ only in case, which the workflow renderer then refuses.
 */
export function trackedEnvironmentName(branch: string): string {
  const name = `${TRACKED_ENVIRONMENT_PREFIX}${slug(branch, ENVIRONMENT_SAFE)}`;
  if (name.length <= MAX_ENVIRONMENT_LENGTH) return name;
  const hash = shortHash(branch, 12);
  return `${name.slice(0, MAX_ENVIRONMENT_LENGTH - hash.length - 1)}-${hash}`;
}

/** A tracked branch in a Pulumi resource name: the kid's branch slug. */
export function branchResourceSuffix(branch: string): string {
  return slug(branch, KID_SAFE);
}

function secretSuffix(generation: string): string {
  return generation.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

/** The repository secret of a generation's proposed key: `<prefix>_PROPOSED_<GENERATION>`, upper case, '.' and '-' as '_'. */
export function proposedSecretName(prefix: string, generation: string): string {
  return `${prefix}_PROPOSED_${secretSuffix(generation)}`;
}

/** The environment secret of a generation's tracked key: `<prefix>_TRACKED_<GENERATION>` (one per tracked branch's environment). */
export function trackedSecretName(prefix: string, generation: string): string {
  return `${prefix}_TRACKED_${secretSuffix(generation)}`;
}

export interface KeyGenerationOptions {
  keys?: string[];
  activeKey?: string;
  secretName?: string;
}

/** Validates `signing.keys`/`activeKey`/`secretName` and plans one entry per generation, oldest first. */
export function planKeyGenerations(options: KeyGenerationOptions): KeyGenerationPlan[] {
  const keys = options.keys ?? ["1"];
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new SignedRunsInputError("signing.keys", "lists no key generation", "list at least one generation, e.g. [\"2026-11\"], or leave it out for the default [\"1\"]");
  }
  keys.forEach((key, index) => assertGeneration(`signing.keys[${index}]`, key));
  assertUnique("signing.keys", keys, "key generation");
  const active = options.activeKey ?? keys[keys.length - 1];
  if (!keys.includes(active)) {
    throw new SignedRunsInputError("signing.activeKey", `${quoteValue(active)} is not one of signing.keys ${quoteValue(keys)}`, "set activeKey to a listed generation, or add it to signing.keys first");
  }
  const prefix = options.secretName ?? DEFAULT_SIGNING_SECRET_NAME;
  assertGithubSecretName("signing.secretName", prefix);
  const plans = keys.map((generation) => ({
    generation,
    proposedSecretName: proposedSecretName(prefix, generation),
    trackedSecretName: trackedSecretName(prefix, generation),
    active: generation === active,
  }));
  assertUnique("signing.keys", plans.map((p) => p.proposedSecretName), "GitHub secret name (generations that differ only in case, '.', '-' or '_' collide)");
  for (const plan of plans) {
    for (const secretName of [plan.proposedSecretName, plan.trackedSecretName]) {
      assertGithubSecretName("signing.secretName", secretName);
      if (RESERVED_SECRET_NAMES.includes(secretName.toUpperCase())) {
        throw new SignedRunsInputError("signing.secretName", `with generation ${quoteValue(plan.generation)} gives ${quoteValue(secretName)}, the name of the Spacelift API key's GitHub secret`, "choose another secretName prefix or generation name");
      }
    }
  }
  return plans;
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** GitHub's rules for Actions secret names. */
export function assertGithubSecretName(field: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || !SECRET_NAME.test(value) || value.length > 200) {
    throw new SignedRunsInputError(field, `${quoteValue(value)} is not a valid GitHub secret name`, "use letters, digits and '_', not starting with a digit, e.g. \"SPACELIFT_RUN_SIGNING_KEY\"");
  }
  if (/^GITHUB_/i.test(value)) {
    throw new SignedRunsInputError(field, `${quoteValue(value)} starts with GITHUB_, which GitHub reserves`, "choose a name that does not start with GITHUB_");
  }
}
