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
import { DEFAULT_SIGNING_SECRET_NAME } from "../runToken/contract";
import { generationSecretName } from "../schema/rules";

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
  // Made of parsed names only, so always within the kid alphabet and length.
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

/** The repository secret of a generation's proposed key: `<prefix>_PROPOSED_<GENERATION>`, upper case, '.' and '-' as '_'. */
export function proposedSecretName(prefix: string, generation: string): string {
  return generationSecretName(prefix, "PROPOSED", generation);
}

/** The environment secret of a generation's tracked key: `<prefix>_TRACKED_<GENERATION>` (one per tracked branch's environment). */
export function trackedSecretName(prefix: string, generation: string): string {
  return generationSecretName(prefix, "TRACKED", generation);
}

export interface KeyGenerationOptions {
  keys?: string[];
  activeKey?: string;
  secretName?: string;
}

/** One entry per generation, oldest first, for `signing` values the schema accepted (see keyGenerationRules). */
export function planKeyGenerations(options: KeyGenerationOptions): KeyGenerationPlan[] {
  const keys = options.keys ?? ["1"];
  const active = options.activeKey ?? keys[keys.length - 1];
  const prefix = options.secretName ?? DEFAULT_SIGNING_SECRET_NAME;
  return keys.map((generation) => ({
    generation,
    proposedSecretName: proposedSecretName(prefix, generation),
    trackedSecretName: trackedSecretName(prefix, generation),
    active: generation === active,
  }));
}
