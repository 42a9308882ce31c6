/**
 * The root project's stack configuration (every key is in Pulumi.example.yaml), as the basic example reads it:
 * each value under its config key, so a mistake is reported at the key `pulumi config set` takes, with the
 * command that fixes it. The component then parses what the example builds from it with its own schema.
 */
import { z } from "zod";
import * as c from "./component";
import * as p from "./primitives";
import { says } from "./problems";
import { ALWAYS } from "./rules";
import { list } from "./shapes";

/** `pulumi config set KEY VALUE`, with `--secret` for the one secret key. */
function setCommand(key: string, example: string): string {
  return `pulumi config set ${key === "spaceliftApiKeySecret" ? "--secret " : ""}${key} ${example}`;
}

const REQUIRED: Record<string, string> = {
  githubOwner: "acme",
  githubRepository: "payments-infra",
  spaceliftEndpoint: "https://acme.app.spacelift.io",
  stacks: '--path "stacks[0]" payments-prod',
};

/** A stack is its id, or an object as in SignedRunsArgs.stacks. */
const configStack = z.union([p.stackId, c.stack], {
  error: () => says("is neither a stack id nor a stack object", 'give "payments-prod" or { "id": "payments-prod" }'),
});

/**
 * The raw values: strings as Pulumi hands them, objects parsed from their JSON, the API key's secret as the
 * Output `getSecret` returns (only its presence is checked here; it is never read).
 */
const rawConfig = z.object({
  githubOwner: p.githubOwner.optional(),
  githubRepository: p.githubRepositoryName.optional(),
  githubBranch: p.branchName("the branch the workflow files are committed to").optional(),
  stacks: list(configStack, {
    missing: "list the stacks",
    empty: ["lists no stack", "list at least one stack id"],
  }).optional(),
  spaceliftEndpoint: p.spaceliftEndpoint.optional(),
  spaceliftApiKeyId: p.apiKeyId.optional(),
  spaceliftApiKeySecret: z.unknown().optional(),
  spaceliftOidcApiKeyId: p.apiKeyId.optional(),
  spaceliftOidcAudience: p.oidcAudience.optional(),
  signingAlgorithm: p.signingAlgorithm.optional(),
  signingKeys: list(p.keyGeneration, { missing: 'give a list such as ["2026-11"]' }).optional(),
  activeSigningKey: p.keyGeneration.optional(),
});

type RawConfig = z.input<typeof rawConfig>;

/** Every required key that is not set, each with the command that sets it. */
function requiredKeys(config: RawConfig, ctx: z.RefinementCtx): void {
  for (const [key, example] of Object.entries(REQUIRED)) {
    if (config[key as keyof RawConfig] === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: says("is not set", `set it (${setCommand(key, example)})`),
      });
    }
  }
}

/** Half a secret API key would silently leave the GitHub secrets unmanaged; say so instead. */
function wholeApiKey(config: RawConfig, ctx: z.RefinementCtx): void {
  if (config.spaceliftOidcApiKeyId !== undefined) return;
  const id = config.spaceliftApiKeyId !== undefined;
  const secret = config.spaceliftApiKeySecret !== undefined;
  if (id === secret) return;
  const missing = id ? "spaceliftApiKeySecret" : "spaceliftApiKeyId";
  ctx.addIssue({
    code: "custom",
    path: [missing],
    message: says(
      "is not set, but its other half is",
      `set it (${setCommand(missing, "").trimEnd()}), or unset both to manage the SPACELIFT_API_KEY_ID/_SECRET GitHub secrets yourself`,
    ),
  });
}

export const basicExampleConfig = rawConfig.superRefine(requiredKeys, ALWAYS).superRefine(wholeApiKey, ALWAYS);
