/**
 * Key generations: each entry of `signing.keys` is one signing key with its own
 * kid and its own GitHub secret, so rotation never needs two things to change
 * at the same instant (see the README's rotation runbook).
 */
import { createHash } from "node:crypto";
import { assertKeyId, assertUnique } from "./identifiers";
import { SignedRunsInputError, quoteValue } from "./inputError";
import { DEFAULT_SIGNING_SECRET_NAME } from "./runTokenContract";

/** The GitHub secrets the workflow reads for the Spacelift API key. */
const RESERVED_SECRET_NAMES = ["SPACELIFT_API_KEY_ID", "SPACELIFT_API_KEY_SECRET"];
const GENERATION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const MAX_KEY_ID_LENGTH = 128;

export interface KeyGenerationPlan {
  generation: string;
  /** The GitHub secret that holds this generation's key. */
  secretName: string;
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

/**
 * The kid of one generation: `<owner>.<repository>:<generation>`, owner and
 * repository lowercased (GitHub names are case-insensitive). Owners have no
 * '.', and none of the three has ':', so two repositories or generations never
 * share a kid. When that exceeds 128 characters, the repository part is cut and
 * a hash of the full name keeps it unique. Always passes `assertKeyId`.
 */
export function deriveKeyId(owner: string, repository: string, generation: string): string {
  const repo = `${owner.toLowerCase()}.${repository.toLowerCase()}`;
  let kid = `${repo}:${generation}`;
  if (kid.length > MAX_KEY_ID_LENGTH) {
    const hash = createHash("sha256").update(repo).digest("hex").slice(0, 12);
    const room = MAX_KEY_ID_LENGTH - generation.length - hash.length - 2;
    kid = `${repo.slice(0, room)}-${hash}:${generation}`;
  }
  assertKeyId("signing.keys", kid);
  return kid;
}

// deriveKeyId's shortened form: always exactly MAX_KEY_ID_LENGTH characters, the
// repository part ending in '-' and 12 hex digits of the full name's hash.
const SHORTENED_KEY_ID = /-([0-9a-f]{12}):[^:]*$/;

/**
 * Whose key a kid names: what its generations share. For the component's kids
 * that is `<owner>.<repository>` (everything before the last ':'), or, when the
 * kid was shortened, the hash of that name, since the cut depends on the
 * generation's length. Any other kid without ':' is its own owner.
 */
export function keyOwner(kid: string): string {
  const shortened = kid.length === MAX_KEY_ID_LENGTH ? SHORTENED_KEY_ID.exec(kid) : null;
  if (shortened !== null) return `#${shortened[1]}`;
  const colon = kid.lastIndexOf(":");
  return colon < 0 ? kid : kid.slice(0, colon);
}

/** The GitHub secret name of a generation: `<prefix>_<GENERATION>`, upper case, '.' and '-' as '_'. */
export function signingSecretName(prefix: string, generation: string): string {
  return `${prefix}_${generation.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
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
  const plans = keys.map((generation) => ({ generation, secretName: signingSecretName(prefix, generation), active: generation === active }));
  assertUnique("signing.keys", plans.map((p) => p.secretName), "GitHub secret name (generations that differ only in case, '.', '-' or '_' collide)");
  for (const plan of plans) {
    if (RESERVED_SECRET_NAMES.includes(plan.secretName.toUpperCase())) {
      throw new SignedRunsInputError("signing.secretName", `with generation ${quoteValue(plan.generation)} gives ${quoteValue(plan.secretName)}, the name of the Spacelift API key's GitHub secret`, "choose another secretName prefix or generation name");
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
