import { SignedRunsInputError, quoteValue } from "../inputError";
import { assertKeyId, assertStackId, assertUnique } from "../identifiers";
import {
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  MIN_TOKEN_LIFETIME_SECONDS,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
} from "../runTokenContract";
import { PINNED_SPACECTL_LINUX_AMD64_SHA256, PINNED_SPACECTL_VERSION } from "./spacectlRelease";

/** One stack the renderer writes a workflow file for. */
export interface WorkflowStack {
  /** The stack id (slug): lowercase letters, digits, `-`, `_`, at most 100 characters; unique among the stacks. */
  id: string;
  /** The stack's tracked branch; a push there makes a TRACKED run, anywhere else a PROPOSED one. Default "main". */
  branch?: string;
  /** The stack's project root in the repository; "" or undefined means the whole repository. */
  projectRoot?: string;
  /** More paths (GitHub `on.push.paths` globs, relative, no `..`) whose changes also trigger the stack. Default: none. */
  additionalProjectGlobs?: string[];
}

/** How the workflow authenticates spacectl to Spacelift. */
export type SpaceliftAuth =
  | {
      /** A secret API key, read from the `SPACELIFT_API_KEY_ID` and `SPACELIFT_API_KEY_SECRET` GitHub secrets. */
      type: "apiKey";
    }
  | {
      /** An OIDC API key: the job exchanges its GitHub OIDC token, so GitHub stores no Spacelift credential. */
      type: "oidc";
      /** The OIDC API key's id, written into the workflow as plain text. */
      apiKeyId: string;
      /** The audience of the GitHub OIDC token. Default: the endpoint's host. */
      audience?: string;
    };

/**
 * Which key signs which run type, and where the workflow reads it.
 *
 * The proposed key sits in a repository Actions secret, which a job on any
 * branch can read; the policy must trust it for PROPOSED only. Each tracked key
 * sits in an environment secret of a GitHub environment whose deployment branch
 * policy admits exactly its branch, so only a job GitHub lets into that
 * environment (one on that branch) can read it. The renderer takes every name as
 * given and derives none.
 */
export interface WorkflowSigning {
  /** `HS256` or `ES256`, for every key. */
  algorithm: SigningAlgorithm;
  /** Signs PROPOSED runs of every stack; read from a repository Actions secret. */
  proposed: {
    /** The key's kid, written into each token's header. */
    kid: string;
    /** The repository Actions secret that holds the key. */
    secretName: string;
  };
  /**
   * One per distinct tracked branch among the stacks (no more, no fewer); read from an environment secret of
   * `environment`. Branch names with glob characters are refused; environment names are compared ignoring case
   * (as GitHub does) and must differ between entries; at most 255 characters.
   */
  tracked: Array<{
    /** The tracked branch, compared exactly. */
    branch: string;
    /** The GitHub environment the tracked job names. */
    environment: string;
    /** The key's kid, written into each token's header. */
    kid: string;
    /** The environment secret that holds the key. */
    secretName: string;
  }>;
}

/** What `renderWorkflows` needs: the stacks, the keys, and the Spacelift account. */
export interface WorkflowOptions {
  /** One workflow file each; at least one, ids unique. */
  stacks: WorkflowStack[];
  /** Which key signs which run type. */
  signing: WorkflowSigning;
  /** The Spacelift account. */
  spacelift: {
    /** The account URL, e.g. "https://acme.app.spacelift.io" (https, a host, no path); plain text in the workflow. */
    endpoint: string;
    /** How spacectl authenticates. */
    auth: SpaceliftAuth;
  };
  /** The lifetime of the tokens the workflow signs, in seconds. Default 3600; 60 to 86400. */
  maxTokenLifetimeSeconds?: number;
  /** Default PINNED_SPACECTL_VERSION. Another version needs `spacectlSha256`. */
  spacectlVersion?: string;
  /** SHA-256 of `spacectl_<version>_linux_amd64.zip`, from the release's SHA256SUMS. Required with a non-default `spacectlVersion`. */
  spacectlSha256?: string;
}

/** The GitHub secrets the API-key mode reads; the signing key's secret must not collide with them. */
export const SPACELIFT_API_KEY_ID_SECRET = "SPACELIFT_API_KEY_ID";
export const SPACELIFT_API_KEY_SECRET_SECRET = "SPACELIFT_API_KEY_SECRET";

export interface ResolvedStack {
  id: string;
  branch: string;
  /** "" for the whole repository. */
  projectRoot: string;
  /** GitHub `on.push.paths` patterns; empty means every push concerns the stack. */
  pathFilters: string[];
}

export type ResolvedAuth = { type: "apiKey" } | { type: "oidc"; apiKeyId: string; audience: string };

/** Options after validation, with every default filled in. */
export interface ResolvedSigner {
  kid: string;
  secretName: string;
}

export interface ResolvedTrackedSigner extends ResolvedSigner {
  branch: string;
  environment: string;
}

export interface ResolvedWorkflowOptions {
  stacks: ResolvedStack[];
  algorithm: SigningAlgorithm;
  proposed: ResolvedSigner;
  /** By tracked branch. */
  tracked: Map<string, ResolvedTrackedSigner>;
  /** https://host[:port], no trailing slash. */
  endpoint: string;
  auth: ResolvedAuth;
  maxTokenLifetimeSeconds: number;
  spacectlVersion: string;
  spacectlSha256: string;
}

// GitHub secret names: letters, digits and '_', not starting with a digit, not GITHUB_-prefixed.
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Only what both GitHub's path filters and Spacelift's doublestar globs read the same way:
// literal characters, '*' (within a segment) and '**' (a whole segment).
const PATH_CHARACTERS = /^[A-Za-z0-9._/*@=,-]+$/;
// A tracked branch is written into the workflow as plain text, so it is kept to characters
// that need no quoting anywhere (and never form a `${{`).
const BRANCH_CHARACTERS = /^[A-Za-z0-9._/+-]+$/;
// What a deployment branch policy (Ruby's File.fnmatch) or a push filter reads as a pattern.
const GLOB_CHARACTERS = /[*?[\]{}!]/;
// GitHub documents only "not case sensitive, at most 255 characters"; the name is also written
// into the workflow as plain text, so it is kept to an alphabet that needs no quoting.
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/;
const VERSION = /^\d+\.\d+\.\d+$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const API_KEY_ID = /^[A-Za-z0-9_-]{1,100}$/;
const AUDIENCE = /^[A-Za-z0-9._:/-]{1,200}$/;

export function resolveWorkflowOptions(options: WorkflowOptions): ResolvedWorkflowOptions {
  if (options === null || typeof options !== "object") {
    throw new SignedRunsInputError("options", `${quoteValue(options)} is not an options object`, "pass { stacks, signing, spacelift }");
  }
  const stacks = resolveStacks(options.stacks);
  const signing = options.signing as Partial<WorkflowSigning> & { kid?: unknown; secretName?: unknown } | undefined;
  const shape = 'pass signing: { algorithm, proposed: { kid, secretName }, tracked: [{ branch, environment, kid, secretName }] }';
  if (!signing || typeof signing !== "object") {
    throw new SignedRunsInputError("signing", "is missing", shape);
  }
  if (signing.proposed === undefined && (signing.kid !== undefined || signing.secretName !== undefined)) {
    throw new SignedRunsInputError(
      "signing",
      "has the old shape { algorithm, kid, secretName }: one key for every run type lets any branch sign a TRACKED run",
      `${shape}; the tracked keys live in environment secrets of GitHub environments that admit only their branch`,
    );
  }
  if (!SIGNING_ALGORITHMS.includes(signing.algorithm as SigningAlgorithm)) {
    throw new SignedRunsInputError(
      "signing.algorithm",
      `${quoteValue(signing.algorithm)} is not a supported algorithm`,
      `use one of ${SIGNING_ALGORITHMS.join(", ")}`,
    );
  }
  const endpoint = resolveEndpoint(options.spacelift?.endpoint);
  const auth = resolveAuth(options.spacelift?.auth, endpoint);
  const proposed = resolveSigner("signing.proposed", signing.proposed, auth);
  const tracked = resolveTracked(signing.tracked, stacks, auth);
  assertSeparateKeys(proposed, tracked);
  const maxTokenLifetimeSeconds = resolveLifetime(options.maxTokenLifetimeSeconds);
  const { spacectlVersion, spacectlSha256 } = resolveSpacectl(options.spacectlVersion, options.spacectlSha256);
  return {
    stacks,
    algorithm: signing.algorithm as SigningAlgorithm,
    proposed,
    tracked,
    endpoint,
    auth,
    maxTokenLifetimeSeconds,
    spacectlVersion,
    spacectlSha256,
  };
}

function resolveSigner(field: string, signer: unknown, auth: ResolvedAuth): ResolvedSigner {
  if (signer === null || typeof signer !== "object") {
    throw new SignedRunsInputError(field, `${quoteValue(signer)} is not a signing key`, "pass { kid, secretName }");
  }
  const { kid, secretName } = signer as { kid?: unknown; secretName?: unknown };
  assertKeyId(`${field}.kid`, kid);
  assertSecretName(`${field}.secretName`, secretName, auth);
  return { kid, secretName };
}

/**
 * Every key is its own: the proposed key (readable on any branch) must not be a
 * tracked key, and two tracked branches must not share a kid, or a token one job
 * signs would pass for another's. Tracked keys may share a secret name: each
 * lives in its own environment. The proposed key's secret name must differ from
 * theirs, or a tracked job whose environment lacks the secret would read the
 * repository's proposed key under the same name.
 */
function assertSeparateKeys(proposed: ResolvedSigner, tracked: Map<string, ResolvedTrackedSigner>): void {
  const kids = new Map<string, string>([[proposed.kid, "signing.proposed"]]);
  [...tracked.values()].forEach((signer, index) => {
    const field = `signing.tracked[${index}]`;
    const other = kids.get(signer.kid);
    if (other !== undefined) {
      throw new SignedRunsInputError(`${field}.kid`, `${quoteValue(signer.kid)} is the kid of ${other} too`, "give every key its own kid: one proposed key and one tracked key per tracked branch");
    }
    kids.set(signer.kid, field);
    if (signer.secretName.toUpperCase() === proposed.secretName.toUpperCase()) {
      throw new SignedRunsInputError(
        `${field}.secretName`,
        `${quoteValue(signer.secretName)} is the proposed key's repository secret too`,
        "give the tracked keys an environment secret name of their own, e.g. SPACELIFT_RUN_SIGNING_KEY_TRACKED_1",
      );
    }
  });
}

/** One entry per distinct tracked branch of the stacks, no more and no fewer. */
function resolveTracked(tracked: unknown, stacks: ResolvedStack[], auth: ResolvedAuth): Map<string, ResolvedTrackedSigner> {
  const example = '[{ branch: "main", environment: "spacelift-main", kid: "…", secretName: "…" }]';
  if (!Array.isArray(tracked)) {
    throw new SignedRunsInputError("signing.tracked", `${quoteValue(tracked)} is not a list of tracked keys`, `pass one entry per tracked branch, e.g. ${example}`);
  }
  const byBranch = new Map<string, ResolvedTrackedSigner>();
  const environments = new Map<string, string>();
  const branches = new Set(stacks.map((stack) => stack.branch));
  tracked.forEach((entry: unknown, index) => {
    const field = `signing.tracked[${index}]`;
    if (entry === null || typeof entry !== "object") {
      throw new SignedRunsInputError(field, `${quoteValue(entry)} is not a tracked key`, "pass { branch, environment, kid, secretName }");
    }
    const { branch, environment } = entry as { branch?: unknown; environment?: unknown };
    const resolvedBranch = resolveBranch(`${field}.branch`, branch);
    const signer = resolveSigner(field, entry, auth);
    const resolvedEnvironment = resolveEnvironment(`${field}.environment`, environment);
    if (byBranch.has(resolvedBranch)) {
      throw new SignedRunsInputError(field, `is a second entry for branch ${quoteValue(resolvedBranch)}`, "give each tracked branch exactly one entry");
    }
    if (!branches.has(resolvedBranch)) {
      throw new SignedRunsInputError(
        `${field}.branch`,
        `${quoteValue(resolvedBranch)} is the tracked branch of no stack`,
        `remove the entry, or list only the stacks' tracked branches: ${quoteValue([...branches])}`,
      );
    }
    // GitHub compares environment names ignoring case: two entries in one environment would share their secrets.
    const folded = resolvedEnvironment.toLowerCase();
    const other = environments.get(folded);
    if (other !== undefined) {
      throw new SignedRunsInputError(
        `${field}.environment`,
        `${quoteValue(resolvedEnvironment)} is the environment of branch ${quoteValue(other)} too (GitHub ignores case in environment names)`,
        "give each tracked branch its own environment, so one branch's job can never read another branch's key",
      );
    }
    environments.set(folded, resolvedBranch);
    byBranch.set(resolvedBranch, { branch: resolvedBranch, environment: resolvedEnvironment, ...signer });
  });
  for (const stack of stacks) {
    if (!byBranch.has(stack.branch)) {
      throw new SignedRunsInputError(
        "signing.tracked",
        `has no entry for branch ${quoteValue(stack.branch)}, the tracked branch of stack ${quoteValue(stack.id)}`,
        `add { branch: ${quoteValue(stack.branch)}, environment, kid, secretName } for the key that signs its TRACKED runs`,
      );
    }
  }
  return byBranch;
}

function resolveEnvironment(field: string, environment: unknown): string {
  if (typeof environment !== "string" || !ENVIRONMENT_NAME.test(environment)) {
    throw new SignedRunsInputError(
      field,
      `${quoteValue(environment)} is not a GitHub environment name this workflow can use`,
      "use 1 to 255 letters, digits, '.', '_', '/' or '-', starting with a letter or digit, e.g. \"spacelift-main\"",
    );
  }
  return environment;
}

function resolveStacks(stacks: unknown): ResolvedStack[] {
  if (!Array.isArray(stacks) || stacks.length === 0) {
    throw new SignedRunsInputError("stacks", `${quoteValue(stacks)} is not a non-empty list of stacks`, 'pass at least one stack, e.g. stacks: [{ id: "net-prod" }]');
  }
  const resolved = stacks.map((stack: WorkflowStack, index) => {
    const field = `stacks[${index}]`;
    if (stack === null || typeof stack !== "object") {
      throw new SignedRunsInputError(field, `${quoteValue(stack)} is not a stack`, 'pass { id: "stack-slug", branch?, projectRoot?, additionalProjectGlobs? }');
    }
    assertStackId(`${field}.id`, stack.id);
    const branch = resolveBranch(`${field}.branch`, stack.branch ?? "main");
    const projectRoot = resolveProjectRoot(`${field}.projectRoot`, stack.projectRoot ?? "");
    const globs = stack.additionalProjectGlobs ?? [];
    if (!Array.isArray(globs)) {
      throw new SignedRunsInputError(`${field}.additionalProjectGlobs`, `${quoteValue(globs)} is not a list`, 'pass a list of globs, e.g. ["modules/**"]');
    }
    globs.forEach((glob, globIndex) => assertProjectGlob(`${field}.additionalProjectGlobs[${globIndex}]`, glob));
    assertUnique(`${field}.additionalProjectGlobs`, globs, "glob");
    // The whole repository is the project: every push concerns the stack, globs add nothing.
    const pathFilters = projectRoot === "" ? [] : [`${projectRoot}/**`, ...globs];
    return { id: stack.id, branch, projectRoot, pathFilters };
  });
  assertUnique(
    "stacks",
    resolved.map((stack) => stack.id),
    "stack id",
  );
  return resolved;
}

/** A branch name git accepts (git check-ref-format rules), in a plain alphabet. */
function resolveBranch(field: string, branch: unknown): string {
  const fix = "use the stack's tracked branch name as git shows it, e.g. \"main\" or \"release/1.x\" (letters, digits, '.', '_', '/', '+', '-')";
  if (typeof branch === "string" && GLOB_CHARACTERS.test(branch)) {
    throw new SignedRunsInputError(
      field,
      `${quoteValue(branch)} has a glob character (*, ?, [, ], {, }, !), which a deployment branch policy reads as a pattern`,
      "track a branch whose name has none, so its environment admits exactly that branch",
    );
  }
  if (typeof branch !== "string" || !BRANCH_CHARACTERS.test(branch)) {
    throw new SignedRunsInputError(field, `${quoteValue(branch)} is not a branch name this workflow can track`, fix);
  }
  const segments = branch.split("/");
  const invalid =
    branch.startsWith("refs/") ||
    branch.startsWith("-") ||
    branch.includes("..") ||
    branch.endsWith(".") ||
    segments.some((segment) => segment === "" || segment.startsWith(".") || segment.endsWith(".lock"));
  if (invalid) {
    throw new SignedRunsInputError(field, `${quoteValue(branch)} is not a valid git branch name`, `${fix}; give the short name, not refs/heads/...`);
  }
  return branch;
}

function resolveProjectRoot(field: string, projectRoot: unknown): string {
  if (typeof projectRoot !== "string") {
    throw new SignedRunsInputError(field, `${quoteValue(projectRoot)} is not a path`, 'use a repository-relative directory such as "network", or "" for the whole repository');
  }
  const trimmed = projectRoot.replace(/\/+$/, "");
  if (trimmed === "") return "";
  const segments = trimmed.split("/");
  if (
    !PATH_CHARACTERS.test(trimmed) ||
    trimmed.includes("*") ||
    trimmed.startsWith("/") ||
    segments.some((segment) => segment === "" || segment === "." || segment === "..")
  ) {
    throw new SignedRunsInputError(
      field,
      `${quoteValue(projectRoot)} is not a repository-relative directory`,
      "use a relative path without '..', '.', '//', wildcards or a leading '/', e.g. \"network\" or \"stacks/prod\"; \"\" means the whole repository",
    );
  }
  return trimmed;
}

function assertProjectGlob(field: string, glob: unknown): asserts glob is string {
  const fix =
    "use a repository-relative glob of letters, digits, '.', '_', '-', '/', '*' within a name and '**' as a whole path segment, e.g. \"modules/**\" or \"shared/*.tf\"";
  if (typeof glob !== "string" || glob === "" || !PATH_CHARACTERS.test(glob)) {
    throw new SignedRunsInputError(field, `${quoteValue(glob)} is not a project glob this workflow can use`, fix);
  }
  const segments = glob.split("/");
  const invalid =
    glob.startsWith("/") ||
    glob.includes("***") ||
    segments.some((segment) => segment === "" || segment === "." || segment === ".." || (segment.includes("**") && segment !== "**"));
  if (invalid) {
    throw new SignedRunsInputError(field, `${quoteValue(glob)} is not a sane project glob`, fix);
  }
}

function resolveAuth(auth: unknown, endpoint: string): ResolvedAuth {
  const fix = 'pass spacelift.auth: { type: "apiKey" } or { type: "oidc", apiKeyId: "<the OIDC API key id>" }';
  if (auth === null || typeof auth !== "object") {
    throw new SignedRunsInputError("spacelift.auth", `${quoteValue(auth)} is not an authentication mode`, fix);
  }
  const mode = auth as { type?: unknown; apiKeyId?: unknown; audience?: unknown };
  if (mode.type === "apiKey") return { type: "apiKey" };
  if (mode.type !== "oidc") {
    throw new SignedRunsInputError("spacelift.auth.type", `${quoteValue(mode.type)} is not an authentication mode`, fix);
  }
  if (typeof mode.apiKeyId !== "string" || !API_KEY_ID.test(mode.apiKeyId)) {
    throw new SignedRunsInputError(
      "spacelift.auth.apiKeyId",
      `${quoteValue(mode.apiKeyId)} is not a Spacelift API key id`,
      "pass the id of the Spacelift OIDC API key (its ULID, shown in Spacelift's API keys list)",
    );
  }
  // Default: the account's host. Whatever it is, it must equal the OIDC API key's client id.
  const audience: unknown = mode.audience ?? new URL(endpoint).hostname;
  if (typeof audience !== "string" || !AUDIENCE.test(audience)) {
    throw new SignedRunsInputError(
      "spacelift.auth.audience",
      `${quoteValue(audience)} is not an OIDC audience this workflow can request`,
      "use the OIDC API key's client id (audience): letters, digits, '.', '_', ':', '/', '-'",
    );
  }
  return { type: "oidc", apiKeyId: mode.apiKeyId, audience };
}

function assertSecretName(field: string, name: unknown, auth: ResolvedAuth): asserts name is string {
  const fix = "use a GitHub secret name: letters, digits and '_', not starting with a digit or GITHUB_, e.g. \"SPACELIFT_RUN_SIGNING_KEY\"";
  if (typeof name !== "string" || !SECRET_NAME.test(name) || name.toUpperCase().startsWith("GITHUB_")) {
    throw new SignedRunsInputError(field, `${quoteValue(name)} is not a valid GitHub secret name`, fix);
  }
  if (auth.type === "apiKey" && [SPACELIFT_API_KEY_ID_SECRET, SPACELIFT_API_KEY_SECRET_SECRET].includes(name.toUpperCase())) {
    throw new SignedRunsInputError(field, `${quoteValue(name)} is the secret that holds the Spacelift API key`, "give the signing key its own secret");
  }
}

function resolveEndpoint(endpoint: unknown): string {
  const fix = 'use your account\'s API endpoint as https://<host>, e.g. "https://acme.app.spacelift.io", without a path';
  if (typeof endpoint !== "string") {
    throw new SignedRunsInputError("spacelift.endpoint", `${quoteValue(endpoint)} is not a URL`, fix);
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new SignedRunsInputError("spacelift.endpoint", `${quoteValue(endpoint)} is not a URL`, fix);
  }
  if (url.protocol !== "https:") {
    throw new SignedRunsInputError("spacelift.endpoint", `${quoteValue(endpoint)} does not use https`, fix);
  }
  if (url.hostname === "" || url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "" || !/^\/?$/.test(url.pathname)) {
    throw new SignedRunsInputError("spacelift.endpoint", `${quoteValue(endpoint)} has a path, query, fragment or credentials`, fix);
  }
  return `https://${url.host}`;
}

function resolveLifetime(lifetime: unknown): number {
  const value = lifetime ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  if (typeof value !== "number" || !Number.isInteger(value) || value < MIN_TOKEN_LIFETIME_SECONDS || value > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new SignedRunsInputError(
      "maxTokenLifetimeSeconds",
      `${quoteValue(value)} is not a whole number of seconds between ${MIN_TOKEN_LIFETIME_SECONDS} and ${MAX_TOKEN_LIFETIME_SECONDS}`,
      `use a lifetime long enough for a run to reach the worker pool, e.g. the default ${DEFAULT_MAX_TOKEN_LIFETIME_SECONDS}`,
    );
  }
  return value;
}

function resolveSpacectl(version: unknown, sha256: unknown): { spacectlVersion: string; spacectlSha256: string } {
  const spacectlVersion = version ?? PINNED_SPACECTL_VERSION;
  if (typeof spacectlVersion !== "string" || !VERSION.test(spacectlVersion)) {
    throw new SignedRunsInputError(
      "spacectlVersion",
      `${quoteValue(spacectlVersion)} is not a spacectl release version`,
      `use MAJOR.MINOR.PATCH without a leading "v", e.g. ${quoteValue(PINNED_SPACECTL_VERSION)}`,
    );
  }
  if (sha256 !== undefined && (typeof sha256 !== "string" || !SHA256_HEX.test(sha256))) {
    throw new SignedRunsInputError(
      "spacectlSha256",
      `${quoteValue(sha256)} is not a SHA-256 digest`,
      `use the 64 lowercase hex digits of spacectl_${spacectlVersion}_linux_amd64.zip from spacectl_${spacectlVersion}_SHA256SUMS`,
    );
  }
  if (spacectlVersion === PINNED_SPACECTL_VERSION) {
    if (sha256 !== undefined && sha256 !== PINNED_SPACECTL_LINUX_AMD64_SHA256) {
      throw new SignedRunsInputError(
        "spacectlSha256",
        `${quoteValue(sha256)} is not the published digest of spacectl ${PINNED_SPACECTL_VERSION}`,
        "leave spacectlSha256 unset for the pinned version",
      );
    }
    return { spacectlVersion, spacectlSha256: PINNED_SPACECTL_LINUX_AMD64_SHA256 };
  }
  if (sha256 === undefined) {
    throw new SignedRunsInputError(
      "spacectlSha256",
      `is missing for spacectlVersion ${quoteValue(spacectlVersion)}`,
      `pass the spacectl_${spacectlVersion}_linux_amd64.zip line of spacectl_${spacectlVersion}_SHA256SUMS from the release, or leave spacectlVersion unset for ${PINNED_SPACECTL_VERSION}`,
    );
  }
  return { spacectlVersion, spacectlSha256: sha256 as string };
}
