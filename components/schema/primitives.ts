/**
 * The single values every input shape is made of: names, ids, branches, paths,
 * URLs, lifetimes. Each says what is wrong with a bad value and how to fix it.
 */
import { quoteValue } from "./inputError";
import { MAX_TOKEN_LIFETIME_SECONDS, MIN_TOKEN_LIFETIME_SECONDS, SIGNING_ALGORITHMS } from "../runToken/contract";
import { z } from "zod";
import * as k from "../kubernetes/manifests";
import { isOutputLike, says } from "./problems";
import { oneOf, text, wholeNumber, type Verdict } from "./shapes";

export const githubOwner = text({
  missing: 'set it to the owner part of the repository URL, e.g. "acme"',
  invalid: (v) => [
    `${quoteValue(v)} is not a GitHub user or organization name`,
    'use the owner part of the repository URL (letters, digits and single hyphens, at most 39 characters), e.g. "acme"',
  ],
  // GitHub: alphanumerics and single hyphens, not at either end, at most 39 characters.
  pattern: /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/,
  maxLength: 39,
});

const repositoryHint = (v: unknown): string =>
  typeof v === "string" && v.includes("/")
    ? "give the name without the owner (put the owner in github.owner)"
    : "use the repository name as in its URL: letters, digits, '.', '_' and '-', at most 100 characters";
export const githubRepositoryName = text({
  missing: 'set it to the repository name as in its URL, without the owner, e.g. "payments-infra"',
  invalid: (v) => [`${quoteValue(v)} is not a GitHub repository name`, repositoryHint(v)],
  pattern: /^[A-Za-z0-9._-]{1,100}$/,
  rule: (v) =>
    v === "." || v === ".." ? [`${quoteValue(v)} is not a GitHub repository name`, repositoryHint(v)] : undefined,
});

/** "owner/name", as a grant names a repository. */
export const githubRepositoryPath = text({
  missing: 'give the repository as owner/name, e.g. "acme/payments-infra"',
  invalid: (v) => [
    `${quoteValue(v)} is not "owner/name"`,
    'give the repository as owner/name, e.g. "acme/payments-infra"',
  ],
  pattern: /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/,
});

// eslint-disable-next-line no-control-regex -- git refuses control characters in a ref name
const GIT_BRANCH_FORBIDDEN = /(^[/.-])|([/.]$)|\.\.|\/\/|@\{|[\x00-\x20\x7f~^:?*[\\]|\.lock(\/|$)/;
const branchVerdict = (v: unknown): Verdict => [
  `${quoteValue(v)} is not a valid Git branch name`,
  'use a branch name as `git check-ref-format --branch` accepts it, e.g. "main"',
];
/** A Git branch name (`git check-ref-format --branch`). */
export function branchName(plain?: string) {
  return text({
    missing: 'give a branch name, e.g. "main"',
    invalid: branchVerdict,
    minLength: 1,
    maxLength: 255,
    rule: (v) => (GIT_BRANCH_FORBIDDEN.test(v) ? branchVerdict(v) : undefined),
    ...(plain !== undefined ? { plain } : {}),
  });
}

/** What a deployment branch policy (Ruby's File.fnmatch) or a push filter reads as a pattern. */
export const GLOB_CHARACTERS = /[*?[\]{}!]/;

export const stackId = text({
  missing: 'give the stack\'s slug as shown in its Spacelift URL, e.g. "payments-prod"',
  invalid: (v) => [
    `${quoteValue(v)} is not a Spacelift stack id`,
    "use the stack's slug as shown in its Spacelift URL: lowercase letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters",
  ],
  // Spacelift stack ids are slugs.
  pattern: /^[a-z0-9][a-z0-9_-]{0,99}$/,
});

export const keyId = text({
  missing: 'give the key id (kid), e.g. "acme.payments-infra:proposed:1"',
  invalid: (v) => [
    `${quoteValue(v)} is not a valid key id (kid)`,
    "use 1 to 128 characters of letters, digits, '.', '_', ':' and '-', starting with a letter or digit",
  ],
  // A kid is printed in deny messages and workflow logs, so it is kept to a safe alphabet.
  pattern: /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
});

export const keyGeneration = text({
  missing: 'give a generation name, e.g. "2026-11"',
  invalid: (v) => [
    `${quoteValue(v)} is not a key generation name`,
    "use 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. \"2026-11\"",
  ],
  pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/,
});

export const githubSecretName = text({
  missing: 'give a GitHub secret name, e.g. "SPACELIFT_RUN_SIGNING_KEY"',
  invalid: (v) => [
    `${quoteValue(v)} is not a valid GitHub secret name`,
    "use letters, digits and '_', not starting with a digit, e.g. \"SPACELIFT_RUN_SIGNING_KEY\"",
  ],
  pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
  maxLength: 200,
  rule: (v) =>
    /^GITHUB_/i.test(v)
      ? [
          `${quoteValue(v)} starts with GITHUB_, which GitHub reserves`,
          "choose a name that does not start with GITHUB_",
        ]
      : undefined,
});

const ENDPOINT_FIX = 'use your account\'s URL, e.g. "https://acme.app.spacelift.io"';
/** What is wrong with a Spacelift endpoint, or nothing: `https://host[:port]`, no credentials, path, query or fragment. */
export function endpointProblem(value: string): Verdict | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [`${quoteValue(value)} is not a URL`, ENDPOINT_FIX];
  }
  if (url.protocol !== "https:") return [`${quoteValue(value)} does not use https`, ENDPOINT_FIX];
  if (url.username || url.password)
    return [
      "the URL carries credentials",
      "remove the user and password from the URL; the API key goes in spacelift.apiKey",
    ];
  if (!url.hostname) return [`${quoteValue(value)} has no host`, ENDPOINT_FIX];
  if (url.pathname !== "/" || url.search || url.hash || /[?#]/.test(value))
    return [`${quoteValue(value)} has a path, query or fragment`, `${ENDPOINT_FIX}, without any path such as /graphql`];
  return undefined;
}
/** `https://host[:port]`; a trailing '/' is dropped. Call on a value the schema accepted. */
export function normalizeEndpoint(value: string): string {
  return new URL(value).origin;
}
export const spaceliftEndpoint = text({
  missing: 'set it to your Spacelift account\'s URL, e.g. "https://acme.app.spacelift.io"',
  invalid: (v) => [`${quoteValue(v)} is not a URL`, ENDPOINT_FIX],
  rule: endpointProblem,
});

export const signingAlgorithm = oneOf(SIGNING_ALGORITHMS as readonly ["HS256", "ES256"], {
  missing: `use one of ${SIGNING_ALGORITHMS.join(", ")}`,
  invalid: (v) => [`${quoteValue(v)} is not a supported algorithm`, `use one of ${SIGNING_ALGORITHMS.join(", ")}`],
});

export const tokenLifetime = wholeNumber({
  min: MIN_TOKEN_LIFETIME_SECONDS,
  max: MAX_TOKEN_LIFETIME_SECONDS,
  missing: "give the token lifetime in seconds, e.g. 3600",
  invalid: (v) => [
    `${quoteValue(v)} is not a whole number of seconds between ${MIN_TOKEN_LIFETIME_SECONDS} and ${MAX_TOKEN_LIFETIME_SECONDS}`,
    "give the token lifetime in seconds, e.g. 3600",
  ],
});

const relativePathRule =
  (what: string) =>
  (v: string): Verdict | undefined =>
    // eslint-disable-next-line no-control-regex -- a control character has no place in a repository path
    v.startsWith("/") || /[\x00-\x1f\x7f]/.test(v) || v.split("/").includes("..")
      ? [
          `${quoteValue(v)} is not a ${what} relative to the repository root`,
          `give a ${what} inside the repository without '..' or a leading '/', e.g. "network"`,
        ]
      : undefined;
export const projectRoot = text({
  missing: 'give a directory relative to the repository root, e.g. "network"',
  invalid: (v) => [
    `${quoteValue(v)} is not a directory relative to the repository root`,
    "give a directory inside the repository without '..' or a leading '/', e.g. \"network\"",
  ],
  rule: relativePathRule("directory"),
});
export const projectGlob = text({
  missing: 'give a glob relative to the repository root, e.g. "modules/**"',
  invalid: (v) => [
    `${quoteValue(v)} is not a glob relative to the repository root`,
    "give a glob inside the repository without '..' or a leading '/', e.g. \"modules/**\"",
  ],
  rule: relativePathRule("glob"),
});

/** An API key id as shown in Spacelift (plain text in the workflow, so it must be safe to print). */
export const apiKeyId = text({
  missing: 'copy the key id shown in Spacelift (letters and digits, e.g. "01HXYZ...")',
  invalid: (v) => [
    `${quoteValue(v)} is not a Spacelift API key id`,
    'copy the key id shown in Spacelift (letters and digits, e.g. "01HXYZ...")',
  ],
  pattern: /^[A-Za-z0-9_-]{1,128}$/,
});

export const oidcAudience = text({
  missing: "give the audience your Spacelift OIDC API key expects, without spaces",
  invalid: (v) => [
    `${quoteValue(v)} is not a valid audience`,
    "give the audience your Spacelift OIDC API key expects, without spaces",
  ],
  pattern: /^[\x21-\x7e]{1,256}$/,
});

export const issuer = text({
  missing: 'give the iss claim your CI writes, e.g. "github-actions"',
  invalid: (v) => [
    `${quoteValue(v)} is not an issuer`,
    'give the iss claim your CI writes (the generated workflow writes "github-actions"), or leave it out to accept any',
  ],
  pattern: /^[\x21-\x7e]{1,256}$/,
});

/** Where the launcher reads the initialization policy unless `launcher.policyPath` says otherwise. */
export const DEFAULT_LAUNCHER_POLICY_PATH = "/etc/spacelift/signed-runs/initialization-policy.rego";
export const launcherPolicyPath = text({
  missing:
    'give the absolute path where the launcher host stores the policy file, e.g. "/etc/spacelift/initialization-policy.rego"',
  invalid: (v) => [
    `${quoteValue(v)} is not an absolute path without spaces or quotes`,
    'give the absolute path where the launcher host stores the policy file, e.g. "/etc/spacelift/initialization-policy.rego"',
  ],
  pattern: /^\/[^\s"'$`\\]*$/,
  maxLength: 1024,
});

/** A GitHub user or team id: a positive whole number. */
export function githubId(kind: "user" | "team") {
  const fix = `give the numeric id (not the name), e.g. from gh api ${kind === "user" ? "users/<login>" : "orgs/<org>/teams/<slug>"} --jq .id`;
  return wholeNumber({
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    missing: fix,
    invalid: (v) => [`${quoteValue(v)} is not a GitHub ${kind} id`, fix],
  });
}

/** `launcher.kubernetes.namespace`: a DNS-1123 label. */
export const kubernetesNamespace = text({
  missing: `${k.FIX_NAME}, at most 63 characters, e.g. "spacelift"`,
  invalid: (v) => [
    `${quoteValue(v)} is not a Kubernetes namespace name`,
    `${k.FIX_NAME}, at most 63 characters, e.g. "spacelift"`,
  ],
  pattern: k.DNS_LABEL,
  maxLength: 63,
});

/** `launcher.kubernetes.name`: a DNS-1123 label short enough for the longest suffix the component appends. */
export const kubernetesObjectName = text({
  missing: `${k.NAME_FIX}, or leave it out for the component's name`,
  invalid: (v) => [`${quoteValue(v)} cannot name the Kubernetes objects`, k.NAME_FIX],
  pattern: k.DNS_LABEL,
  maxLength: k.MAX_NAME,
});

/** `launcher.kubernetes.poolSize`: the CRD's int32 with minimum 0. */
export const kubernetesPoolSize = wholeNumber({
  min: 0,
  max: k.MAX_POOL_SIZE,
  missing: `give an integer from 0 to ${k.MAX_POOL_SIZE}, or leave it out for the default ${k.DEFAULT_POOL_SIZE}`,
  invalid: (v) => [
    `${quoteValue(v)} is not a whole number of workers`,
    `give an integer from 0 to ${k.MAX_POOL_SIZE} (the pool's CRD field is an int32 with minimum 0); default ${k.DEFAULT_POOL_SIZE}`,
  ],
});

/** `launcher.kubernetes.createNamespace`. */
export const kubernetesCreateNamespace = z.boolean({
  error: (issue) =>
    says(
      isOutputLike(issue.input) ? "is an Output or a Promise" : `${quoteValue(issue.input)} is not true or false`,
      "pass true to create the namespace, or leave it out to use an existing one",
    ),
});

const LABEL_KEY_FIX =
  "use [prefix/]name: an optional DNS subdomain prefix and a name of 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
const LABEL_VALUE_FIX =
  "use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or an empty string)";
// The key pattern for the JSON Schema (the prefix's 253-character limit is checked by the refinement).
const LABEL_KEY_PATTERN = `^(${k.DNS_SUBDOMAIN.source.slice(1, -1)}/)?${k.LABEL_NAME.source.slice(1)}`;
export function labelKeyProblem(key: string): Verdict | undefined {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return !k.LABEL_NAME.test(name) || (prefix !== undefined && (prefix.length > 253 || !k.DNS_SUBDOMAIN.test(prefix)))
    ? [`${quoteValue(key)} is not a Kubernetes label key`, LABEL_KEY_FIX]
    : undefined;
}
const kubernetesLabelValue = text({
  missing: LABEL_VALUE_FIX,
  invalid: (v) => [`${quoteValue(v)} is not a Kubernetes label value`, LABEL_VALUE_FIX],
  pattern: k.LABEL_VALUE,
});
/** `launcher.kubernetes.labels`: label keys to values; a bad key is reported at the map, with the key quoted. */
export const kubernetesLabels = z
  .record(z.string(), kubernetesLabelValue, {
    error: (issue) =>
      says(
        isOutputLike(issue.input)
          ? "is an Output or a Promise"
          : `${quoteValue(issue.input)} is not a map of label names to values`,
        'pass e.g. { team: "platform" }',
      ),
  })
  .superRefine((labels, ctx) => {
    for (const key of Object.keys(labels).sort()) {
      const verdict = labelKeyProblem(key);
      if (verdict !== undefined) ctx.addIssue({ code: "custom", message: says(...verdict), input: key });
    }
  })
  .meta({ propertyNames: { type: "string", pattern: LABEL_KEY_PATTERN, maxLength: 317 } });
