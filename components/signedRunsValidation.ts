/**
 * Checks on the components' arguments. Plain values are checked in the
 * constructor, before any child exists; `checkInput` defers the same check to
 * when an Output resolves, so the deployment fails with the same message.
 */
import * as pulumi from "@pulumi/pulumi";
import { assertStackId, assertUnique } from "./identifiers";
import { SignedRunsInputError, quoteValue } from "./inputError";
import { MAX_TOKEN_LIFETIME_SECONDS, MIN_TOKEN_LIFETIME_SECONDS, SIGNING_ALGORITHMS, type SigningAlgorithm } from "./runTokenContract";
import type { SignedRunsStackArgs } from "./signedRunsArgs";

/**
 * For work inside an `apply` callback: a `SignedRunsInputError` it throws becomes a
 * `pulumi.ResourceError` tied to `component`, so `pulumi up` reports it against the
 * component that took the bad input. The message stays `field: problem. Fix: …`;
 * the stack is hidden because the message says all there is to say.
 */
export function inputErrorsOf<T>(component: pulumi.Resource, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof SignedRunsInputError) throw new pulumi.ResourceError(error.message, component, true);
    throw error;
  }
}

/**
 * Runs `check` now for a plain value (throwing `SignedRunsInputError`), or when an
 * Output/Promise resolves (then as a `ResourceError` of `component`).
 */
export function checkInput<T>(value: pulumi.Input<T>, check: (value: T) => void, component: pulumi.Resource): pulumi.Input<T> {
  if (pulumi.Output.isInstance(value) || value instanceof Promise) {
    return pulumi.output(value).apply((resolved) => {
      inputErrorsOf(component, () => check(resolved as T));
      return resolved;
    }) as pulumi.Output<T>;
  }
  check(value as T);
  return value;
}

/** Like `checkInput` for a value that may be absent. */
export function checkOptionalInput<T>(value: pulumi.Input<T> | undefined, check: (value: T) => void, component: pulumi.Resource): pulumi.Input<T> | undefined {
  return value === undefined ? undefined : checkInput(value, check, component);
}

// GitHub: alphanumerics and single hyphens, not at either end, at most 39 characters.
const GITHUB_OWNER = /^(?=.{1,39}$)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;
const GITHUB_REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
const GIT_BRANCH_FORBIDDEN = /(^[/.-])|([/.]$)|\.\.|\/\/|@\{|[\x00-\x20\x7f~^:?*[\\]|\.lock(\/|$)/;

/** An absent value says so, rather than being quoted as the text "undefined". */
function assertPresent(field: string, value: unknown, fix: string): void {
  if (value === undefined || value === null) throw new SignedRunsInputError(field, "is missing", fix);
}

export function assertGithubOwner(field: string, value: unknown): asserts value is string {
  assertPresent(field, value, "set it to the owner part of the repository URL, e.g. \"acme\"");
  if (typeof value !== "string" || !GITHUB_OWNER.test(value)) {
    throw new SignedRunsInputError(field, `${quoteValue(value)} is not a GitHub user or organization name`, "use the owner part of the repository URL (letters, digits and single hyphens, at most 39 characters), e.g. \"acme\"");
  }
}

export function assertGithubRepositoryName(field: string, value: unknown): asserts value is string {
  assertPresent(field, value, "set it to the repository name as in its URL, without the owner, e.g. \"payments-infra\"");
  if (typeof value !== "string" || !GITHUB_REPOSITORY.test(value) || value === "." || value === "..") {
    const hint = typeof value === "string" && value.includes("/") ? "give the name without the owner (put the owner in github.owner)" : "use the repository name as in its URL: letters, digits, '.', '_' and '-', at most 100 characters";
    throw new SignedRunsInputError(field, `${quoteValue(value)} is not a GitHub repository name`, hint);
  }
}

export function assertBranchName(field: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > 255 || GIT_BRANCH_FORBIDDEN.test(value)) {
    throw new SignedRunsInputError(field, `${quoteValue(value)} is not a valid Git branch name`, "use a branch name as `git check-ref-format --branch` accepts it, e.g. \"main\"");
  }
}

/** `https://host[:port]`, no credentials, no path, query or fragment; a trailing '/' is dropped. */
export function normalizeEndpoint(field: string, value: unknown): string {
  const fix = "use your account's URL, e.g. \"https://acme.app.spacelift.io\"";
  if (typeof value !== "string") throw new SignedRunsInputError(field, `${quoteValue(value)} is not a URL`, fix);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SignedRunsInputError(field, `${quoteValue(value)} is not a URL`, fix);
  }
  if (url.protocol !== "https:") throw new SignedRunsInputError(field, `${quoteValue(value)} does not use https`, fix);
  if (url.username || url.password) throw new SignedRunsInputError(field, "the URL carries credentials", "remove the user and password from the URL; the API key goes in spacelift.apiKey");
  if (!url.hostname) throw new SignedRunsInputError(field, `${quoteValue(value)} has no host`, fix);
  if (url.pathname !== "/" || url.search || url.hash || /[?#]/.test(value)) {
    throw new SignedRunsInputError(field, `${quoteValue(value)} has a path, query or fragment`, `${fix}, without any path such as /graphql`);
  }
  return url.origin;
}

export function assertAlgorithm(field: string, value: unknown): asserts value is SigningAlgorithm {
  if (!SIGNING_ALGORITHMS.includes(value as SigningAlgorithm)) {
    throw new SignedRunsInputError(field, `${quoteValue(value)} is not a supported algorithm`, `use one of ${SIGNING_ALGORITHMS.join(", ")}`);
  }
}

export function assertTokenLifetime(field: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < MIN_TOKEN_LIFETIME_SECONDS || value > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new SignedRunsInputError(field, `${quoteValue(value)} is not a whole number of seconds between ${MIN_TOKEN_LIFETIME_SECONDS} and ${MAX_TOKEN_LIFETIME_SECONDS}`, "give the token lifetime in seconds, e.g. 3600");
  }
}

const GLOB_FORBIDDEN = /[\x00-\x1f\x7f]/;

function assertRelativePath(field: string, value: unknown, what: string): asserts value is string {
  if (typeof value !== "string" || value.startsWith("/") || GLOB_FORBIDDEN.test(value) || value.split("/").includes("..")) {
    throw new SignedRunsInputError(field, `${quoteValue(value)} is not a ${what} relative to the repository root`, `give a ${what} inside the repository without '..' or a leading '/', e.g. "network"`);
  }
}

/** The checks on `stacks` that need no resolved Output: at least one, valid and unique ids, paths, branches. */
export function validateStacks(stacks: unknown): asserts stacks is SignedRunsStackArgs[] {
  if (!Array.isArray(stacks) || stacks.length === 0) {
    throw new SignedRunsInputError("stacks", "lists no stack", "list at least one Spacelift stack, e.g. [{ id: \"payments-prod\" }]");
  }
  stacks.forEach((stack: Partial<SignedRunsStackArgs> | undefined, index) => {
    const field = `stacks[${index}]`;
    if (typeof stack !== "object" || stack === null) {
      throw new SignedRunsInputError(field, `${quoteValue(stack)} is not a stack`, "give an object such as { id: \"payments-prod\" }");
    }
    assertStackId(`${field}.id`, stack.id);
    if (stack.branch !== undefined) assertBranchName(`${field}.branch`, stack.branch);
    if (stack.projectRoot !== undefined && stack.projectRoot !== "") assertRelativePath(`${field}.projectRoot`, stack.projectRoot, "directory");
    if (stack.additionalProjectGlobs !== undefined) {
      if (!Array.isArray(stack.additionalProjectGlobs)) {
        throw new SignedRunsInputError(`${field}.additionalProjectGlobs`, `${quoteValue(stack.additionalProjectGlobs)} is not a list`, "give a list of globs, e.g. [\"modules/**\"]");
      }
      stack.additionalProjectGlobs.forEach((glob, i) => assertRelativePath(`${field}.additionalProjectGlobs[${i}]`, glob, "glob"));
    }
    if (stack.create !== undefined && (typeof stack.create !== "object" || stack.create === null)) {
      throw new SignedRunsInputError(`${field}.create`, `${quoteValue(stack.create)} is not an object`, "give the stack settings, e.g. { spaceId: \"root\" }, or leave create out to use an existing stack");
    }
    const vendor = stack.create?.vendor as Record<string, unknown> | undefined;
    if (vendor !== undefined && (typeof vendor !== "object" || vendor === null || Object.keys(vendor).length !== 1 || !("pulumi" in vendor || "terraform" in vendor))) {
      throw new SignedRunsInputError(`${field}.create.vendor`, `${quoteValue(vendor)} names no single tool`, "give exactly one of { pulumi: { loginUrl, stackName } } or { terraform: { workflowTool?, version? } }");
    }
  });
  assertUnique("stacks", stacks.map((s: SignedRunsStackArgs) => s.id), "stack id");
}

/**
 * `{ id }` selects an existing resource; anything else describes one to create.
 * Both at once cannot go together.
 */
export function assertSelection(field: string, value: unknown, createKeys: readonly string[]): void {
  if (value === undefined) return;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SignedRunsInputError(field, `${quoteValue(value)} is not an object`, `give { id } for an existing one, or settings (${createKeys.join(", ")}) to create one`);
  }
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  const unknown = keys.filter((k) => k !== "id" && !createKeys.includes(k));
  if (unknown.length > 0) {
    throw new SignedRunsInputError(field, `has unknown setting ${quoteValue(unknown[0])}`, `use only id, or ${createKeys.join(", ")}`);
  }
  if (keys.includes("id") && keys.length > 1) {
    throw new SignedRunsInputError(field, `gives id together with ${keys.filter((k) => k !== "id").join(", ")}`, "give only id to use an existing one, or leave id out to create one with these settings");
  }
}

/** `spacelift.apiKey`: a secret key ({ id, secret }) or an OIDC key ({ oidc }), never both. */
export function assertApiKeyShape(field: string, value: unknown): void {
  if (value === undefined) return;
  const v = value as Record<string, unknown>;
  const fix = "give { id, secret } for a secret API key or { oidc: { apiKeyId, audience? } } for an OIDC API key";
  if (typeof value !== "object" || value === null) throw new SignedRunsInputError(field, "is not an object", fix);
  const hasSecretKey = v.id !== undefined || v.secret !== undefined;
  const hasOidc = v.oidc !== undefined;
  if (hasSecretKey && hasOidc) throw new SignedRunsInputError(field, "gives both a secret key (id/secret) and oidc", `choose one: ${fix}`);
  if (hasOidc) {
    const oidc = v.oidc as Record<string, unknown>;
    if (typeof oidc !== "object" || oidc === null || oidc.apiKeyId === undefined) throw new SignedRunsInputError(`${field}.oidc.apiKeyId`, "is missing", fix);
    if (oidc.audience !== undefined && (typeof oidc.audience !== "string" || !/^[\x21-\x7e]{1,256}$/.test(oidc.audience))) {
      throw new SignedRunsInputError(`${field}.oidc.audience`, `${quoteValue(oidc.audience)} is not a valid audience`, "give the audience your Spacelift OIDC API key expects, without spaces");
    }
    return;
  }
  if (v.id === undefined || v.secret === undefined) throw new SignedRunsInputError(field, `lacks ${v.id === undefined ? "id" : "secret"}`, fix);
}

/** An API key id as shown in Spacelift (plain text in the workflow, so it must be safe to print). */
export function assertApiKeyId(field: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(value)) {
    throw new SignedRunsInputError(field, `${quoteValue(value)} is not a Spacelift API key id`, "copy the key id shown in Spacelift (letters and digits, e.g. \"01HXYZ...\")");
  }
}
