import { readFileSync } from "node:fs";
import { policyFilePath } from "./policyFiles";
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, RUN_TYPES, tokenHeaderSegment, type RunType } from "../runToken/contract";
import { parseInput } from "../schema/problems";
import { initializationPolicyOptions, normalisePublicKeyPem } from "../schema/renderOptions";

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

export { MIN_HS256_SECRET_BYTES } from "../schema/renderOptions";

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

/** The template the policy is rendered from; it ships with the package. */
export const INITIALIZATION_POLICY_TEMPLATE_PATH = policyFilePath("initialization-policy.rego");

/**
 * Parses the options with their schema (every problem in one
 * SignedRunsInputError, no secret in it) and returns them normalised: each
 * granted key trusted for its own stacks that the grant lists, keys sorted by
 * kid, stacks sorted, run types in RUN_TYPES order, PEM re-encoded.
 */
export function validateInitializationPolicyOptions(
  options: InitializationPolicyOptions,
): ValidatedInitializationPolicyOptions {
  const valid = parseInput(initializationPolicyOptions, options, "", "options") as InitializationPolicyOptions;
  const keys = (valid.trustedKeys ?? []).map((key) => normalised(key, key.stacks));
  for (const grant of valid.repositories ?? []) {
    keys.push(
      ...grant.trustedKeys.map((key) =>
        normalised(
          key,
          key.stacks.filter((stack) => grant.stacks.includes(stack)),
        ),
      ),
    );
  }
  keys.sort((a, b) => compareStrings(a.kid, b.kid));
  return {
    trustedKeys: keys,
    maxTokenLifetimeSeconds: valid.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
    issuer: valid.issuer,
    sample: valid.sample === true,
  };
}

function normalised(key: TrustedKey, stacks: string[]): ValidatedTrustedKey {
  const common = {
    kid: key.kid,
    stacks: [...stacks].sort(compareStrings),
    runTypes: RUN_TYPES.filter((runType) => key.runTypes.includes(runType)),
  };
  return key.algorithm === "HS256"
    ? { ...common, algorithm: "HS256", secret: key.secret }
    : { ...common, algorithm: "ES256", publicKeyPem: normalisePublicKeyPem(key.publicKeyPem) };
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
  return JSON.stringify(value).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * The trusted_keys object in the layout `opa fmt` keeps on every OPA line. OPA
 * 0.70 pulls a lone entry up onto the opening line, so one key is laid out that way.
 * Every key carries the run-wide rules (lifetime, issuer) so that an allowed
 * run reads no other rule of the policy.
 */
function renderTrustedKeys(valid: ValidatedInitializationPolicyOptions): string {
  const fields = (key: ValidatedTrustedKey, indent: string) =>
    [
      key.algorithm === "HS256"
        ? `${indent}"constraints": {"alg": "HS256", "secret": ${regoString(key.secret)}},`
        : `${indent}"constraints": {"alg": "ES256", "cert": ${regoString(key.publicKeyPem)}},`,
      ...(valid.issuer === undefined ? [] : [`${indent}"iss": ${regoString(valid.issuer)},`]),
      `${indent}"max_lifetime_seconds": ${valid.maxTokenLifetimeSeconds},`,
      `${indent}"run_types": {${key.runTypes.map(regoString).join(", ")}},`,
      `${indent}"stacks": {${key.stacks.map(regoString).join(", ")}},`,
    ].join("\n");
  const keys = valid.trustedKeys;
  if (keys.length === 1) {
    return `trusted_keys := {${regoString(keys[0].kid)}: {\n${fields(keys[0], "\t")}\n}}`;
  }
  const entries = keys.map((key) => `\t${regoString(key.kid)}: {\n${fields(key, "\t\t")}\n\t},`);
  return `trusted_keys := {\n${entries.join("\n")}\n}`;
}

/**
 * The trusted_kids_by_header object: for each key, the protected header this
 * package's signers write ({@link tokenHeaderSegment}), mapped to its kid, so
 * that the policy finds the key of such a token without decoding its header.
 */
function renderKidsByHeader(valid: ValidatedInitializationPolicyOptions): string {
  const entries = valid.trustedKeys.map(
    (key) => `${regoString(tokenHeaderSegment(key.algorithm, key.kid))}: ${regoString(key.kid)}`,
  );
  if (entries.length <= 1) return `trusted_kids_by_header := {${entries.join("")}}`;
  return `trusted_kids_by_header := {\n${entries.map((entry) => `\t${entry},`).join("\n")}\n}`;
}

/** Replaces the one line of the template that defines `name`; throws if the template changed shape. */
function replaceDefinition(text: string, line: string, replacement: string): string {
  const parts = text.split(`\n${line}\n`);
  if (parts.length !== 2) {
    throw new Error(
      `initialization policy template ${INITIALIZATION_POLICY_TEMPLATE_PATH} must define "${line}" exactly once`,
    );
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
  text = replaceDefinition(text, "trusted_keys := {}", renderTrustedKeys(valid));
  text = replaceDefinition(text, "trusted_kids_by_header := {}", renderKidsByHeader(valid));
  if (valid.sample) {
    text += "\n# Asked for: the launcher logs every evaluation, this policy's text included.\nsample := true\n";
  }
  return text;
}
