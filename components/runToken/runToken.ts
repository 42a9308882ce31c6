import { createHash, createPrivateKey, createSecretKey, type KeyObject } from "node:crypto";
import { SignJWT, compactVerify, importSPKI } from "jose";
import { SignedRunsInputError, quoteValue } from "../schema/inputError";
import {
  MIN_HS256_SECRET_BYTES,
  validateInitializationPolicyOptions,
  type InitializationPolicyOptions,
  type ValidatedTrustedKey,
} from "../policy/initializationPolicy";
import {
  DEFAULT_ISSUER,
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  MIN_TOKEN_LIFETIME_SECONDS,
  DEFAULT_SIGNING_ALGORITHM,
  RUN_TYPES,
  type RunType,
} from "./contract";
import { keyId, stackId } from "../schema/primitives";
import { parseInput } from "../schema/problems";

/** The longest task command signRunToken binds. */
export const MAX_COMMAND_LENGTH = 65536;

/** A signing key. `algorithm` defaults to DEFAULT_SIGNING_ALGORITHM (ES256); HS256 must be asked for. */
export type RunSigningKey =
  | {
      /**
       * The key id written to the token header; the policy looks the key up by it. 1 to 128 characters of
       * letters, digits, `.`, `_`, `:` and `-`, starting with a letter or digit (it appears in logs and deny messages).
       */
      kid: string;
      /** HMAC-SHA256: the launcher's policy then holds the same secret. Must be given explicitly. */
      algorithm: "HS256";
      /** The shared secret, at least 32 bytes of UTF-8. Secret: never shown in errors. */
      secret: string;
    }
  | {
      /**
       * The key id written to the token header; the policy looks the key up by it. 1 to 128 characters of
       * letters, digits, `.`, `_`, `:` and `-`, starting with a letter or digit (it appears in logs and deny messages).
       */
      kid: string;
      /** ECDSA P-256 with SHA-256; the default when `algorithm` is left out. */
      algorithm?: "ES256";
      /** A P-256 (prime256v1) private key as PKCS#8 or SEC1 PEM. Secret: never shown in errors. */
      privateKeyPem: string;
    };

/** What {@link signRunToken} signs, and with which key. Every field is checked before signing; a bad one throws {@link SignedRunsInputError}. */
export interface SignRunTokenOptions {
  /** The key to sign with; its kid must be one the initialization policy trusts for `stack` and `runType`. Secret. */
  key: RunSigningKey;
  /** The commit the run is for (the `sub` claim): the full 40 lowercase hex digits, as `git rev-parse HEAD` prints them. */
  commitSha: string;
  /**
   * The Spacelift stack id (slug) the run is for (the `spacelift_stack` claim): lowercase letters, digits, `-` and `_`,
   * starting with a letter or digit, at most 100 characters.
   */
  stack: string;
  /** The run type the token allows (the `run_type` claim): `TRACKED`, `PROPOSED` or `TASK`. */
  runType: RunType;
  /**
   * The branch the commit was pushed to, without `refs/heads/`; not empty. Recorded in the token, not compared
   * by the policy (Spacelift does not report the pushed branch for API-triggered runs).
   */
  branch: string;
  /**
   * The task's command, exactly as the TASK run will carry it: required when
   * runType is TASK (the token then carries its hex SHA-256 as command_sha256),
   * refused otherwise. At most 65536 characters.
   */
  command?: string;
  /** The `iss` claim; a non-empty string. Default `github-actions` (DEFAULT_ISSUER); must match the policy's issuer when it sets one. */
  issuer?: string;
  /**
   * Seconds from issue to expiry (`exp - nbf`): a whole number from 60 to 86400, and at most the policy's
   * maxTokenLifetimeSeconds or the policy refuses the token. Default 3600 (DEFAULT_MAX_TOKEN_LIFETIME_SECONDS).
   */
  lifetimeSeconds?: number;
  /** The issue time (`iat` = `nbf`), in whole seconds since the epoch, not negative. Default: the current time. */
  now?: number;
}

const COMMIT_SHA = /^[0-9a-f]{40}$/;

/**
 * Signs a run token to the contract: header { alg, kid, typ: "JWT" }, claims
 * sub (commit), spacelift_stack, run_type, branch, iss, iat = nbf = now,
 * exp = now + lifetime, and for TASK command_sha256. For CI systems other than
 * the generated workflow.
 */
export async function signRunToken(options: SignRunTokenOptions): Promise<string> {
  const { key } = options;
  if (typeof key !== "object" || key === null) {
    throw new SignedRunsInputError(
      "key",
      "is missing",
      'give { kid, algorithm: "HS256", secret } or { kid, algorithm: "ES256", privateKeyPem }',
    );
  }
  parseInput(keyId, key.kid, "key.kid");
  if (typeof options.commitSha !== "string" || !COMMIT_SHA.test(options.commitSha)) {
    throw new SignedRunsInputError(
      "commitSha",
      `${quoteValue(options.commitSha)} is not a full commit SHA`,
      "give the 40 lowercase hex digits of the commit (git rev-parse HEAD)",
    );
  }
  parseInput(stackId, options.stack, "stack");
  if (!RUN_TYPES.includes(options.runType)) {
    throw new SignedRunsInputError(
      "runType",
      `${quoteValue(options.runType)} is not a run type`,
      `use one of ${RUN_TYPES.join(", ")}`,
    );
  }
  if (typeof options.branch !== "string" || options.branch === "") {
    throw new SignedRunsInputError(
      "branch",
      `${quoteValue(options.branch)} is not a branch name`,
      "give the branch the commit was pushed to, without refs/heads/",
    );
  }
  const command = options.command;
  if (options.runType === "TASK") {
    if (typeof command !== "string" || command === "" || command.length > MAX_COMMAND_LENGTH) {
      throw new SignedRunsInputError(
        "command",
        typeof command === "string" && command !== ""
          ? `is longer than ${MAX_COMMAND_LENGTH} characters`
          : "is missing",
        'a TASK token binds the task\'s command: give the exact command the task will run (spacectl stack task --id STACK "COMMAND")',
      );
    }
  } else if (command !== undefined) {
    throw new SignedRunsInputError(
      "command",
      `is given for a ${options.runType} token`,
      "leave command out: only TASK tokens bind a command",
    );
  }
  const issuer = options.issuer ?? DEFAULT_ISSUER;
  if (typeof issuer !== "string" || issuer === "") {
    throw new SignedRunsInputError(
      "issuer",
      `${quoteValue(issuer)} is not a non-empty string`,
      `leave it out for ${JSON.stringify(DEFAULT_ISSUER)} or give the issuer the policy requires`,
    );
  }
  const lifetime = options.lifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < MIN_TOKEN_LIFETIME_SECONDS || lifetime > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new SignedRunsInputError(
      "lifetimeSeconds",
      `${quoteValue(lifetime)} is out of range`,
      `use a whole number from ${MIN_TOKEN_LIFETIME_SECONDS} to ${MAX_TOKEN_LIFETIME_SECONDS}, at most the policy's maxTokenLifetimeSeconds`,
    );
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (!Number.isInteger(now) || now < 0) {
    throw new SignedRunsInputError(
      "now",
      `${quoteValue(now)} is not whole seconds since the epoch`,
      "leave it out to use the current time",
    );
  }

  const claims: Record<string, string> = {
    spacelift_stack: options.stack,
    run_type: options.runType,
    branch: options.branch,
  };
  if (command !== undefined) claims.command_sha256 = commandSha256(command);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.algorithm ?? DEFAULT_SIGNING_ALGORITHM, kid: key.kid, typ: "JWT" })
    .setSubject(options.commitSha)
    .setIssuer(issuer)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + lifetime)
    .sign(signingKeyObject(key));
}

function signingKeyObject(key: RunSigningKey): KeyObject {
  if (key.algorithm === "HS256") {
    if (typeof key.secret !== "string" || Buffer.byteLength(key.secret, "utf8") < MIN_HS256_SECRET_BYTES) {
      throw new SignedRunsInputError(
        "key.secret",
        `is missing or shorter than ${MIN_HS256_SECRET_BYTES} bytes (value not shown)`,
        `use a random secret of at least ${MIN_HS256_SECRET_BYTES} bytes`,
      );
    }
    return createSecretKey(Buffer.from(key.secret, "utf8"));
  }
  if (key.algorithm === "ES256" || key.algorithm === undefined) {
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: key.privateKeyPem, format: "pem" });
    } catch {
      throw new SignedRunsInputError(
        "key.privateKeyPem",
        "does not parse as a PEM private key (value not shown)",
        "give the PKCS#8 or SEC1 PEM of a P-256 private key",
      );
    }
    if (privateKey.asymmetricKeyType !== "ec" || privateKey.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
      throw new SignedRunsInputError(
        "key.privateKeyPem",
        "is not a P-256 (prime256v1) EC private key (value not shown)",
        "give the PEM of a P-256 private key",
      );
    }
    return privateKey;
  }
  throw new SignedRunsInputError(
    "key.algorithm",
    `${quoteValue((key as { algorithm: unknown }).algorithm)} is not a supported algorithm`,
    'use "HS256" or "ES256"',
  );
}

/**
 * The parts of the launcher's input the policy reads: the document Spacelift's private worker-pool launcher
 * hands to the initialization policy. Other keys are allowed and ignored. Typed loosely on purpose: the
 * verifier must answer like the policy for any JSON, including malformed input.
 */
export interface LauncherInput {
  // A null or empty commit value counts as absent, as in the policy.
  /** The run being started. */
  run?: {
    /**
     * The metadata passed with `spacectl ... --run-metadata`: a list of strings, where the signed token is looked for.
     * More than 64 entries, or more than 16 token-shaped ones, and none is read; entries over 8192 characters are not taken for tokens.
     */
    user_provided_metadata?: unknown;
    /** The run's commit, when the launcher reports it; a null or empty hash counts as absent. */
    commit?: {
      /** The commit SHA the token's `sub` must equal. */
      hash?: string | null;
      [k: string]: unknown;
    } | null;
    [k: string]: unknown;
  };
  /** The run's environment as the launcher reports it. */
  static_run_environment?: {
    /** The stack id (slug) the token's `spacelift_stack` must equal. */
    stack_slug?: string;
    /** The commit SHA the token's `sub` must equal, like `run.commit.hash`; a null or empty value counts as absent. */
    commit_sha?: string | null;
    /** The branch Spacelift reports; not compared (it is `-` or the tracked branch for API-triggered runs). */
    commit_branch?: string;
    /** The run type the token's `run_type` must equal: `TRACKED`, `PROPOSED` or `TASK`. */
    run_type?: string;
    /** A TASK run's command, whose SHA-256 the token's `command_sha256` must equal. */
    command?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** The answer of {@link verifyRunToken}: the initialization policy's decision for one launcher input. */
export interface RunTokenVerdict {
  /** `true` exactly when `deny` is empty: some token in the metadata passed every check. */
  allowed: boolean;
  /** The deny messages, as the policy would give them. */
  deny: string[];
}

// Mirrors _token_shape, _max_entry_length, _max_token_entries, _max_metadata_entries, _max_quoted_length
// and _unsupported_header_parameters in policies/initialization-policy.rego.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
export const MAX_ENTRY_LENGTH = 8192;
export const MAX_TOKEN_ENTRIES = 16;
export const MAX_METADATA_ENTRIES = 64;
export const MAX_QUOTED_LENGTH = 128;
const UNSUPPORTED_HEADER_PARAMETERS = ["b64", "crit", "cty"];

/** A base64url part parsed as JSON, or undefined, as json.unmarshal(base64url.decode(part)). */
function decodePart(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

/** The hex SHA-256 of a task command's UTF-8 bytes, as crypto.sha256 gives it in the policy. */
export function commandSha256(command: string): string {
  return createHash("sha256").update(command, "utf8").digest("hex");
}

/**
 * The initialization policy's decision, computed with jose instead of OPA:
 * same checks, same bounds, same messages, sorted. `now` is seconds since the
 * epoch. The tests hold it to the real policy's answer on every case.
 */
export async function verifyRunToken(
  input: LauncherInput,
  policy: InitializationPolicyOptions,
  now?: number,
): Promise<RunTokenVerdict> {
  const options = validateInitializationPolicyOptions(policy);
  const clock = now ?? Date.now() / 1000;
  const deny = new Set<string>();
  const run = isObject(input) ? input.run : undefined;
  const env: Record<string, unknown> =
    isObject(input) && isObject(input.static_run_environment) ? input.static_run_environment : {};

  if (!isObject(run) || !("user_provided_metadata" in run)) {
    deny.add("no run metadata: the run was not started with a signed run token");
    return verdict(deny);
  }
  const metadata = run.user_provided_metadata;
  if (!Array.isArray(metadata)) {
    deny.add(`run metadata is not a list but a ${regoTypeName(metadata)}`);
    return verdict(deny);
  }
  if (metadata.length === 0) {
    deny.add("run metadata is an empty list: no signed run token");
    return verdict(deny);
  }
  if (metadata.length > MAX_METADATA_ENTRIES) {
    deny.add(`run metadata holds ${metadata.length} entries; at most ${MAX_METADATA_ENTRIES} are read, so none was`);
    return verdict(deny);
  }
  const longEntries: number[] = [];
  const tokenShaped: Array<{ index: number; token: string }> = [];
  metadata.forEach((entry: unknown, index) => {
    if (typeof entry !== "string") return;
    if (runeLength(entry) > MAX_ENTRY_LENGTH) longEntries.push(index);
    else if (TOKEN_SHAPE.test(entry)) tokenShaped.push({ index, token: entry });
  });
  const longEntriesMessage =
    longEntries.length > 0
      ? `${longEntries.length} metadata entries longer than ${MAX_ENTRY_LENGTH} characters were not taken for tokens (first: entry ${longEntries[0]})`
      : undefined;
  if (tokenShaped.length > MAX_TOKEN_ENTRIES) {
    deny.add(
      `run metadata holds ${tokenShaped.length} token-shaped entries; at most ${MAX_TOKEN_ENTRIES} are examined, so none was`,
    );
    if (longEntriesMessage !== undefined) deny.add(longEntriesMessage);
    return verdict(deny);
  }
  const examined = tokenShaped.map(({ index, token }) => {
    const [headerPart, payloadPart] = token.split(".");
    const header = decodePart(headerPart);
    const unsupported = isObject(header) ? UNSUPPORTED_HEADER_PARAMETERS.filter((name) => name in header) : [];
    return { index, token, header: isObject(header) ? header : undefined, payloadPart, unsupported };
  });
  const unsupportedHeaders = examined
    .filter(({ unsupported }) => unsupported.length > 0)
    .map(
      ({ index, unsupported }) =>
        `metadata entry ${index}: token header has ${unsupported.join(", ")}, which run tokens never use`,
    );
  const candidates = examined.filter(({ unsupported }) => unsupported.length === 0);
  if (candidates.length === 0) {
    deny.add("no signed token in run metadata");
    if (longEntriesMessage !== undefined) deny.add(longEntriesMessage);
    unsupportedHeaders.forEach((message) => deny.add(message));
    return verdict(deny);
  }

  const runCommits = new Set<unknown>();
  for (const commit of [env.commit_sha, isObject(run.commit) ? run.commit.hash : undefined]) {
    if (commit !== undefined && commit !== null && commit !== "") runCommits.add(commit);
  }
  const keys = new Map(options.trustedKeys.map((key) => [key.kid, key]));
  const context: CheckContext = {
    keys,
    env,
    runCommits,
    maxLifetime: options.maxTokenLifetimeSeconds,
    issuer: options.issuer,
    clock,
  };
  const problems: string[] = [];
  let anyValid = false;
  for (const candidate of candidates) {
    const found = await tokenProblems(candidate, context);
    if (found.length === 0) anyValid = true;
    problems.push(...found.map((problem) => `metadata entry ${candidate.index}: ${problem}`));
  }
  if (anyValid) return verdict(deny);
  deny.add(`no valid signed token in run metadata (${candidates.length} checked)`);
  if (longEntriesMessage !== undefined) deny.add(longEntriesMessage);
  problems.forEach((problem) => deny.add(problem));
  unsupportedHeaders.forEach((message) => deny.add(message));
  return verdict(deny);
}

interface CheckContext {
  keys: Map<string, ValidatedTrustedKey>;
  env: Record<string, unknown>;
  runCommits: Set<unknown>;
  maxLifetime: number;
  issuer: string | undefined;
  clock: number;
}

async function tokenProblems(
  candidate: { token: string; header: Record<string, unknown> | undefined; payloadPart: string },
  { keys, env, runCommits, maxLifetime, issuer, clock }: CheckContext,
): Promise<string[]> {
  const { token, header } = candidate;
  const decoded = decodePart(candidate.payloadPart);
  if (header === undefined || !isObject(decoded)) return ["not a decodable JWS"];
  const payload = decoded;
  const kid = header.kid;
  if (typeof kid !== "string") return ["token header has no kid"];
  const key = keys.get(kid);
  if (key === undefined) return [`token signed by unknown key ${quoted(kid)}`];
  if (header.alg !== key.algorithm) {
    return [
      `token alg ${claimText(header, "alg")} does not match key ${quoted(kid)}, which is pinned to ${key.algorithm}`,
    ];
  }
  try {
    const verificationKey =
      key.algorithm === "HS256"
        ? createSecretKey(Buffer.from(key.secret, "utf8"))
        : await importSPKI(key.publicKeyPem, "ES256");
    await compactVerify(token, verificationKey, { algorithms: [key.algorithm] });
  } catch {
    return [`token signature does not verify under key ${quoted(kid)}`];
  }

  const problems: string[] = [];
  const { exp, nbf } = payload;
  for (const [claim, value] of [
    ["exp", exp],
    ["nbf", nbf],
  ] as const) {
    if (typeof value !== "number") problems.push(`token has no numeric ${claim} claim`);
  }
  // io.jwt.decode_verify: valid while nbf <= now < exp, each checked only when present;
  // it also refuses any aud claim, which the policy reports on its own.
  if ("aud" in payload) {
    problems.push("token has an aud claim, which run tokens never carry");
  } else if ((typeof exp === "number" && clock >= exp) || (typeof nbf === "number" && clock < nbf)) {
    problems.push("token is expired or not yet valid (exp/nbf)");
  }
  if (typeof exp === "number" && typeof nbf === "number" && exp - nbf > maxLifetime) {
    problems.push(`token lifetime ${quoted(exp - nbf)} s (exp - nbf) exceeds the maximum ${maxLifetime} s`);
  }
  const stack = payload.spacelift_stack;
  if (!("stack_slug" in env) || stack !== env.stack_slug) {
    problems.push(
      `token is for stack ${claimText(payload, "spacelift_stack")}, run is for stack ${claimText(env, "stack_slug")}`,
    );
  }
  if (typeof stack !== "string" || !key.stacks.includes(stack)) {
    problems.push(`key ${quoted(kid)} may not sign for stack ${claimText(payload, "spacelift_stack")}`);
  }
  if (runCommits.size === 0) problems.push("run has no commit to bind the token to");
  for (const commit of runCommits) {
    if (payload.sub !== commit)
      problems.push(`token is for commit ${claimText(payload, "sub")}, run is for commit ${quoted(commit)}`);
  }
  if (!("run_type" in env) || payload.run_type !== env.run_type) {
    problems.push(`token is for run type ${claimText(payload, "run_type")}, run is ${claimText(env, "run_type")}`);
  }
  // The branch claim is not compared with the run (Spacelift reports "-" or the tracked branch for API-triggered runs).
  if (typeof payload.run_type !== "string" || !(key.runTypes as string[]).includes(payload.run_type)) {
    problems.push(`key ${quoted(kid)} may not sign run type ${claimText(payload, "run_type")}`);
  }
  const command = typeof env.command === "string" && env.command !== "" ? env.command : undefined;
  if (payload.run_type === "TASK") {
    if (command === undefined) {
      problems.push("the run is a TASK without a command to bind the token to");
    } else if (payload.command_sha256 !== commandSha256(command)) {
      problems.push(
        `token is for a command with sha256 ${claimText(payload, "command_sha256")}, the run's command has sha256 ${quoted(commandSha256(command))}`,
      );
    }
  } else if (payload.command_sha256 !== undefined && payload.command_sha256 !== null) {
    problems.push("token has a command_sha256 claim, which only TASK tokens carry");
  }
  if (issuer !== undefined && payload.iss !== issuer) {
    problems.push(`token issuer ${claimText(payload, "iss")} is not ${quoted(issuer)}`);
  }
  return problems;
}

function verdict(deny: Set<string>): RunTokenVerdict {
  return { allowed: deny.size === 0, deny: [...deny].sort() };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Characters as Rego's count counts them (code points), not UTF-16 units. */
function runeLength(text: string): number {
  return Array.from(text).length;
}

/** JSON as OPA's json.marshal writes it (Go's encoding/json): object keys sorted, <, >, &, U+2028 and U+2029 escaped. */
function goJson(value: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : isObject(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted(v[k])]),
          )
        : v;
  const escapes: Record<string, string> = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
  };
  return JSON.stringify(sorted(value)).replace(/[<>&\u2028\u2029]/g, (char) => escapes[char]);
}

/** A value as JSON, cut to MAX_QUOTED_LENGTH characters, as quoted() in the policy. */
function quoted(value: unknown): string {
  const text = goJson(value);
  const characters = Array.from(text);
  return characters.length <= MAX_QUOTED_LENGTH ? text : `${characters.slice(0, MAX_QUOTED_LENGTH - 3).join("")}...`;
}

function claimText(doc: Record<string, unknown>, name: string): string {
  return name in doc ? quoted(doc[name]) : "(missing)";
}

/** The names Rego's type_name gives. */
function regoTypeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") return "object";
  return typeof value;
}
