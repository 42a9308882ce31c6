/**
 * The options of the two renderers: `renderInitializationPolicy` (trusted keys,
 * grants, token rules) and `renderWorkflows` (stacks, signing keys, Spacelift
 * account). The interfaces in initializationPolicy.ts and workflowOptions.ts
 * carry the TSDoc; typeChecks.ts proves they and these schemas agree.
 */
import { createPublicKey } from "node:crypto";
import { z } from "zod";
import { quoteValue } from "./inputError";
import { RUN_TYPES, type RunType } from "../runToken/contract";
import { PINNED_SPACECTL_LINUX_AMD64_SHA256, PINNED_SPACECTL_VERSION } from "../workflow/spacectlRelease";
import * as p from "./primitives";
import { says } from "./problems";
import { ALWAYS, grantRules, grantsOf, policyKeyRules, uniqueStackIds, uniqueValuesOf, workflowRules } from "./rules";
import { choice, flag, list, oneOf, strict, text, type Verdict } from "./shapes";

/** The smallest HS256 secret accepted: the size of the HMAC-SHA256 output (RFC 7518 section 3.2). */
export const MIN_HS256_SECRET_BYTES = 32;
// OPA 0.70's formatter re-quotes strings Go-style, which breaks on control
// characters; printable ASCII reads the same on every OPA line.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const SECRET_FIX = `use a random secret of at least ${MIN_HS256_SECRET_BYTES} bytes, e.g. the output of \`openssl rand -base64 48\``;
/** An HS256 secret: never quoted, whatever is wrong with it. */
const hmacSecret = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? says("is missing", SECRET_FIX)
        : says("is not a string (value not shown)", SECRET_FIX),
  })
  .superRefine((secret, ctx) => {
    if (Buffer.byteLength(secret, "utf8") < MIN_HS256_SECRET_BYTES)
      ctx.addIssue({
        code: "custom",
        message: says(`is shorter than ${MIN_HS256_SECRET_BYTES} bytes (value not shown)`, SECRET_FIX),
        input: undefined,
      });
    else if (!PRINTABLE_ASCII.test(secret))
      ctx.addIssue({
        code: "custom",
        message: says(
          "contains characters outside printable ASCII (value not shown)",
          "use a secret of printable ASCII characters, e.g. the output of `openssl rand -base64 48`",
        ),
        input: undefined,
      });
  });

const PEM_FIX =
  "give the SPKI PEM of a P-256 (prime256v1) public key, starting with -----BEGIN PUBLIC KEY----- (e.g. `openssl ec -in key.pem -pubout`)";
/** What is wrong with an ES256 public key, or nothing. The value is never quoted: a private key pasted here by mistake must not leak. */
export function publicKeyProblem(pem: string): Verdict | undefined {
  if (/PRIVATE KEY/.test(pem))
    return ["holds a private key (value not shown); the launcher must only ever get the public key", PEM_FIX];
  if (!pem.includes("-----BEGIN PUBLIC KEY-----")) return ["is not a PEM public key (value not shown)", PEM_FIX];
  let key;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch {
    return ["does not parse as a PEM public key (value not shown)", PEM_FIX];
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return [`is a ${key.asymmetricKeyType}${curve ? ` ${curve}` : ""} key, not a P-256 (prime256v1) EC key`, PEM_FIX];
  }
  return undefined;
}
/** The SPKI PEM re-encoded, so the policy's text does not depend on line endings. Call on a value the schema accepted. */
export function normalisePublicKeyPem(pem: string): string {
  return String(createPublicKey({ key: pem, format: "pem" }).export({ type: "spki", format: "pem" }));
}
const publicKeyPem = z
  .string({
    error: (issue) =>
      issue.input === undefined ? says("is missing", PEM_FIX) : says("is not a string (value not shown)", PEM_FIX),
  })
  .superRefine((pem, ctx) => {
    const verdict = publicKeyProblem(pem);
    if (verdict !== undefined) ctx.addIssue({ code: "custom", message: says(...verdict), input: undefined });
  });

const keyStacks = list(p.stackId, {
  missing: "list the ids of the stacks this key may sign runs for",
  empty: ["is an empty list", "list the ids of the stacks this key may sign runs for"],
}).superRefine(uniqueValuesOf("stack"), ALWAYS);

const RUN_TYPES_FIX = `give the run types this key may sign, e.g. runTypes: ["PROPOSED"] for a key every branch can read, runTypes: ["TRACKED", "TASK"] for a key only the tracked branch can read (one of ${RUN_TYPES.join(", ")} each)`;
const runTypes = z
  .array(
    oneOf(RUN_TYPES as readonly [RunType, ...RunType[]], {
      missing: RUN_TYPES_FIX,
      invalid: (v) => [`${quoteValue(v)} is not a run type`, RUN_TYPES_FIX],
    }),
    {
      error: (issue) =>
        issue.input === undefined
          ? says("is missing (keys now carry the run types they may sign)", RUN_TYPES_FIX)
          : says(`${quoteValue(issue.input)} is not a list`, RUN_TYPES_FIX),
    },
  )
  .min(1, { error: () => says("is an empty list", RUN_TYPES_FIX) })
  .superRefine(uniqueValuesOf("run type"), ALWAYS);

const ALGORITHM_FIX = 'use "HS256" (shared secret) or "ES256" (P-256 key pair; the launcher holds only the public key)';
const keyAlgorithm = <A extends "HS256" | "ES256">(algorithm: A) =>
  oneOf([algorithm], {
    missing: ALGORITHM_FIX,
    invalid: (v) => [`${quoteValue(v)} is not a supported algorithm`, ALGORITHM_FIX],
  });

const KEY_EXAMPLE = "{ kid, algorithm, secret | publicKeyPem, stacks, runTypes }";
/** A key the initialization policy trusts, told apart by `algorithm` (by its material when the algorithm is wrong). */
export const trustedKey = choice(
  [
    strict(
      { kid: p.keyId, algorithm: keyAlgorithm("HS256"), secret: hmacSecret, stacks: keyStacks, runTypes },
      KEY_EXAMPLE,
    ),
    strict({ kid: p.keyId, algorithm: keyAlgorithm("ES256"), publicKeyPem, stacks: keyStacks, runTypes }, KEY_EXAMPLE),
  ],
  (key) =>
    key.algorithm === "ES256" ||
    (key.algorithm !== "HS256" && key.publicKeyPem !== undefined && key.secret === undefined)
      ? 1
      : 0,
  () => says("is not an object", `give ${KEY_EXAMPLE}`),
);

/** A key's secret or normalised public key, or undefined when its schema refuses it. */
function keyMaterial(key: Record<string, unknown>): string | undefined {
  if (key.algorithm === "HS256" && typeof key.secret === "string") return `HS256\n${key.secret}`;
  if (
    key.algorithm === "ES256" &&
    typeof key.publicKeyPem === "string" &&
    publicKeyProblem(key.publicKeyPem) === undefined
  )
    return `ES256\n${normalisePublicKeyPem(key.publicKeyPem)}`;
  return undefined;
}

const GRANT_FIX =
  'give a list of { repository: "owner/name", stacks: [...], trustedKeys: [...] }, one per repository, each stack in one grant only';
export const policyGrant = strict(
  {
    repository: p.githubRepositoryPath,
    stacks: list(p.stackId, {
      missing: "list the stack ids this repository may sign runs for",
      empty: ["is an empty list", "list the stack ids this repository may sign runs for"],
    }).superRefine(uniqueValuesOf("stack"), ALWAYS),
    trustedKeys: list(trustedKey, {
      missing: "pass the repository's keys, e.g. repository.trustedKeys",
      empty: ["is an empty list", "pass the repository's keys, e.g. repository.trustedKeys"],
    }),
  },
  '{ repository: "owner/name", stacks: [...], trustedKeys: [...] }',
);

const KEYS_FIX =
  'list at least one key: { kid, algorithm: "ES256", publicKeyPem, stacks, runTypes } or { kid, algorithm: "HS256", secret, stacks, runTypes }, in trustedKeys or in a grant of repositories';
/** `renderInitializationPolicy`'s options. */
export const initializationPolicyOptions = strict(
  {
    repositories: list(policyGrant, { missing: GRANT_FIX, of: "grants" }).optional(),
    trustedKeys: list(trustedKey, { missing: KEYS_FIX }).optional(),
    maxTokenLifetimeSeconds: p.tokenLifetime.optional(),
    issuer: p.issuer.optional(),
    sample: flag("sample").optional(),
    acknowledgeSampleLogsSecret: flag("acknowledgeSampleLogsSecret").optional(),
  },
  "{ repositories: [{ repository, stacks, trustedKeys }] } or { trustedKeys: [...] }",
)
  .superRefine(
    (options, ctx) =>
      grantRules(grantsOf((options as { repositories?: unknown } | undefined)?.repositories, "repositories"), ctx),
    ALWAYS,
  )
  .superRefine(policyKeyRules(KEYS_FIX, keyMaterial), ALWAYS);

// ---- renderWorkflows ----

// What a deployment branch policy (Ruby's File.fnmatch) or a push filter reads as a pattern.
const BRANCH_FIX =
  "use the stack's tracked branch name as git shows it, e.g. \"main\" or \"release/1.x\" (letters, digits, '.', '_', '/', '+', '-')";
/**
 * A tracked branch as the workflow writes it: plain text that needs no quoting
 * anywhere (and never forms a `${{`), a valid git branch, no glob character.
 */
export const workflowBranch = text({
  missing: 'give the tracked branch, e.g. "main"',
  invalid: (v) => [`${quoteValue(v)} is not a branch name this workflow can track`, BRANCH_FIX],
  rule: (branch) => {
    if (p.GLOB_CHARACTERS.test(branch)) {
      return [
        `${quoteValue(branch)} has a glob character (*, ?, [, ], {, }, !), which a deployment branch policy reads as a pattern`,
        "track a branch whose name has none, so its environment admits exactly that branch",
      ];
    }
    if (!/^[A-Za-z0-9._/+-]+$/.test(branch))
      return [`${quoteValue(branch)} is not a branch name this workflow can track`, BRANCH_FIX];
    const segments = branch.split("/");
    const invalid =
      branch.startsWith("refs/") ||
      branch.startsWith("-") ||
      branch.includes("..") ||
      branch.endsWith(".") ||
      segments.some((s) => s === "" || s.startsWith(".") || s.endsWith(".lock"));
    return invalid
      ? [
          `${quoteValue(branch)} is not a valid git branch name`,
          `${BRANCH_FIX}; give the short name, not refs/heads/...`,
        ]
      : undefined;
  },
});

// Only what both GitHub's path filters and Spacelift's doublestar globs read the same way:
// literal characters, '*' (within a segment) and '**' (a whole segment).
const PATH_CHARACTERS = /^[A-Za-z0-9._/*@=,-]+$/;
const ROOT_FIX =
  "use a relative path without '..', '.', '//', wildcards or a leading '/', e.g. \"network\" or \"stacks/prod\"; \"\" means the whole repository";
/** A project root; trailing slashes are dropped when the workflow is resolved, and "" is the whole repository. */
export const workflowProjectRoot = text({
  missing: ROOT_FIX,
  invalid: (v) => [
    `${quoteValue(v)} is not a path`,
    'use a repository-relative directory such as "network", or "" for the whole repository',
  ],
  rule: (root) => {
    const trimmed = root.replace(/\/+$/, "");
    if (trimmed === "") return undefined;
    const bad =
      !PATH_CHARACTERS.test(trimmed) ||
      trimmed.includes("*") ||
      trimmed.startsWith("/") ||
      trimmed.split("/").some((s) => s === "" || s === "." || s === "..");
    return bad ? [`${quoteValue(root)} is not a repository-relative directory`, ROOT_FIX] : undefined;
  },
});

const GLOB_FIX =
  "use a repository-relative glob of letters, digits, '.', '_', '-', '/', '*' within a name and '**' as a whole path segment, e.g. \"modules/**\" or \"shared/*.tf\"";
export const workflowGlob = text({
  missing: GLOB_FIX,
  invalid: (v) => [`${quoteValue(v)} is not a project glob this workflow can use`, GLOB_FIX],
  pattern: PATH_CHARACTERS,
  rule: (glob) =>
    glob.startsWith("/") ||
    glob.includes("***") ||
    glob.split("/").some((s) => s === "" || s === "." || s === ".." || (s.includes("**") && s !== "**"))
      ? [`${quoteValue(glob)} is not a sane project glob`, GLOB_FIX]
      : undefined,
});

const workflowStack = strict(
  {
    id: p.stackId,
    branch: workflowBranch.optional(),
    projectRoot: workflowProjectRoot.optional(),
    additionalProjectGlobs: list(workflowGlob, { missing: 'pass a list of globs, e.g. ["modules/**"]' })
      .superRefine(uniqueValuesOf("glob"), ALWAYS)
      .optional(),
  },
  '{ id: "stack-slug", branch?, projectRoot?, additionalProjectGlobs? }',
);

// GitHub documents only "not case sensitive, at most 255 characters"; the name is also written
// into the workflow as plain text, so it is kept to an alphabet that needs no quoting.
export const environmentName = text({
  missing: 'give the GitHub environment, e.g. "spacelift-main"',
  invalid: (v) => [
    `${quoteValue(v)} is not a GitHub environment name this workflow can use`,
    "use 1 to 255 letters, digits, '.', '_', '/' or '-', starting with a letter or digit, e.g. \"spacelift-main\"",
  ],
  pattern: /^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/,
});

const SIGNING_SHAPE =
  "pass signing: { algorithm, proposed: { kid, secretName }, tracked: [{ branch, environment, kid, secretName }] }";
const TRACKED_EXAMPLE = '[{ branch: "main", environment: "spacelift-main", kid: "…", secretName: "…" }]';
const workflowSigning = choice(
  [
    strict(
      {
        algorithm: p.signingAlgorithm,
        proposed: strict({ kid: p.keyId, secretName: p.githubSecretName }, "{ kid, secretName }"),
        tracked: list(
          strict(
            { branch: workflowBranch, environment: environmentName, kid: p.keyId, secretName: p.githubSecretName },
            "{ branch, environment, kid, secretName }",
          ),
          {
            missing: `pass one entry per tracked branch, e.g. ${TRACKED_EXAMPLE}`,
            of: "tracked keys",
          },
        ),
      },
      "{ algorithm, proposed, tracked }",
    ),
  ],
  (signing) =>
    signing.proposed === undefined && (signing.kid !== undefined || signing.secretName !== undefined)
      ? [
          "has the old shape { algorithm, kid, secretName }: one key for every run type lets any branch sign a TRACKED run",
          `${SIGNING_SHAPE}; the tracked keys live in environment secrets of GitHub environments that admit only their branch`,
        ]
      : 0,
  (value) =>
    value === undefined
      ? says("is missing", SIGNING_SHAPE)
      : says(`${quoteValue(value)} is not an object`, SIGNING_SHAPE),
);

const AUTH_FIX = 'pass spacelift.auth: { type: "apiKey" } or { type: "oidc", apiKeyId: "<the OIDC API key id>" }';
const authType = <T extends "apiKey" | "oidc">(type: T) =>
  oneOf([type], { missing: AUTH_FIX, invalid: (v) => [`${quoteValue(v)} is not an authentication mode`, AUTH_FIX] });
const spaceliftAuth = choice(
  [
    strict({ type: authType("apiKey") }, '{ type: "apiKey" }'),
    strict(
      {
        type: authType("oidc"),
        apiKeyId: text({
          missing: "pass the id of the Spacelift OIDC API key (its ULID, shown in Spacelift's API keys list)",
          invalid: (v) => [
            `${quoteValue(v)} is not a Spacelift API key id`,
            "pass the id of the Spacelift OIDC API key (its ULID, shown in Spacelift's API keys list)",
          ],
          pattern: /^[A-Za-z0-9_-]{1,100}$/,
        }),
        // Written into the workflow as plain text, so a narrower alphabet than an audience may have.
        audience: text({
          missing: "use the OIDC API key's client id (audience)",
          invalid: (v) => [
            `${quoteValue(v)} is not an OIDC audience this workflow can request`,
            "use the OIDC API key's client id (audience): letters, digits, '.', '_', ':', '/', '-'",
          ],
          pattern: /^[A-Za-z0-9._:/-]{1,200}$/,
        }).optional(),
      },
      '{ type: "oidc", apiKeyId, audience? }',
    ),
  ],
  (auth) => (auth.type === "oidc" ? 1 : 0),
  (value) => says(`${quoteValue(value)} is not an authentication mode`, AUTH_FIX),
);

/** `renderWorkflows`' options. */
export const workflowOptions = strict(
  {
    stacks: list(workflowStack, {
      missing: 'pass at least one stack, e.g. stacks: [{ id: "net-prod" }]',
      empty: ["is an empty list of stacks", 'pass at least one stack, e.g. stacks: [{ id: "net-prod" }]'],
    }).superRefine(uniqueStackIds, ALWAYS),
    signing: workflowSigning,
    spacelift: strict({ endpoint: p.spaceliftEndpoint, auth: spaceliftAuth }, "{ endpoint, auth }"),
    maxTokenLifetimeSeconds: p.tokenLifetime.optional(),
    spacectlVersion: text({
      missing: 'use MAJOR.MINOR.PATCH without a leading "v"',
      invalid: (v) => [
        `${quoteValue(v)} is not a spacectl release version`,
        'use MAJOR.MINOR.PATCH without a leading "v", e.g. "1.22.0"',
      ],
      pattern: /^\d+\.\d+\.\d+$/,
    }).optional(),
    spacectlSha256: text({
      missing: "give the 64 lowercase hex digits from the release's SHA256SUMS",
      invalid: (v) => [
        `${quoteValue(v)} is not a SHA-256 digest`,
        "use the 64 lowercase hex digits of spacectl_<version>_linux_amd64.zip from the release's SHA256SUMS",
      ],
      pattern: /^[0-9a-f]{64}$/,
    }).optional(),
  },
  "{ stacks, signing, spacelift }",
).superRefine(
  workflowRules(
    { branch: workflowBranch, environment: environmentName },
    { version: PINNED_SPACECTL_VERSION, sha256: PINNED_SPACECTL_LINUX_AMD64_SHA256 },
  ),
  ALWAYS,
);
