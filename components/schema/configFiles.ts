/**
 * The JSON files the CLI reads: `render`'s signed-runs.json and `onboard`'s
 * repositories file. Built from the components' schemas, so a file and
 * `pulumi up` accept the same values; the JSON Schema shipped in
 * schema/signed-runs.schema.json is generated from `renderConfig`.
 */
import { z } from "zod";
import { quoteValue } from "./inputError";
import * as c from "./component";
import * as p from "./primitives";
import { says } from "./problems";
import { ALWAYS, keyGenerationRules, trackedBranchRules } from "./rules";
import { choice, list, oneOf, removed, strict } from "./shapes";

const path = (fix: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? says("is missing", fix)
          : says(`${quoteValue(issue.input)} is not a non-empty string`, fix),
    })
    .min(1, { error: () => says("is an empty string", fix) });
const schemaLine = z.string().optional().meta({ description: "The JSON Schema of this file, for editor completion." });

const SECRET_IN_FILE = "a secret does not belong in the config file, and render never needs it";
const configApiKey = choice(
  [
    strict(
      {
        id: p.apiKeyId,
        secret: removed(
          SECRET_IN_FILE,
          "remove it; give it to `pulumi up` as secret config or SPACELIFT_API_KEY_SECRET, and to GitHub as the SPACELIFT_API_KEY_SECRET secret",
        ),
      },
      "{ id }",
      { hidden: ["secret"] },
    ),
    c.oidcApiKey,
  ],
  (value) =>
    value.oidc !== undefined && (value.id !== undefined || value.secret !== undefined)
      ? [
          "gives both a secret key (id/secret) and oidc",
          'choose one: { "oidc": { "apiKeyId" } }, or { "id" } with the secret kept out of the file',
        ]
      : value.oidc !== undefined
        ? 1
        : 0,
  () => says("is not an object", 'write it as { "oidc": { "apiKeyId": "01H..." } }'),
);

const KEY_FILES_EXAMPLE = '{ "proposed": "keys/proposed.pem", "tracked": { "main": "keys/main.pem" } }';
const generationKeyFiles = z.strictObject(
  {
    proposed: path("use a file path relative to the config file").optional(),
    tracked: z.record(z.string(), path("use a file path relative to the config file")).optional(),
  },
  {
    error: (issue) => {
      if (issue.code === "unrecognized_keys")
        return "remove it or fix its spelling; the known fields here are proposed, tracked";
      if (typeof issue.input === "string")
        return says(
          "names one file, but each generation now has a proposed key and a tracked key per tracked branch",
          `give ${KEY_FILES_EXAMPLE} (relative to the config file), or leave the entry out for files in the key directory`,
        );
      return says(`${quoteValue(issue.input)} is not an object`, `give ${KEY_FILES_EXAMPLE}`);
    },
  },
);

const configSigning = strict(
  {
    ...c.signing.shape,
    keyDirectory: path("use a directory path relative to the config file").optional(),
    keyFiles: z
      .record(z.string(), generationKeyFiles, {
        error: () => says("is not an object", `write it as { "2026-11": ${KEY_FILES_EXAMPLE} }`),
      })
      .optional(),
  },
  '{ "algorithm": "ES256" }',
  { hidden: ["additionalTrustedKeys"] },
).superRefine(keyGenerationRules, ALWAYS);

/** `signing.keyFiles` names only listed generations and tracked branches. */
function keyFileRules(config: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  const root = (config ?? {}) as {
    github?: { branch?: unknown };
    stacks?: unknown;
    signing?: { keys?: unknown; keyFiles?: unknown };
  };
  const keyFiles = root.signing?.keyFiles;
  if (typeof keyFiles !== "object" || keyFiles === null) return;
  const keys = Array.isArray(root.signing?.keys) ? (root.signing.keys as unknown[]) : ["1"];
  const defaultBranch = root.github?.branch ?? "main";
  const branches = [
    ...new Set(
      (Array.isArray(root.stacks) ? root.stacks : []).map((s: { branch?: unknown }) => s?.branch ?? defaultBranch),
    ),
  ];
  for (const [generation, files] of Object.entries(keyFiles)) {
    if (!keys.includes(generation)) {
      ctx.addIssue({
        code: "custom",
        path: ["signing", "keyFiles", generation],
        message: says(
          `names a generation that is not in signing.keys (${keys.join(", ")})`,
          "add the generation to signing.keys, or remove this entry",
        ),
        input: undefined,
      });
    }
    const tracked = (files as { tracked?: unknown })?.tracked;
    for (const branch of typeof tracked === "object" && tracked !== null ? Object.keys(tracked) : []) {
      if (!branches.includes(branch)) {
        ctx.addIssue({
          code: "custom",
          path: ["signing", "keyFiles", generation, "tracked", branch],
          message: says(
            `names a branch no stack tracks (${branches.join(", ")})`,
            "use a stack's tracked branch, or remove this entry",
          ),
          input: undefined,
        });
      }
    }
  }
}

/**
 * `launcher.kubernetes` in a config file: the component's settings without the Pulumi-only ones. The
 * credentials are refused without being quoted; render writes a template for them instead.
 */
const configKubernetes = strict(
  {
    ...c.kubernetesSettings,
    provider: removed("is a Pulumi setting; render writes manifests for kubectl", "remove it"),
    credentials: removed(
      "the pool's credentials do not belong in the config file",
      "remove them; render writes launcher/pool-credentials.yaml.template for you to fill in a copy of",
    ),
  },
  c.KUBERNETES_EXAMPLE,
  { hidden: ["provider", "credentials"] },
);

/** `render`'s signed-runs.json: SignedRunsArgs without secrets, plus where the signing keys live on disk. */
export const renderConfig = strict(
  {
    $schema: schemaLine,
    github: c.github,
    stacks: c.stacks,
    spacelift: strict(
      { endpoint: p.spaceliftEndpoint, apiKey: configApiKey.optional() },
      '{ "endpoint": "https://acme.app.spacelift.io" }',
    ),
    workerPool: c.workerPoolSelection.optional(),
    pushPolicy: c.pushPolicySelection.optional(),
    signing: configSigning.optional(),
    workflow: c.workflow.optional(),
    launcher: c.launcherWith(configKubernetes).optional(),
  },
  '{ "github": {...}, "stacks": [...], "spacelift": {...} }',
  { hidden: ["$schema"] },
)
  .superRefine(trackedBranchRules, ALWAYS)
  .superRefine(keyFileRules, ALWAYS);

const repositoryEntry = strict(
  { owner: p.githubOwner, repository: p.githubRepositoryName, stacks: c.stacks },
  '{ "owner", "repository", "stacks" }',
).superRefine((entry, ctx) => trackedBranchRules({ stacks: (entry as { stacks?: unknown }).stacks }, ctx), ALWAYS);

/** Each repository listed once, each stack under one repository only. */
function onboardingRules(file: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  const repositories = (file as { repositories?: unknown })?.repositories;
  if (!Array.isArray(repositories)) return;
  const seen = new Map<string, number>();
  const stackOwner = new Map<string, number>();
  repositories.forEach((entry: { owner?: unknown; repository?: unknown; stacks?: unknown } | null, index) => {
    if (typeof entry?.owner === "string" && typeof entry.repository === "string") {
      const name = `${entry.owner}/${entry.repository}`.toLowerCase();
      const first = seen.get(name);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["repositories", index],
          message: says(
            `repository ${quoteValue(name)} is listed again (first at repositories[${first}])`,
            "list each repository once, with all its stacks",
          ),
          input: undefined,
        });
      else seen.set(name, index);
    }
    (Array.isArray(entry?.stacks) ? entry.stacks : []).forEach((stack: { id?: unknown } | null, stackIndex: number) => {
      const id = stack?.id;
      if (typeof id !== "string") return;
      const owner = stackOwner.get(id);
      if (owner !== undefined && owner !== index) {
        ctx.addIssue({
          code: "custom",
          path: ["repositories", index, "stacks", stackIndex, "id"],
          message: says(
            `stack ${quoteValue(id)} is also listed under repositories[${owner}]`,
            "give each stack to one repository: the pool trusts one repository's keys per stack",
          ),
          input: undefined,
        });
      } else stackOwner.set(id, index);
    });
  });
}

/** `onboard`'s repositories file. */
export const onboardingFile = strict(
  {
    $schema: schemaLine,
    spaceliftEndpoint: p.spaceliftEndpoint,
    algorithm: oneOf(["HS256", "ES256"], {
      missing: 'use "ES256" (the default) or "HS256"',
      invalid: (v) => [`${quoteValue(v)} is not a supported algorithm`, 'use "ES256" (the default) or "HS256"'],
    }).optional(),
    workerPool: c.workerPoolSelection.optional(),
    repositories: list(repositoryEntry, {
      missing: 'list at least one { "owner", "repository", "stacks" }',
      empty: ["lists no repository", 'list at least one { "owner", "repository", "stacks" }'],
    }),
  },
  'an object such as { "spaceliftEndpoint": "https://acme.app.spacelift.io", "repositories": [...] }',
  { hidden: ["$schema"] },
).superRefine(onboardingRules, ALWAYS);
