import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, type SigningAlgorithm } from "../runToken/contract";
import { normalizeEndpoint } from "../schema/primitives";
import { parseInput } from "../schema/problems";
import { workflowOptions } from "../schema/renderOptions";
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

/**
 * Parses the options with their schema (every problem in one
 * SignedRunsInputError) and fills in every default: branch "main", project
 * root without trailing slashes, the endpoint's origin, the OIDC audience
 * (the endpoint's host), the token lifetime and the pinned spacectl.
 */
export function resolveWorkflowOptions(options: WorkflowOptions): ResolvedWorkflowOptions {
  const valid = parseInput(workflowOptions, options, "", "options") as WorkflowOptions;
  const stacks = valid.stacks.map((stack): ResolvedStack => {
    const projectRoot = (stack.projectRoot ?? "").replace(/\/+$/, "");
    // The whole repository is the project: every push concerns the stack, globs add nothing.
    const pathFilters = projectRoot === "" ? [] : [`${projectRoot}/**`, ...(stack.additionalProjectGlobs ?? [])];
    return { id: stack.id, branch: stack.branch ?? "main", projectRoot, pathFilters };
  });
  const endpoint = normalizeEndpoint(valid.spacelift.endpoint);
  const auth = valid.spacelift.auth;
  const { algorithm, proposed, tracked } = valid.signing;
  return {
    stacks,
    algorithm,
    proposed: { kid: proposed.kid, secretName: proposed.secretName },
    tracked: new Map(
      tracked.map((entry) => [
        entry.branch,
        { branch: entry.branch, environment: entry.environment, kid: entry.kid, secretName: entry.secretName },
      ]),
    ),
    endpoint,
    // Default: the account's host. Whatever it is, it must equal the OIDC API key's client id.
    auth:
      auth.type === "apiKey"
        ? { type: "apiKey" }
        : { type: "oidc", apiKeyId: auth.apiKeyId, audience: auth.audience ?? new URL(endpoint).hostname },
    maxTokenLifetimeSeconds: valid.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
    spacectlVersion: valid.spacectlVersion ?? PINNED_SPACECTL_VERSION,
    spacectlSha256: valid.spacectlSha256 ?? PINNED_SPACECTL_LINUX_AMD64_SHA256,
  };
}
