import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { policyFilePath } from "./packageRoot";
import { assertKeyId, assertStackId, assertUnique } from "./identifiers";
import { SignedRunsInputError, quoteValue } from "./inputError";
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, MAX_TOKEN_LIFETIME_SECONDS, MIN_TOKEN_LIFETIME_SECONDS, RUN_TYPES, type RunType } from "./runTokenContract";

/** An HS256 key the policy trusts. Its secret is written into the policy, which is then secret too. */
export interface HmacTrustedKey {
  /** The key id tokens name in their header: 1 to 128 letters, digits, `.`, `_`, `:`, `-`; unique among the keys. */
  kid: string;
  /** "HS256". */
  algorithm: "HS256";
  /** The shared secret: at least 32 bytes; never the same material as another kid's. Secret. */
  secret: string;
  /** The stack ids the key may sign for (intersected with its grant's): at least one. */
  stacks: string[];
  /** The run types this key may sign: a non-empty subset of TRACKED, PROPOSED, TASK. Required, no default. */
  runTypes: RunType[];
}
/** An ES256 key the policy trusts: only its public half reaches the policy. */
export interface EcdsaTrustedKey {
  /** The key id tokens name in their header: 1 to 128 letters, digits, `.`, `_`, `:`, `-`; unique among the keys. */
  kid: string;
  /** "ES256". */
  algorithm: "ES256";
  /** SPKI PEM of a P-256 public key; never the same key as another kid's. */
  publicKeyPem: string;
  /** The stack ids the key may sign for (intersected with its grant's): at least one. */
  stacks: string[];
  /** The run types this key may sign: a non-empty subset of TRACKED, PROPOSED, TASK. Required, no default. */
  runTypes: RunType[];
}
/** A key the policy trusts, told apart by `algorithm`. */
export type TrustedKey = HmacTrustedKey | EcdsaTrustedKey;

/**
 * A pool owner's decision: this repository's keys may sign for these stacks,
 * intersected with each key's own `stacks`. What a repository's keys claim
 * never widens it, and no stack is granted to two repositories.
 */
export interface RepositoryGrant {
  /** "owner/name" on GitHub; unique among the grants (case-insensitively). */
  repository: string;
  /** The stack ids this repository may sign for; non-empty, each granted to this repository only. */
  stacks: string[];
  /** The repository's keys (e.g. SignedRunsRepository's trustedKeys output); each must share a stack with the grant. */
  trustedKeys: TrustedKey[];
}

/** What `renderInitializationPolicy` needs: who may sign for which stacks, and the token rules. */
export interface InitializationPolicyOptions {
  /** Grants, the normal form for a pool shared by repositories. */
  repositories?: RepositoryGrant[];
  /** Keys the pool owner trusts directly, for exactly their own stacks. With `repositories`, at least one key in all. */
  trustedKeys?: TrustedKey[];
  /** The longest token lifetime (`exp - iat`) accepted, in seconds. Default 3600; between 60 and 86400. */
  maxTokenLifetimeSeconds?: number;
  /** When set, the iss claim must equal it, e.g. "github-actions". Default: any issuer. */
  issuer?: string;
  /** Adds `sample := true`, Spacelift's switch that logs sampled evaluations (policy body included). With any HS256 key this needs `acknowledgeSampleLogsSecret`. Default false. */
  sample?: boolean;
  /** Confirms that the launcher's log may hold the HS256 secret (sampled evaluations log the policy body): it is as protected as the secret. Default false. */
  acknowledgeSampleLogsSecret?: boolean;
}

/** The smallest HS256 secret accepted: the size of the HMAC-SHA256 output (RFC 7518 section 3.2). */
export const MIN_HS256_SECRET_BYTES = 32;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** A trusted key after validation, as the policy text embeds it. */
export type ValidatedTrustedKey =
  | { kid: string; algorithm: "HS256"; secret: string; stacks: string[]; runTypes: RunType[] }
  | { kid: string; algorithm: "ES256"; publicKeyPem: string; stacks: string[]; runTypes: RunType[] };

export interface ValidatedInitializationPolicyOptions {
  /** Sorted by kid, each key's stacks sorted. */
  trustedKeys: ValidatedTrustedKey[];
  maxTokenLifetimeSeconds: number;
  issuer: string | undefined;
  sample: boolean;
}

const OPTION_FIELDS = new Set(["repositories", "trustedKeys", "maxTokenLifetimeSeconds", "issuer", "sample", "acknowledgeSampleLogsSecret"]);
const GRANT_FIELDS = new Set(["repository", "stacks", "trustedKeys"]);
// GitHub's owner/name: owner of letters, digits and '-', name of letters, digits, '.', '_' and '-'.
const REPOSITORY_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/;
const KEY_FIELDS: Record<string, Set<string>> = {
  HS256: new Set(["kid", "algorithm", "secret", "stacks", "runTypes"]),
  ES256: new Set(["kid", "algorithm", "publicKeyPem", "stacks", "runTypes"]),
};

/** The template the policy is rendered from; it ships with the package. */
export const INITIALIZATION_POLICY_TEMPLATE_PATH = policyFilePath("initialization-policy.rego");

/**
 * Checks the options and returns them normalised (sorted, PEM re-encoded), or
 * throws a SignedRunsInputError naming the field. Secrets never reach a message.
 */
export function validateInitializationPolicyOptions(options: InitializationPolicyOptions): ValidatedInitializationPolicyOptions {
  if (typeof options !== "object" || options === null) {
    throw new SignedRunsInputError("options", `${quoteValue(options)} is not an object`, "pass { repositories: [{ repository, stacks, trustedKeys }] } or { trustedKeys: [...] }");
  }
  rejectUnknownFields("options", options as object, OPTION_FIELDS);
  const keyFix = "list at least one key: { kid, algorithm: \"ES256\", publicKeyPem, stacks, runTypes } or { kid, algorithm: \"HS256\", secret, stacks, runTypes }, in trustedKeys or in a grant of repositories";
  const keys: unknown = options.trustedKeys;
  if (keys !== undefined && !Array.isArray(keys)) {
    throw new SignedRunsInputError("trustedKeys", "is not a list", keyFix);
  }
  const trustedKeys = (keys ?? []).map((key: unknown, index) => validateTrustedKey(`trustedKeys[${index}]`, key));
  trustedKeys.push(...validateGrants(options.repositories));
  if (trustedKeys.length === 0) {
    throw new SignedRunsInputError("trustedKeys", Array.isArray(keys) ? "is an empty list and no repository grant holds a key" : "is missing and no repository grant holds a key", keyFix);
  }
  assertUnique("trustedKeys", trustedKeys.map((key) => key.kid), "kid");
  assertKeyMaterialNotShared(trustedKeys);

  const lifetime = options.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < MIN_TOKEN_LIFETIME_SECONDS || lifetime > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new SignedRunsInputError(
      "maxTokenLifetimeSeconds",
      `${quoteValue(lifetime)} is not a whole number of seconds between ${MIN_TOKEN_LIFETIME_SECONDS} and ${MAX_TOKEN_LIFETIME_SECONDS}`,
      `use a value from ${MIN_TOKEN_LIFETIME_SECONDS} (1 minute) to ${MAX_TOKEN_LIFETIME_SECONDS} (24 hours); the default is ${DEFAULT_MAX_TOKEN_LIFETIME_SECONDS}`,
    );
  }

  const issuer: unknown = options.issuer;
  if (issuer !== undefined && (typeof issuer !== "string" || issuer.trim() === "" || !PRINTABLE_ASCII.test(issuer))) {
    throw new SignedRunsInputError("issuer", `${quoteValue(issuer)} is not a non-empty string of printable ASCII`, "give the exact iss claim your CI writes (the generated workflow writes \"github-actions\"), or leave issuer out to accept any");
  }

  for (const flag of ["sample", "acknowledgeSampleLogsSecret"] as const) {
    const value: unknown = options[flag];
    if (value !== undefined && typeof value !== "boolean") {
      throw new SignedRunsInputError(flag, `${quoteValue(value)} is not a boolean`, "use true or false");
    }
  }
  const sample = options.sample === true;
  if (sample && trustedKeys.some((key) => key.algorithm === "HS256") && options.acknowledgeSampleLogsSecret !== true) {
    throw new SignedRunsInputError(
      "sample",
      "is true while an HS256 key is trusted, and the launcher's sample log contains the policy body, so every sampled evaluation would write the HS256 secret to the launcher's log",
      "leave sample off, use ES256 keys only, or set acknowledgeSampleLogsSecret: true if the launcher's logs are as protected as the secret",
    );
  }

  trustedKeys.sort((a, b) => compareStrings(a.kid, b.kid));
  return { trustedKeys, maxTokenLifetimeSeconds: lifetime, issuer: issuer as string | undefined, sample };
}

/**
 * The keys of every grant, each trusted for its own stacks that the grant
 * lists. A stack granted to two repositories is refused: either one's CI could
 * then start its runs.
 */
function validateGrants(grants: unknown): ValidatedTrustedKey[] {
  if (grants === undefined) return [];
  const grantFix = "give a list of { repository: \"owner/name\", stacks: [...], trustedKeys: [...] }, one per repository, each stack in one grant only";
  if (!Array.isArray(grants)) throw new SignedRunsInputError("repositories", `${quoteValue(grants)} is not a list`, grantFix);
  const grantedTo = new Map<string, string>();
  const repositories = new Set<string>();
  const keys: ValidatedTrustedKey[] = [];
  grants.forEach((grant: unknown, index) => {
    const field = `repositories[${index}]`;
    if (typeof grant !== "object" || grant === null || Array.isArray(grant)) throw new SignedRunsInputError(field, "is not an object", grantFix);
    const record = grant as Record<string, unknown>;
    rejectUnknownFields(field, record, GRANT_FIELDS);
    const repository = record.repository;
    if (typeof repository !== "string" || !REPOSITORY_NAME.test(repository)) {
      throw new SignedRunsInputError(`${field}.repository`, `${quoteValue(repository)} is not a GitHub repository "owner/name"`, "give the repository as owner/name, e.g. \"acme/payments-infra\"");
    }
    if (repositories.has(repository.toLowerCase())) {
      throw new SignedRunsInputError(`${field}.repository`, `${quoteValue(repository)} is granted twice`, "give each repository one grant that lists all its stacks and keys");
    }
    repositories.add(repository.toLowerCase());
    const stacks = record.stacks;
    if (!Array.isArray(stacks) || stacks.length === 0) {
      throw new SignedRunsInputError(`${field}.stacks`, Array.isArray(stacks) ? "is an empty list" : "is missing or not a list", "list the stack ids this repository may sign runs for");
    }
    stacks.forEach((stack: unknown, stackIndex) => {
      assertStackId(`${field}.stacks[${stackIndex}]`, stack);
      const other = grantedTo.get(stack);
      if (other !== undefined && other !== repository) {
        throw new SignedRunsInputError(
          `${field}.stacks[${stackIndex}]`,
          `stack ${quoteValue(stack)} is granted to ${quoteValue(other)} and to ${quoteValue(repository)}, so either one's CI could start its runs`,
          "grant each stack to one repository only",
        );
      }
      grantedTo.set(stack, repository);
    });
    assertUnique(`${field}.stacks`, stacks as string[], "stack");
    const grantKeys: unknown = record.trustedKeys;
    if (!Array.isArray(grantKeys) || grantKeys.length === 0) {
      throw new SignedRunsInputError(`${field}.trustedKeys`, Array.isArray(grantKeys) ? "is an empty list" : "is missing or not a list", "pass the repository's keys, e.g. repository.trustedKeys");
    }
    grantKeys.forEach((key: unknown, keyIndex) => {
      const keyField = `${field}.trustedKeys[${keyIndex}]`;
      const valid = validateTrustedKey(keyField, key);
      const granted = valid.stacks.filter((stack) => (stacks as string[]).includes(stack));
      if (granted.length === 0) {
        throw new SignedRunsInputError(
          `${keyField}.stacks`,
          `kid ${quoteValue(valid.kid)} lists no stack granted to ${quoteValue(repository)} (${valid.stacks.map(quoteValue).join(", ")})`,
          `grant the stacks the key is for in ${field}.stacks, or leave the key out`,
        );
      }
      keys.push({ ...valid, stacks: granted });
    });
  });
  return keys;
}

function validateTrustedKey(field: string, key: unknown): ValidatedTrustedKey {
  if (typeof key !== "object" || key === null || Array.isArray(key)) {
    throw new SignedRunsInputError(field, "is not an object", "give { kid, algorithm, secret | publicKeyPem, stacks, runTypes }");
  }
  const record = key as Record<string, unknown>;
  assertKeyId(`${field}.kid`, record.kid);
  const algorithm = record.algorithm;
  if (algorithm !== "HS256" && algorithm !== "ES256") {
    throw new SignedRunsInputError(`${field}.algorithm`, `${quoteValue(algorithm)} is not a supported algorithm`, "use \"HS256\" (shared secret) or \"ES256\" (P-256 key pair; the launcher holds only the public key)");
  }
  rejectUnknownFields(field, record, KEY_FIELDS[algorithm]);

  const stacks = record.stacks;
  if (!Array.isArray(stacks) || stacks.length === 0) {
    throw new SignedRunsInputError(`${field}.stacks`, Array.isArray(stacks) ? "is an empty list" : "is missing or not a list", "list the ids of the stacks this key may sign runs for");
  }
  stacks.forEach((stack: unknown, index) => assertStackId(`${field}.stacks[${index}]`, stack));
  assertUnique(`${field}.stacks`, stacks as string[], "stack");
  const sortedStacks = [...(stacks as string[])].sort(compareStrings);
  const runTypes = validateRunTypes(`${field}.runTypes`, record.runTypes);

  if (algorithm === "HS256") {
    const secret = record.secret;
    if (typeof secret !== "string" || Buffer.byteLength(secret, "utf8") < MIN_HS256_SECRET_BYTES) {
      throw new SignedRunsInputError(
        `${field}.secret`,
        typeof secret === "string" ? `is shorter than ${MIN_HS256_SECRET_BYTES} bytes (value not shown)` : "is missing or not a string",
        `use a random secret of at least ${MIN_HS256_SECRET_BYTES} bytes, e.g. the output of \`openssl rand -base64 48\``,
      );
    }
    // OPA 0.70's formatter re-quotes strings Go-style, which breaks on control
    // characters; printable ASCII reads the same on every OPA line.
    if (!PRINTABLE_ASCII.test(secret)) {
      throw new SignedRunsInputError(`${field}.secret`, "contains characters outside printable ASCII (value not shown)", "use a secret of printable ASCII characters, e.g. the output of `openssl rand -base64 48`");
    }
    return { kid: record.kid, algorithm, secret, stacks: sortedStacks, runTypes };
  }
  return { kid: record.kid, algorithm, publicKeyPem: normalisePublicKeyPem(`${field}.publicKeyPem`, record.publicKeyPem), stacks: sortedStacks, runTypes };
}

/**
 * A key's run types. Required with no default: a key that may sign TRACKED
 * must only be readable where the tracked branch is (a GitHub environment),
 * so the choice is the caller's. Returned in RUN_TYPES order.
 */
function validateRunTypes(field: string, runTypes: unknown): RunType[] {
  const fix = `give the run types this key may sign, e.g. runTypes: ["PROPOSED"] for a key every branch can read, runTypes: ["TRACKED", "TASK"] for a key only the tracked branch can read (one of ${RUN_TYPES.join(", ")} each)`;
  if (!Array.isArray(runTypes) || runTypes.length === 0) {
    throw new SignedRunsInputError(field, Array.isArray(runTypes) ? "is an empty list" : "is missing (keys now carry the run types they may sign)", fix);
  }
  runTypes.forEach((runType: unknown, index) => {
    if (!(RUN_TYPES as readonly unknown[]).includes(runType)) {
      throw new SignedRunsInputError(`${field}[${index}]`, `${quoteValue(runType)} is not a run type`, fix);
    }
  });
  assertUnique(field, runTypes as string[], "run type");
  return RUN_TYPES.filter((runType) => (runTypes as unknown[]).includes(runType));
}

/**
 * Accepts only an SPKI PEM of a P-256 public key and re-encodes it, so the
 * policy holds public material only and its text does not depend on line endings.
 * The value is never quoted in an error: a private key pasted here by mistake must not leak.
 */
function normalisePublicKeyPem(field: string, pem: unknown): string {
  const fix = "give the SPKI PEM of a P-256 (prime256v1) public key, starting with -----BEGIN PUBLIC KEY----- (e.g. `openssl ec -in key.pem -pubout`)";
  if (typeof pem !== "string") {
    throw new SignedRunsInputError(field, "is missing or not a string", fix);
  }
  if (/PRIVATE KEY/.test(pem)) {
    throw new SignedRunsInputError(field, "holds a private key (value not shown); the launcher must only ever get the public key", fix);
  }
  if (!pem.includes("-----BEGIN PUBLIC KEY-----")) {
    throw new SignedRunsInputError(field, "is not a PEM public key (value not shown)", fix);
  }
  let key;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch {
    throw new SignedRunsInputError(field, "does not parse as a PEM public key (value not shown)", fix);
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    throw new SignedRunsInputError(field, `is a ${key.asymmetricKeyType}${curve ? ` ${curve}` : ""} key, not a P-256 (prime256v1) EC key`, fix);
  }
  return String(key.export({ type: "spki", format: "pem" }));
}

/**
 * A token names its key by kid, so whoever holds a secret (or private key) can
 * sign under every kid that lists it: the same material under two kids would
 * let a proposed key sign as a tracked one, or one repository sign for
 * another's stacks. Refused without showing the value.
 */
function assertKeyMaterialNotShared(keys: ValidatedTrustedKey[]): void {
  const kidOf = new Map<string, string>();
  for (const key of keys) {
    const material = key.algorithm === "HS256" ? `HS256\n${key.secret}` : `ES256\n${key.publicKeyPem}`;
    const other = kidOf.get(material);
    if (other !== undefined) {
      throw new SignedRunsInputError(
        "trustedKeys",
        `kid ${quoteValue(other)} and kid ${quoteValue(key.kid)} hold the same ${key.algorithm === "HS256" ? "secret" : "public key"} (value not shown), so whoever holds it could sign with the stacks and run types of either`,
        "give every kid its own key (spacelift-signed-runs keygen, or the component, makes one per key)",
      );
    }
    kidOf.set(material, key.kid);
  }
}

function rejectUnknownFields(field: string, value: object, known: Set<string>): void {
  for (const name of Object.keys(value)) {
    if (!known.has(name)) {
      throw new SignedRunsInputError(`${field}.${name}`, "is not a known option", `use only ${[...known].join(", ")}`);
    }
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A Rego string literal. JSON string syntax is valid Rego; beyond JSON.stringify,
 * everything outside printable ASCII is written as a \u escape so the policy
 * file is plain ASCII whatever a secret contains.
 */
function regoString(value: string): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The trusted_keys object in the layout `opa fmt` keeps on every OPA line. OPA
 * 0.70 pulls a lone entry up onto the opening line, so one key is laid out that way.
 */
function renderTrustedKeys(keys: ValidatedTrustedKey[]): string {
  const fields = (key: ValidatedTrustedKey, indent: string) =>
    [
      `${indent}"alg": ${regoString(key.algorithm)},`,
      key.algorithm === "HS256" ? `${indent}"secret": ${regoString(key.secret)},` : `${indent}"cert": ${regoString(key.publicKeyPem)},`,
      `${indent}"run_types": {${key.runTypes.map(regoString).join(", ")}},`,
      `${indent}"stacks": {${key.stacks.map(regoString).join(", ")}},`,
    ].join("\n");
  if (keys.length === 1) {
    return `trusted_keys := {${regoString(keys[0].kid)}: {\n${fields(keys[0], "\t")}\n}}`;
  }
  const entries = keys.map((key) => `\t${regoString(key.kid)}: {\n${fields(key, "\t\t")}\n\t},`);
  return `trusted_keys := {\n${entries.join("\n")}\n}`;
}

/** Replaces the one line of the template that defines `name`; throws if the template changed shape. */
function replaceDefinition(text: string, line: string, replacement: string): string {
  const parts = text.split(`\n${line}\n`);
  if (parts.length !== 2) {
    throw new Error(`initialization policy template ${INITIALIZATION_POLICY_TEMPLATE_PATH} must define "${line}" exactly once`);
  }
  return `${parts[0]}\n${replacement}\n${parts[1]}`;
}

/**
 * The launcher's run initialization policy (the file named by
 * SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY). Same options, same text.
 * With an HS256 key the text contains the secret: treat it as a secret.
 */
export function renderInitializationPolicy(options: InitializationPolicyOptions): string {
  const valid = validateInitializationPolicyOptions(options);
  let text = readFileSync(INITIALIZATION_POLICY_TEMPLATE_PATH, "utf8");
  text = replaceDefinition(text, "trusted_keys := {}", renderTrustedKeys(valid.trustedKeys));
  text = replaceDefinition(text, "max_token_lifetime_seconds := 3600", `max_token_lifetime_seconds := ${valid.maxTokenLifetimeSeconds}`);
  if (valid.issuer !== undefined) {
    text = replaceDefinition(text, 'required_issuer := ""', `required_issuer := ${regoString(valid.issuer)}`);
  }
  if (valid.sample) {
    text += "\n# Asked for: the launcher logs every evaluation, this policy's text included.\nsample := true\n";
  }
  return text;
}
