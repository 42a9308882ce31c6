/**
 * The decision table the initialization policy is held to: trusted keys, a
 * launcher input builder, hand-made hostile tokens, and every case of issue 2
 * section 5 with its expected answer. Shared by the OPA tests, the
 * verifyRunToken agreement test and the benchmark.
 */
import { createHmac, createPrivateKey, generateKeyPairSync, sign, type JsonWebKey, type KeyObject } from "node:crypto";
import {
  commandSha256,
  signRunToken,
  type LauncherInput,
  type SignRunTokenOptions,
} from "../../components/runToken/runToken";
import type { InitializationPolicyOptions } from "../../components/policy/initializationPolicy";
import type { RunType } from "../../components/runToken/contract";

export const HS_SECRET = "hs-secret-for-tests-0123456789abcdefghijklmnopqrstuvwxyz";
export const OTHER_HS_SECRET = "another-secret-for-tests-0123456789abcdefghijklmnopq";
export const PROPOSED_HS_SECRET = "proposed-secret-for-tests-0123456789abcdefghijklmnop";
export const STAGING_HS_SECRET = "staging-secret-for-tests-0123456789abcdefghijklmnopq";
export const COMMIT = "4f1c2a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a";
export const OTHER_COMMIT = "0123456789abcdef0123456789abcdef01234567";

function ecKeyPair(): { privateKeyPem: string; publicKeyPem: string; privateKey: KeyObject; publicJwk: JsonWebKey } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return {
    privateKey,
    publicJwk: publicKey.export({ format: "jwk" }),
    privateKeyPem: String(privateKey.export({ type: "pkcs8", format: "pem" })),
    publicKeyPem: String(publicKey.export({ type: "spki", format: "pem" })),
  };
}

export const ES_KEY = ecKeyPair();
export const OTHER_ES_KEY = ecKeyPair();

/**
 * The keys of the design: hs-1 is the tracked key of main (TRACKED and TASK for
 * web-prod and web-dev), hs-proposed the proposed key of the same repository
 * (PROPOSED only), hs-staging the tracked key of staging (web-staging only),
 * es-1 signs every run type for payments-prod, hs-other only for other-stack.
 */
export const POLICY_OPTIONS: InitializationPolicyOptions = {
  trustedKeys: [
    {
      kid: "hs-1",
      algorithm: "HS256",
      secret: HS_SECRET,
      stacks: ["web-prod", "web-dev"],
      runTypes: ["TRACKED", "TASK"],
    },
    {
      kid: "hs-proposed",
      algorithm: "HS256",
      secret: PROPOSED_HS_SECRET,
      stacks: ["web-prod", "web-dev"],
      runTypes: ["PROPOSED"],
    },
    {
      kid: "hs-staging",
      algorithm: "HS256",
      secret: STAGING_HS_SECRET,
      stacks: ["web-staging"],
      runTypes: ["TRACKED", "TASK"],
    },
    {
      kid: "es-1",
      algorithm: "ES256",
      publicKeyPem: ES_KEY.publicKeyPem,
      stacks: ["payments-prod"],
      runTypes: ["TRACKED", "PROPOSED", "TASK"],
    },
    {
      kid: "hs-other",
      algorithm: "HS256",
      secret: OTHER_HS_SECRET,
      stacks: ["other-stack"],
      runTypes: ["TRACKED", "TASK"],
    },
  ],
  maxTokenLifetimeSeconds: 3600,
  issuer: "github-actions",
};

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * What Spacelift reports as a run's branch. Runs started through the API
 * (runTrigger, `spacectl stack deploy|preview --sha`) report "-"
 * (spacelift-io/spacectl#321), or the stack's tracked branch (the docs sample);
 * never the branch the commit was pushed to.
 */
export const API_REPORTED_BRANCH = "-";
/** The tracked branch of every stack in the table, the other variant Spacelift reports. */
export const TRACKED_BRANCH = "main";

export interface RunShape {
  stack?: string;
  commitSha?: string | null;
  /** run.commit.hash; undefined leaves run.commit out. */
  commitHash?: string;
  runType?: RunType | string;
  /** commit_branch (and run.commit.branch); default API_REPORTED_BRANCH. */
  reportedBranch?: string;
  /** static_run_environment.command, as Spacelift sets it for task runs; default TASK_COMMAND for a TASK run. */
  command?: string | null;
}

/** The command of the table's task runs. */
export const TASK_COMMAND = "terraform state list";

/** A launcher input like Spacelift's sample, with the given metadata. `undefined` leaves the field out. */
export function launcherInput(metadata: unknown, shape: RunShape = {}): LauncherInput {
  return launcherInputFor(metadata, shape);
}

function launcherInputFor(metadata: unknown, shape: RunShape): LauncherInput {
  const reportedBranch = shape.reportedBranch ?? API_REPORTED_BRANCH;
  const run: Record<string, unknown> = { id: "01HZZZTESTRUN", state: "PREPARING", triggered_by: "api::01HZZZKEY" };
  if (metadata !== undefined) run.user_provided_metadata = metadata;
  if (shape.commitHash !== undefined) run.commit = { hash: shape.commitHash, branch: reportedBranch, author: "dev" };
  const env: Record<string, unknown> = {
    stack_slug: shape.stack ?? "web-prod",
    commit_branch: reportedBranch,
    run_type: shape.runType ?? "TRACKED",
    repository_path: "acme/infra",
  };
  if (shape.commitSha !== null) env.commit_sha = shape.commitSha ?? COMMIT;
  const command = shape.command === undefined ? (env.run_type === "TASK" ? TASK_COMMAND : undefined) : shape.command;
  if (command !== null && command !== undefined) env.command = command;
  return { run, static_run_environment: env, worker_version: "test" } as LauncherInput;
}

/** The input with fields of static_run_environment set as given, null included. */
function withRunEnv(input: LauncherInput, fields: Record<string, unknown>): LauncherInput {
  return { ...input, static_run_environment: { ...input.static_run_environment, ...fields } } as LauncherInput;
}

export type TokenOverrides = Partial<Omit<SignRunTokenOptions, "key">> & { key?: SignRunTokenOptions["key"] };

export const HS_KEY = { kid: "hs-1", algorithm: "HS256", secret: HS_SECRET } as const;
export const ES_SIGNING_KEY = { kid: "es-1", algorithm: "ES256", privateKeyPem: ES_KEY.privateKeyPem } as const;
export const PROPOSED_KEY = { kid: "hs-proposed", algorithm: "HS256", secret: PROPOSED_HS_SECRET } as const;
export const STAGING_KEY = { kid: "hs-staging", algorithm: "HS256", secret: STAGING_HS_SECRET } as const;

/** A token from signRunToken (jose) for web-prod, COMMIT, TRACKED, main unless overridden; a TASK token binds TASK_COMMAND unless told otherwise. */
export function token(overrides: TokenOverrides = {}): Promise<string> {
  const command = overrides.runType === "TASK" ? TASK_COMMAND : undefined;
  return signRunToken({
    key: HS_KEY,
    commitSha: COMMIT,
    stack: "web-prod",
    runType: "TRACKED",
    branch: "main",
    command,
    ...overrides,
  });
}

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

/** Claims like the contract's, for hand-made tokens. */
export function claims(extra: Record<string, unknown> = {}, now = nowSeconds()): Record<string, unknown> {
  return {
    sub: COMMIT,
    spacelift_stack: "web-prod",
    run_type: "TRACKED",
    branch: "main",
    iss: "github-actions",
    iat: now,
    nbf: now,
    exp: now + 600,
    ...extra,
  };
}

/** A compact JWS made by hand with node:crypto, for what jose refuses to make. */
export function handMadeToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signer: (signingInput: string) => Buffer | string,
): string {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = signer(signingInput);
  return `${signingInput}.${typeof signature === "string" ? signature : b64url(signature)}`;
}

/** A compact JWS whose payload is `body` as given (e.g. another token), for nesting. */
export function handMadeTokenWithBody(
  header: Record<string, unknown>,
  body: string,
  signer: (signingInput: string) => Buffer | string,
): string {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(body)}`;
  const signature = signer(signingInput);
  return `${signingInput}.${typeof signature === "string" ? signature : b64url(signature)}`;
}

export const hmac = (algorithm: "sha256" | "sha512", secret: string) => (input: string) =>
  createHmac(algorithm, secret).update(input).digest();
/** ES256 as JWS wants it: raw r||s (IEEE P1363). */
export const es256 = (key: KeyObject) => (input: string) =>
  sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
/** ES256 with an ASN.1 DER signature, which JWS forbids. */
export const es256Der = (key: KeyObject) => (input: string) =>
  sign("sha256", Buffer.from(input), { key, dsaEncoding: "der" });

export interface DecisionCase {
  name: string;
  input: LauncherInput;
  /** "allow", or a pattern some deny message must match. */
  expect: "allow" | RegExp;
  /** Options for this case when they differ from POLICY_OPTIONS. */
  policy?: InitializationPolicyOptions;
}

/**
 * Every case of issue 2 section 5 and issue 8, with tokens minted now, for runs
 * on which Spacelift reports `reportedBranch` (API_REPORTED_BRANCH or
 * TRACKED_BRANCH: the table is run in both variants).
 */
export async function decisionCases(reportedBranch: string = API_REPORTED_BRANCH): Promise<DecisionCase[]> {
  const launcherInput = (metadata: unknown, shape: RunShape = {}) =>
    launcherInputFor(metadata, { reportedBranch, ...shape });
  const now = nowSeconds();
  const valid = await token();
  const esKeyObject = createPrivateKey(ES_KEY.privateKeyPem);
  const otherEsKeyObject = createPrivateKey(OTHER_ES_KEY.privateKeyPem);
  const hsHeader = { alg: "HS256", kid: "hs-1", typ: "JWT" };
  const esHeader = { alg: "ES256", kid: "es-1", typ: "JWT" };
  const esClaims = claims({ spacelift_stack: "payments-prod" }, now);
  const payments = { stack: "payments-prod" };
  const [validHeader, , validSignature] = valid.split(".");
  const tamperedPayload = b64url(JSON.stringify(claims({ spacelift_stack: "web-dev" }, now)));

  return [
    // Allowed.
    { name: "TRACKED run, HS256 token", input: launcherInput([valid], { commitHash: COMMIT }), expect: "allow" },
    {
      name: "problem 1: a preview of a feature branch (PROPOSED, branch claim feature/x) is allowed whatever branch Spacelift reports",
      input: launcherInput([await token({ key: PROPOSED_KEY, runType: "PROPOSED", branch: "feature/x" })], {
        runType: "PROPOSED",
      }),
      expect: "allow",
    },
    {
      name: "problem 1: a TRACKED run whose token names main is allowed whatever branch Spacelift reports",
      input: launcherInput([valid]),
      expect: "allow",
    },
    {
      name: "TASK run, HS256 token",
      input: launcherInput([await token({ runType: "TASK" })], { runType: "TASK" }),
      expect: "allow",
    },
    {
      name: "TRACKED run, ES256 token",
      input: launcherInput([await token({ key: ES_SIGNING_KEY, stack: "payments-prod" })], payments),
      expect: "allow",
    },
    {
      name: "PROPOSED run, ES256 token",
      input: launcherInput(
        [await token({ key: ES_SIGNING_KEY, stack: "payments-prod", runType: "PROPOSED", branch: "fix" })],
        { ...payments, runType: "PROPOSED" },
      ),
      expect: "allow",
    },
    {
      name: "TASK run, ES256 token",
      input: launcherInput([await token({ key: ES_SIGNING_KEY, stack: "payments-prod", runType: "TASK" })], {
        ...payments,
        runType: "TASK",
      }),
      expect: "allow",
    },
    {
      name: "second stack of the same key",
      input: launcherInput([await token({ stack: "web-dev" })], { stack: "web-dev" }),
      expect: "allow",
    },
    {
      name: "a confirm note appended after the valid token",
      input: launcherInput([valid, "confirmed by alice"]),
      expect: "allow",
    },
    {
      name: "a non-token entry and a failing token beside the valid token",
      input: launcherInput([42, "a.b.c", await token({ stack: "web-dev" }), valid]),
      expect: "allow",
    },
    {
      name: "commit_sha and run.commit.hash both present and matching",
      input: launcherInput([valid], { commitHash: COMMIT }),
      expect: "allow",
    },
    {
      name: "only run.commit.hash present",
      input: launcherInput([valid], { commitSha: null, commitHash: COMMIT }),
      expect: "allow",
    },
    {
      name: "token hand-made with node:crypto HMAC",
      input: launcherInput([handMadeToken(hsHeader, claims({}, now), hmac("sha256", HS_SECRET))]),
      expect: "allow",
    },
    {
      name: "lifetime exactly the maximum",
      input: launcherInput([await token({ lifetimeSeconds: 3600 })]),
      expect: "allow",
    },
    {
      name: "no issuer configured: a token without iss",
      input: launcherInput([handMadeToken(hsHeader, claims({ iss: undefined }, now), hmac("sha256", HS_SECRET))]),
      expect: "allow",
      policy: { ...POLICY_OPTIONS, issuer: undefined },
    },
    {
      name: "a header in another order and without typ (not as trusted_kids_by_header lists it)",
      input: launcherInput([handMadeToken({ kid: "hs-1", alg: "HS256" }, claims({}, now), hmac("sha256", HS_SECRET))]),
      expect: "allow",
    },
    {
      name: "no issuer configured: any iss",
      input: launcherInput([await token({ issuer: "gitlab-ci" })]),
      expect: "allow",
      policy: { ...POLICY_OPTIONS, issuer: undefined },
    },

    // Fail closed on the shape of the metadata.
    { name: "no metadata field", input: launcherInput(undefined), expect: /^no run metadata/ },
    {
      name: "no run at all",
      input: { static_run_environment: launcherInput([]).static_run_environment },
      expect: /^no run metadata/,
    },
    { name: "empty input", input: {}, expect: /^no run metadata/ },
    { name: "metadata is null", input: launcherInput(null), expect: /^run metadata is not a list but a null$/ },
    {
      name: "metadata is the token as a string, not a list",
      input: launcherInput(valid),
      expect: /^run metadata is not a list but a string$/,
    },
    {
      name: "metadata is an object",
      input: launcherInput({ token: valid }),
      expect: /^run metadata is not a list but a object$/,
    },
    { name: "empty metadata list", input: launcherInput([]), expect: /^run metadata is an empty list/ },
    {
      name: "entries that are not tokens",
      input: launcherInput(["deploy-metadata", 7, null, { jwt: valid }, [valid], `${valid}\n`]),
      expect: /^no signed token in run metadata$/,
    },
    {
      name: "a token-shaped entry that does not decode",
      input: launcherInput(["a.b.c"]),
      expect: /^metadata entry 0: not a decodable JWS$/,
    },
    {
      name: "only failing tokens, each reported",
      input: launcherInput([await token({ stack: "web-dev" }), await token({ commitSha: OTHER_COMMIT })]),
      expect: /^no valid signed token in run metadata \(2 checked\)$/,
    },

    // Bound claims.
    {
      name: "token for another stack",
      input: launcherInput([await token({ stack: "web-dev" })]),
      expect: /^metadata entry 0: token is for stack "web-dev", run is for stack "web-prod"$/,
    },
    {
      name: "token for another commit",
      input: launcherInput([await token({ commitSha: OTHER_COMMIT })]),
      expect: new RegExp(`^metadata entry 0: token is for commit "${OTHER_COMMIT}", run is for commit "${COMMIT}"$`),
    },
    {
      name: "run.commit.hash differs from commit_sha",
      input: launcherInput([valid], { commitHash: OTHER_COMMIT }),
      expect: new RegExp(`run is for commit "${OTHER_COMMIT}"`),
    },
    {
      name: "run.commit.hash alone, for another commit",
      input: launcherInput([valid], { commitSha: null, commitHash: OTHER_COMMIT }),
      expect: /token is for commit/,
    },
    {
      name: "run carries no commit",
      input: launcherInput([valid], { commitSha: null }),
      expect: /run has no commit to bind the token to/,
    },
    {
      name: "run's commit_sha is empty",
      input: launcherInput([valid], { commitSha: "" }),
      expect: /run has no commit to bind the token to/,
    },
    {
      name: "a token for the empty commit, on a run whose commit fields are both empty",
      input: launcherInput([handMadeToken(hsHeader, claims({ sub: "" }, now), hmac("sha256", HS_SECRET))], {
        commitSha: "",
        commitHash: "",
      }),
      expect: /run has no commit to bind the token to/,
    },
    {
      name: "a token whose sub is null, on a run whose commit_sha is null",
      input: withRunEnv(
        launcherInput([handMadeToken(hsHeader, claims({ sub: null }, now), hmac("sha256", HS_SECRET))]),
        {
          commit_sha: null,
        },
      ),
      expect: /run has no commit to bind the token to/,
    },
    {
      name: "PROPOSED token used for a TRACKED run",
      input: launcherInput([await token({ key: PROPOSED_KEY, runType: "PROPOSED" })]),
      expect: /^metadata entry 0: token is for run type "PROPOSED", run is "TRACKED"$/,
    },
    // Keys are bound to run types and stacks; GitHub decides which branch can read which key.
    {
      name: "problem 2: the proposed key signing a TRACKED token is denied",
      input: launcherInput([await token({ key: PROPOSED_KEY })]),
      expect: /^metadata entry 0: key "hs-proposed" may not sign run type "TRACKED"$/,
    },
    {
      name: "problem 2: the proposed key signing a TASK token is denied",
      input: launcherInput([await token({ key: PROPOSED_KEY, runType: "TASK" })], { runType: "TASK" }),
      expect: /^metadata entry 0: key "hs-proposed" may not sign run type "TASK"$/,
    },
    {
      name: "problem 2: the tracked key of staging signing for a main stack is denied",
      input: launcherInput([await token({ key: STAGING_KEY })]),
      expect: /^metadata entry 0: key "hs-staging" may not sign for stack "web-prod"$/,
    },
    {
      name: "a tracked key signing a PROPOSED token is denied",
      input: launcherInput([await token({ runType: "PROPOSED", branch: "feature/x" })], { runType: "PROPOSED" }),
      expect: /^metadata entry 0: key "hs-1" may not sign run type "PROPOSED"$/,
    },
    {
      name: "the tracked key of staging signing for its own stack is allowed",
      input: launcherInput([await token({ key: STAGING_KEY, stack: "web-staging", branch: "staging" })], {
        stack: "web-staging",
      }),
      expect: "allow",
    },
    {
      name: "TASK token used for a TRACKED run",
      input: launcherInput([await token({ runType: "TASK" })]),
      expect: /token is for run type "TASK"/,
    },

    // Problem 5: a TASK token binds the task's command.
    {
      name: "problem 5: a TASK token replayed for another command is denied",
      input: launcherInput([await token({ runType: "TASK" })], {
        runType: "TASK",
        command: "terraform destroy -auto-approve",
      }),
      expect: new RegExp(
        `^metadata entry 0: token is for a command with sha256 "${commandSha256(TASK_COMMAND)}", the run's command has sha256 "${commandSha256("terraform destroy -auto-approve")}"$`,
      ),
    },
    {
      name: "problem 5: a TASK run whose input has no command is denied",
      input: launcherInput([await token({ runType: "TASK" })], { runType: "TASK", command: null }),
      expect: /^metadata entry 0: the run is a TASK without a command to bind the token to$/,
    },
    {
      name: "problem 5: a TASK run with an empty command is denied",
      input: launcherInput([await token({ runType: "TASK" })], { runType: "TASK", command: "" }),
      expect: /^metadata entry 0: the run is a TASK without a command to bind the token to$/,
    },
    {
      name: "problem 5: a TASK token without command_sha256 is denied",
      input: launcherInput([handMadeToken(hsHeader, claims({ run_type: "TASK" }, now), hmac("sha256", HS_SECRET))], {
        runType: "TASK",
      }),
      expect:
        /^metadata entry 0: token is for a command with sha256 \(missing\), the run's command has sha256 "[0-9a-f]{64}"$/,
    },
    {
      name: "problem 5: a command_sha256 in the upper-case hex is denied",
      input: launcherInput(
        [
          handMadeToken(
            hsHeader,
            claims({ run_type: "TASK", command_sha256: commandSha256(TASK_COMMAND).toUpperCase() }, now),
            hmac("sha256", HS_SECRET),
          ),
        ],
        { runType: "TASK" },
      ),
      expect: /token is for a command with sha256/,
    },
    {
      name: "a TASK token hand-made with the command's sha256 is allowed",
      input: launcherInput(
        [
          handMadeToken(
            hsHeader,
            claims({ run_type: "TASK", command_sha256: commandSha256(TASK_COMMAND) }, now),
            hmac("sha256", HS_SECRET),
          ),
        ],
        { runType: "TASK" },
      ),
      expect: "allow",
    },
    {
      name: "a TRACKED token carrying command_sha256 is denied",
      input: launcherInput([
        handMadeToken(
          hsHeader,
          claims({ command_sha256: commandSha256(TASK_COMMAND) }, now),
          hmac("sha256", HS_SECRET),
        ),
      ]),
      expect: /^metadata entry 0: token has a command_sha256 claim, which only TASK tokens carry$/,
    },

    // Problem 4: what hostile metadata can cost is bounded.
    {
      name: "problem 4: an entry longer than 8192 characters is not taken for a token, even a validly signed one",
      input: launcherInput([
        handMadeToken(hsHeader, claims({ padding: "x".repeat(8200) }, now), hmac("sha256", HS_SECRET)),
      ]),
      expect: /^1 metadata entries longer than 8192 characters were not taken for tokens \(first: entry 0\)$/,
    },
    {
      name: "problem 4: more than 16 token-shaped entries are denied, the valid token among them too",
      input: launcherInput([
        ...Array.from({ length: 16 }, () => `${validHeader}.${tamperedPayload}.${validSignature}`),
        valid,
      ]),
      expect: /^run metadata holds 17 token-shaped entries; at most 16 are examined, so none was$/,
    },
    {
      name: "problem 4: more than 64 entries are denied without reading any, the valid token among them too",
      input: launcherInput([...Array.from({ length: 64 }, (_, n) => `note ${n}`), valid]),
      expect: /^run metadata holds 65 entries; at most 64 are read, so none was$/,
    },
    {
      name: "64 entries are read, and the valid one among them allows the run",
      input: launcherInput([...Array.from({ length: 63 }, (_, n) => `note ${n}`), valid]),
      expect: "allow",
    },
    {
      name: "16 token-shaped entries are examined, and the valid one among them allows the run",
      input: launcherInput([
        ...Array.from({ length: 15 }, () => `${validHeader}.${tamperedPayload}.${validSignature}`),
        valid,
      ]),
      expect: "allow",
    },
    {
      name: "problem 4: an unverified kid is cut to 128 characters in the message",
      input: launcherInput([
        handMadeToken({ alg: "HS256", kid: "k".repeat(5000), typ: "JWT" }, claims({}, now), hmac("sha256", HS_SECRET)),
      ]),
      expect: new RegExp(`^metadata entry 0: token signed by unknown key "${"k".repeat(124)}\\.\\.\\.$`),
    },
    {
      name: "problem 4: an unverified alg is cut to 128 characters in the message",
      input: launcherInput([
        handMadeToken({ ...hsHeader, alg: "A".repeat(5000) }, claims({}, now), hmac("sha256", HS_SECRET)),
      ]),
      expect: new RegExp(
        `^metadata entry 0: token alg "${"A".repeat(124)}\\.\\.\\. does not match key "hs-1", which is pinned to HS256$`,
      ),
    },
    {
      name: "problem 4: a signed claim is cut to 128 characters in the message",
      input: launcherInput([await token({ stack: "web-dev" })], { stack: "s".repeat(3000) }),
      expect: new RegExp(
        `^metadata entry 0: token is for stack "web-dev", run is for stack "${"s".repeat(124)}\\.\\.\\.$`,
      ),
    },
    {
      name: "run environment without a run type",
      input: (() => {
        const i = launcherInput([valid]);
        delete i.static_run_environment!.run_type;
        return i;
      })(),
      expect: /run is \(missing\)/,
    },
    {
      name: "run environment without a stack",
      input: (() => {
        const i = launcherInput([valid]);
        delete i.static_run_environment!.stack_slug;
        return i;
      })(),
      expect: /run is for stack \(missing\)/,
    },
    {
      name: "wrong issuer",
      input: launcherInput([await token({ issuer: "gitlab-ci" })]),
      expect: /^metadata entry 0: token issuer "gitlab-ci" is not "github-actions"$/,
    },
    {
      // io.jwt.decode_verify's iss constraint panics on a non-string iss, so the policy compares the issuer itself.
      name: "numeric iss in a signed token",
      input: launcherInput([handMadeToken(hsHeader, claims({ iss: 123 }, now), hmac("sha256", HS_SECRET))]),
      expect: /^metadata entry 0: token issuer 123 is not "github-actions"$/,
    },

    // Time.
    {
      name: "expired token",
      input: launcherInput([await token({ now: now - 700, lifetimeSeconds: 600 })]),
      expect: /token is expired or not yet valid/,
    },
    {
      name: "token not yet valid (nbf in the future)",
      input: launcherInput([
        handMadeToken(hsHeader, claims({ nbf: now + 600, exp: now + 1200 }, now), hmac("sha256", HS_SECRET)),
      ]),
      expect: /token is expired or not yet valid/,
    },
    {
      name: "token with no exp",
      input: launcherInput([handMadeToken(hsHeader, claims({ exp: undefined }, now), hmac("sha256", HS_SECRET))]),
      expect: /token has no numeric exp claim/,
    },
    {
      name: "token with no nbf",
      input: launcherInput([handMadeToken(hsHeader, claims({ nbf: undefined }, now), hmac("sha256", HS_SECRET))]),
      expect: /token has no numeric nbf claim/,
    },
    {
      name: "token with a string exp",
      input: launcherInput([
        handMadeToken(hsHeader, claims({ exp: String(now + 600) }, now), hmac("sha256", HS_SECRET)),
      ]),
      expect: /token has no numeric exp claim/,
    },
    {
      name: "lifetime above the maximum",
      input: launcherInput([await token({ lifetimeSeconds: 3601 })]),
      expect: /^metadata entry 0: token lifetime 3601 s \(exp - nbf\) exceeds the maximum 3600 s$/,
    },
    {
      name: "lifetime stretched by an early nbf",
      input: launcherInput([
        handMadeToken(hsHeader, claims({ nbf: now - 86400, exp: now + 60 }, now), hmac("sha256", HS_SECRET)),
      ]),
      expect: /token lifetime 86460 s/,
    },

    // Keys and algorithms.
    {
      name: "wrong secret",
      input: launcherInput([await token({ key: { kid: "hs-1", algorithm: "HS256", secret: OTHER_HS_SECRET } })]),
      expect: /^metadata entry 0: token signature does not verify under key "hs-1"$/,
    },
    {
      name: "unknown kid",
      input: launcherInput([await token({ key: { kid: "hs-9", algorithm: "HS256", secret: HS_SECRET } })]),
      expect: /^metadata entry 0: token signed by unknown key "hs-9"$/,
    },
    {
      name: "no kid",
      input: launcherInput([handMadeToken({ alg: "HS256", typ: "JWT" }, claims({}, now), hmac("sha256", HS_SECRET))]),
      expect: /^metadata entry 0: token header has no kid$/,
    },
    {
      name: "key not allowed for this stack",
      input: launcherInput([await token({ key: { kid: "hs-other", algorithm: "HS256", secret: OTHER_HS_SECRET } })]),
      expect: /^metadata entry 0: key "hs-other" may not sign for stack "web-prod"$/,
    },
    {
      name: "ES256 key not allowed for this stack",
      input: launcherInput([await token({ key: ES_SIGNING_KEY })]),
      expect: /key "es-1" may not sign for stack "web-prod"/,
    },
    {
      name: "alg none",
      input: launcherInput([handMadeToken({ alg: "none", kid: "hs-1", typ: "JWT" }, claims({}, now), () => "")]),
      expect: /token alg "none" does not match key "hs-1", which is pinned to HS256/,
    },
    {
      name: "no alg in the header",
      input: launcherInput([handMadeToken({ kid: "hs-1", typ: "JWT" }, claims({}, now), hmac("sha256", HS_SECRET))]),
      expect: /token alg \(missing\) does not match key "hs-1"/,
    },
    {
      name: "ES256 token carrying its own jwk, signed by that key",
      input: launcherInput(
        [handMadeToken({ ...esHeader, jwk: OTHER_ES_KEY.publicJwk }, esClaims, es256(otherEsKeyObject))],
        payments,
      ),
      expect: /token signature does not verify under key "es-1"/,
    },
    {
      name: "HS512 with the right secret",
      input: launcherInput([handMadeToken({ ...hsHeader, alg: "HS512" }, claims({}, now), hmac("sha512", HS_SECRET))]),
      expect: /token alg "HS512" does not match key "hs-1"/,
    },
    {
      name: "HS256 keyed with the ES256 public PEM (algorithm confusion)",
      input: launcherInput(
        [handMadeToken({ ...esHeader, alg: "HS256" }, esClaims, hmac("sha256", ES_KEY.publicKeyPem))],
        payments,
      ),
      expect: /token alg "HS256" does not match key "es-1", which is pinned to ES256/,
    },
    {
      name: "ES256 signature from another key",
      input: launcherInput([handMadeToken(esHeader, esClaims, es256(otherEsKeyObject))], payments),
      expect: /token signature does not verify under key "es-1"/,
    },
    {
      name: "DER-encoded ES256 signature",
      input: launcherInput([handMadeToken(esHeader, esClaims, es256Der(esKeyObject))], payments),
      expect: /token signature does not verify under key "es-1"/,
    },
    {
      name: "hand-made ES256 token with a raw signature (control)",
      input: launcherInput([handMadeToken(esHeader, esClaims, es256(esKeyObject))], payments),
      expect: "allow",
    },
    {
      name: "tampered payload",
      input: launcherInput([`${validHeader}.${tamperedPayload}.${validSignature}`], { stack: "web-dev" }),
      expect: /token signature does not verify under key "hs-1"/,
    },
    {
      name: "signature stripped",
      input: launcherInput([`${validHeader}.${valid.split(".")[1]}.`]),
      expect: /token signature does not verify under key "hs-1"/,
    },
    // Header parameters that change how a token is read, and an aud claim: run tokens use none of them.
    {
      name: "nested token (cty JWT) wrapping a valid token, both layers signed by the same key",
      input: launcherInput([handMadeTokenWithBody({ ...hsHeader, cty: "JWT" }, valid, hmac("sha256", HS_SECRET))]),
      expect: /^metadata entry 0: token header has cty, which run tokens never use$/,
    },
    {
      name: "critical header extension (crit)",
      input: launcherInput([
        handMadeToken({ ...hsHeader, crit: ["exp-x"], "exp-x": 1 }, claims({}, now), hmac("sha256", HS_SECRET)),
      ]),
      expect: /^metadata entry 0: token header has crit, which run tokens never use$/,
    },
    {
      name: "unencoded payload (b64 false, RFC 7797)",
      input: launcherInput([
        handMadeToken({ ...hsHeader, b64: false, crit: ["b64"] }, claims({}, now), hmac("sha256", HS_SECRET)),
      ]),
      expect: /^metadata entry 0: token header has b64, crit, which run tokens never use$/,
    },
    // OPA's base64url decoding accepts "=" padding and skips line breaks, so without the token
    // shape such a token would verify in the policy while verifyRunToken (and the shape) refuse it.
    {
      name: "a token with base64 padding, signed by the trusted key",
      input: launcherInput([
        (() => {
          const padded = (value: unknown) =>
            Buffer.from(JSON.stringify(value)).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
          const signingInput = `${padded({ ...hsHeader, pad: "x" })}.${padded(claims({}, now))}`;
          if (!signingInput.includes("=")) throw new Error("the case needs a padded segment");
          return `${signingInput}.${hmac("sha256", HS_SECRET)(signingInput).toString("base64url")}`;
        })(),
      ]),
      expect: /^no signed token in run metadata$/,
    },
    {
      name: "a token with a line break in it, signed by the trusted key",
      input: launcherInput([
        (() => {
          // Line breaks are skipped only where no padding is needed: a header of a multiple of 3 bytes, 4 breaks.
          let header = JSON.stringify(hsHeader);
          for (let pad = ""; Buffer.byteLength(header) % 3 !== 0; pad += "x")
            header = JSON.stringify({ ...hsHeader, pad });
          const signingInput = `${b64url(header)}\n\n\n\n.${b64url(JSON.stringify(claims({}, now)))}`;
          return `${signingInput}.${hmac("sha256", HS_SECRET)(signingInput).toString("base64url")}`;
        })(),
      ]),
      expect: /^no signed token in run metadata$/,
    },
    {
      // io.jwt.decode panics on a non-string cty, and anyone who can attach metadata can send one:
      // the policy reads the header itself and never hands such a token to a JWT built-in.
      name: "numeric cty in an unsigned token",
      input: launcherInput([handMadeToken({ ...hsHeader, cty: 5 }, claims({}, now), () => "")]),
      expect: /^metadata entry 0: token header has cty, which run tokens never use$/,
    },
    {
      name: "a cty token beside a valid token does not stop the valid one",
      input: launcherInput([
        handMadeTokenWithBody({ ...hsHeader, cty: "JWT" }, valid, hmac("sha256", HS_SECRET)),
        valid,
      ]),
      expect: "allow",
    },
    {
      name: "token with an aud claim",
      input: launcherInput([handMadeToken(hsHeader, claims({ aud: "spacelift" }, now), hmac("sha256", HS_SECRET))]),
      expect: /^metadata entry 0: token has an aud claim, which run tokens never carry$/,
    },
    {
      name: "reference implementation's token (no kid, run_type or branch)",
      input: launcherInput([
        handMadeToken(
          { alg: "HS256", typ: "JWT" },
          { iss: "github-actions", iat: now, exp: now + 600, sub: COMMIT, spacelift_stack: "web-prod" },
          hmac("sha256", HS_SECRET),
        ),
      ]),
      expect: /token header has no kid/,
    },
    {
      name: "reference-format claims under a trusted kid (no run_type, branch or nbf)",
      input: launcherInput([
        handMadeToken(
          hsHeader,
          { iss: "github-actions", iat: now, exp: now + 600, sub: COMMIT, spacelift_stack: "web-prod" },
          hmac("sha256", HS_SECRET),
        ),
      ]),
      expect: /token is for run type \(missing\), run is "TRACKED"/,
    },
  ];
}
