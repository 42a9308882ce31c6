import { SignedRunsInputError, quoteValue } from "../inputError";
import { assertKeyId, assertStackId, assertUnique } from "../identifiers";
import {
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  DEFAULT_SIGNING_SECRET_NAME,
  MAX_TOKEN_LIFETIME_SECONDS,
  MIN_TOKEN_LIFETIME_SECONDS,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
} from "../runTokenContract";
import { PINNED_SPACECTL_LINUX_AMD64_SHA256, PINNED_SPACECTL_VERSION } from "./spacectlRelease";

export interface WorkflowStack {
  id: string;
  /** The stack's tracked branch; a push there makes a TRACKED run, anywhere else a PROPOSED one. Default "main". */
  branch?: string;
  /** The stack's project root in the repository; "" or undefined means the whole repository. */
  projectRoot?: string;
  additionalProjectGlobs?: string[];
}

export type SpaceliftAuth = { type: "apiKey" } | { type: "oidc"; apiKeyId: string; audience?: string };

export interface WorkflowOptions {
  stacks: WorkflowStack[];
  signing: { algorithm: SigningAlgorithm; kid: string; secretName?: string };
  spacelift: { endpoint: string; auth: SpaceliftAuth };
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
export interface ResolvedWorkflowOptions {
  stacks: ResolvedStack[];
  algorithm: SigningAlgorithm;
  kid: string;
  secretName: string;
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
const VERSION = /^\d+\.\d+\.\d+$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const API_KEY_ID = /^[A-Za-z0-9_-]{1,100}$/;
const AUDIENCE = /^[A-Za-z0-9._:/-]{1,200}$/;

export function resolveWorkflowOptions(options: WorkflowOptions): ResolvedWorkflowOptions {
  if (options === null || typeof options !== "object") {
    throw new SignedRunsInputError("options", `${quoteValue(options)} is not an options object`, "pass { stacks, signing, spacelift }");
  }
  const stacks = resolveStacks(options.stacks);
  const signing = options.signing as WorkflowOptions["signing"] | undefined;
  if (!signing || typeof signing !== "object") {
    throw new SignedRunsInputError("signing", "is missing", 'pass signing: { algorithm: "HS256" | "ES256", kid }');
  }
  if (!SIGNING_ALGORITHMS.includes(signing.algorithm)) {
    throw new SignedRunsInputError(
      "signing.algorithm",
      `${quoteValue(signing.algorithm)} is not a supported algorithm`,
      `use one of ${SIGNING_ALGORITHMS.join(", ")}`,
    );
  }
  assertKeyId("signing.kid", signing.kid);
  const endpoint = resolveEndpoint(options.spacelift?.endpoint);
  const auth = resolveAuth(options.spacelift?.auth, endpoint);
  const secretName = resolveSecretName(signing.secretName, auth);
  const maxTokenLifetimeSeconds = resolveLifetime(options.maxTokenLifetimeSeconds);
  const { spacectlVersion, spacectlSha256 } = resolveSpacectl(options.spacectlVersion, options.spacectlSha256);
  return {
    stacks,
    algorithm: signing.algorithm,
    kid: signing.kid,
    secretName,
    endpoint,
    auth,
    maxTokenLifetimeSeconds,
    spacectlVersion,
    spacectlSha256,
  };
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

function resolveSecretName(secretName: unknown, auth: ResolvedAuth): string {
  const name = secretName ?? DEFAULT_SIGNING_SECRET_NAME;
  const fix = `use a GitHub secret name: letters, digits and '_', not starting with a digit or GITHUB_, e.g. ${quoteValue(DEFAULT_SIGNING_SECRET_NAME)}`;
  if (typeof name !== "string" || !SECRET_NAME.test(name) || name.toUpperCase().startsWith("GITHUB_")) {
    throw new SignedRunsInputError("signing.secretName", `${quoteValue(name)} is not a valid GitHub secret name`, fix);
  }
  if (auth.type === "apiKey" && [SPACELIFT_API_KEY_ID_SECRET, SPACELIFT_API_KEY_SECRET_SECRET].includes(name.toUpperCase())) {
    throw new SignedRunsInputError(
      "signing.secretName",
      `${quoteValue(name)} is the secret that holds the Spacelift API key`,
      "give the signing key its own secret, e.g. the default " + quoteValue(DEFAULT_SIGNING_SECRET_NAME),
    );
  }
  return name;
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
