/**
 * The components' arguments: SignedRunsArgs, SignedRunsRepositoryArgs and
 * SignedRunsWorkerPoolArgs with its grants. The hand-written interfaces in
 * signedRunsArgs.ts carry the TSDoc; typeChecks.ts proves at compile time that
 * they and these schemas describe the same values.
 */
import { z } from "zod";
import * as k8s from "@pulumi/kubernetes";
import { quoteValue } from "./inputError";
import * as p from "./primitives";
import { trustedKey } from "./renderOptions";
import { says } from "./problems";
import {
  ALWAYS,
  grantRules,
  grantsOf,
  keyGenerationRules,
  kubernetesCredentialsRules,
  launcherRules,
  podPassThroughRules,
  reviewerRules,
  trackedBranchRules,
  uniqueStackIds,
  REVIEWERS_FIX,
} from "./rules";
import { choice, deferrable, flag, list, oneOf, removed, strict } from "./shapes";

const plainText = z.string({ error: (issue) => says(`${quoteValue(issue.input)} is not a string`, "give a string") });
const labels = deferrable(list(deferrable(plainText), { missing: 'give a list of labels, e.g. ["team:payments"]' }));

export const github = strict(
  {
    owner: deferrable(p.githubOwner),
    repository: deferrable(p.githubRepositoryName),
    branch: p
      .branchName("the default tracked branch names its GitHub environment and the resources of its keys")
      .optional(),
  },
  "{ owner, repository } of the GitHub repository whose CI signs the runs",
);

const vendor = choice(
  [
    strict(
      {
        pulumi: strict(
          { loginUrl: deferrable(plainText), stackName: deferrable(plainText) },
          "{ loginUrl, stackName }",
        ),
      },
      "{ pulumi: { loginUrl, stackName } }",
    ),
    strict(
      {
        terraform: strict(
          {
            workflowTool: oneOf(["TERRAFORM_FOSS", "OPEN_TOFU", "CUSTOM"], {
              missing: "use TERRAFORM_FOSS, OPEN_TOFU or CUSTOM",
              invalid: (v) => [`${quoteValue(v)} is not a workflow tool`, "use TERRAFORM_FOSS, OPEN_TOFU or CUSTOM"],
            }).optional(),
            version: deferrable(plainText).optional(),
            workspace: deferrable(plainText).optional(),
          },
          "{ workflowTool?, version?, workspace? }",
        ),
      },
      "{ terraform: { workflowTool?, version? } }",
    ),
  ],
  (value) => {
    const tools = Object.keys(value).filter((key) => value[key] !== undefined);
    if (tools.length === 1 && tools[0] === "pulumi") return 0;
    if (tools.length === 1 && tools[0] === "terraform") return 1;
    return [
      `${quoteValue(value)} names no single tool`,
      "give exactly one of { pulumi: { loginUrl, stackName } } or { terraform: { workflowTool?, version? } }",
    ];
  },
  (value) =>
    says(
      `${quoteValue(value)} names no single tool`,
      "give exactly one of { pulumi: { loginUrl, stackName } } or { terraform: { workflowTool?, version? } }",
    ),
);

export const stackCreate = strict(
  {
    name: deferrable(plainText).optional(),
    spaceId: deferrable(plainText).optional(),
    labels: labels.optional(),
    description: deferrable(plainText).optional(),
    administrative: deferrable(flag("administrative")).optional(),
    autodeploy: deferrable(flag("autodeploy")).optional(),
    runnerImage: deferrable(plainText).optional(),
    protectFromDeletion: deferrable(flag("protectFromDeletion")).optional(),
    vendor: vendor.optional(),
  },
  'the stack settings, e.g. { spaceId: "root" }, or leave create out to use an existing stack',
);

export const stack = strict(
  {
    id: p.stackId,
    branch: p.branchName("a tracked branch names its GitHub environment and the resources of its keys").optional(),
    projectRoot: p.projectRoot.optional(),
    additionalProjectGlobs: list(p.projectGlob, { missing: 'give a list of globs, e.g. ["modules/**"]' }).optional(),
    create: stackCreate.optional(),
  },
  'an object such as { id: "payments-prod" }',
);

export const stacks = list(stack, {
  missing: 'list at least one Spacelift stack, e.g. [{ id: "payments-prod" }]',
  empty: ["lists no stack", 'list at least one Spacelift stack, e.g. [{ id: "payments-prod" }]'],
}).superRefine(uniqueStackIds, ALWAYS);

const API_KEY_FIX = "give { id, secret } for a secret API key or { oidc: { apiKeyId, audience? } } for an OIDC API key";
export const oidcApiKey = strict(
  {
    oidc: strict({ apiKeyId: deferrable(p.apiKeyId), audience: p.oidcAudience.optional() }, "{ apiKeyId, audience? }"),
  },
  "{ oidc: { apiKeyId, audience? } }",
);
/** The secret is never quoted: its schema has no message that shows the value. */
const secretText = z.string({
  error: (issue) =>
    issue.input === undefined
      ? says("is missing", API_KEY_FIX)
      : says("is not a string (value not shown)", "give the API key's secret as a string"),
});
export const apiKey = choice(
  [strict({ id: deferrable(plainText), secret: deferrable(secretText) }, "{ id, secret }"), oidcApiKey],
  (value) => {
    const hasSecretKey = value.id !== undefined || value.secret !== undefined;
    if (hasSecretKey && value.oidc !== undefined)
      return ["gives both a secret key (id/secret) and oidc", `choose one: ${API_KEY_FIX}`];
    if (value.oidc !== undefined) return 1;
    if (value.id === undefined || value.secret === undefined)
      return [`lacks ${value.id === undefined ? "id" : "secret"}`, API_KEY_FIX];
    return 0;
  },
  () => says("is not an object", API_KEY_FIX),
);

export const spacelift = strict(
  { endpoint: deferrable(p.spaceliftEndpoint), apiKey: apiKey.optional() },
  '{ endpoint: "https://<account>.app.spacelift.io" }',
);

/** `{ id }` selects an existing resource; the settings describe one to create; both at once cannot go together. */
function selection<S extends z.core.$ZodLooseShape>(settings: S, what: string) {
  const createKeys = Object.keys(settings);
  return choice(
    [strict({ id: deferrable(plainText) }, "{ id }"), strict(settings, `settings (${createKeys.join(", ")})`)],
    (value) => {
      const keys = Object.keys(value).filter((key) => value[key] !== undefined);
      if (!keys.includes("id")) return 1;
      if (keys.length > 1)
        return [
          `gives id together with ${keys.filter((k) => k !== "id").join(", ")}`,
          "give only id to use an existing one, or leave id out to create one with these settings",
        ];
      return 0;
    },
    (value) =>
      says(
        `${quoteValue(value)} is not an object`,
        `give { id } for an existing ${what}, or settings (${createKeys.join(", ")}) to create one`,
      ),
  );
}

export const workerPoolSelection = selection(
  {
    name: deferrable(plainText).optional(),
    description: deferrable(plainText).optional(),
    labels: labels.optional(),
    spaceId: deferrable(plainText).optional(),
  },
  "worker pool",
);
export const pushPolicySelection = selection(
  {
    name: deferrable(plainText).optional(),
    labels: labels.optional(),
    spaceId: deferrable(plainText).optional(),
    engineType: oneOf(["REGO_V0", "REGO_V1"], {
      missing: 'use "REGO_V1" or "REGO_V0", or leave it out for the provider\'s default',
      invalid: (v) => [
        `${quoteValue(v)} is not a policy engine`,
        'use "REGO_V1" or "REGO_V0", or leave it out for the provider\'s default',
      ],
    }).optional(),
  },
  "push policy",
);

export const trackedReviewers = strict(
  {
    users: list(p.githubId("user"), { missing: REVIEWERS_FIX }).optional(),
    teams: list(p.githubId("team"), { missing: REVIEWERS_FIX }).optional(),
  },
  REVIEWERS_FIX,
).superRefine(reviewerRules, ALWAYS);

export const signing = strict(
  {
    algorithm: p.signingAlgorithm.optional(),
    keys: list(p.keyGeneration, {
      missing: 'list at least one generation, e.g. ["2026-11"], or leave it out for the default ["1"]',
      empty: [
        "lists no key generation",
        'list at least one generation, e.g. ["2026-11"], or leave it out for the default ["1"]',
      ],
    }).optional(),
    activeKey: p.keyGeneration.optional(),
    maxTokenLifetimeSeconds: p.tokenLifetime.optional(),
    secretName: p.githubSecretName.optional(),
    trackedReviewers: trackedReviewers.optional(),
    additionalTrustedKeys: removed(
      "is no longer taken: the pool's owner grants each repository its stacks",
      'pass additionalRepositories: [{ repository: "owner/name", stacks: [...], trustedKeys: other.trustedKeys }] to SignedRuns, or use SignedRunsWorkerPool\'s repositories',
    ),
  },
  "{ algorithm?, keys?, activeKey?, maxTokenLifetimeSeconds?, secretName?, trackedReviewers? }",
  { hidden: ["additionalTrustedKeys"] },
).superRefine(keyGenerationRules, ALWAYS);

export const workflow = strict(
  {
    branch: deferrable(p.branchName()).optional(),
    commitMessage: deferrable(plainText).optional(),
    spacectlVersion: plainText.optional(),
    spacectlSha256: plainText.optional(),
  },
  "{ branch?, commitMessage?, spacectlVersion?, spacectlSha256? }",
);

/** A pool credential: never quoted, whatever is wrong with it. */
const poolSecret = (what: string) =>
  z.string({
    error: (issue) =>
      issue.input === undefined
        ? says("is missing", `give the pool's ${what}, as a secret (config.requireSecret(...))`)
        : says("is not a string (value not shown)", `give the pool's ${what} as a string, as a secret`),
  });
const CREDENTIALS_FIX = "pass { token, privateKey } (the pool's config and its base64-encoded private key), as secrets";
export const kubernetesCredentials = z.strictObject(
  {
    token: deferrable(poolSecret("token (its config)")),
    privateKey: deferrable(poolSecret("base64-encoded private key")),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? "remove it or fix its spelling; the known fields here are token, privateKey"
        : says(issue.input === undefined ? "is missing" : "is not an object (value not shown)", CREDENTIALS_FIX),
  },
);

// abort: false, so the cross-field rules still run and report beside it.
const kubernetesProvider = z.custom<k8s.Provider>((value) => k8s.Provider.isInstance(value), {
  abort: false,
  error: () =>
    says(
      "is not a kubernetes.Provider",
      "pass new kubernetes.Provider(...) from @pulumi/kubernetes, or leave it out for the default provider",
    ),
});

/** The WorkerPool's `spec.pod` pass-through: anything but what the component sets. */
const kubernetesPod = z
  .record(z.string(), z.unknown(), {
    error: (issue) =>
      says(
        `${quoteValue(issue.input)} is not an object`,
        'pass the WorkerPool\'s spec.pod settings other than the policy, e.g. { launcherImage: "…" }',
      ),
  })
  .superRefine(podPassThroughRules);

/** The settings of `launcher.kubernetes` that a config file takes too. */
export const kubernetesSettings = {
  namespace: p.kubernetesNamespace,
  createNamespace: p.kubernetesCreateNamespace.optional(),
  name: p.kubernetesObjectName.optional(),
  poolSize: p.kubernetesPoolSize.optional(),
  labels: p.kubernetesLabels.optional(),
  pod: kubernetesPod.optional(),
};
export const KUBERNETES_EXAMPLE = '{ namespace: "spacelift", poolSize?, labels?, pod? }';

/** `launcher.kubernetes`: checked whole before any resource exists; planKubernetesLauncher fills in the defaults. */
export const kubernetesLauncher = strict(
  { ...kubernetesSettings, provider: kubernetesProvider.optional(), credentials: kubernetesCredentials.optional() },
  KUBERNETES_EXAMPLE,
);

/** `launcher`, with the given schema of `launcher.kubernetes` (the component's, or the config file's). */
export function launcherWith<K extends z.ZodType>(kubernetes: K) {
  return strict(
    { policyPath: p.launcherPolicyPath.optional(), kubernetes: kubernetes.optional() },
    "{ policyPath?, kubernetes? }",
  ).superRefine(launcherRules, ALWAYS);
}
export const launcher = launcherWith(kubernetesLauncher);

/**
 * The repository's keys, with the schema renderInitializationPolicy parses them with:
 * a plain list now, an Output when the pool's policy is rendered from it.
 */
const trustedKeyList = deferrable(
  list(trustedKey, { missing: "pass the repository's keys, e.g. repository.trustedKeys" }),
);

export const GRANT_EXAMPLE =
  '[{ repository: "acme/payments-infra", stacks: ["payments-prod"], trustedKeys: repo.trustedKeys }]';
export const grant = strict(
  {
    repository: p.githubRepositoryPath,
    stacks: list(p.stackId, {
      missing: "list the stack ids this repository may sign runs for",
      empty: ["lists no stack", "list the stack ids this repository may sign runs for"],
    }),
    trustedKeys: trustedKeyList,
  },
  '{ repository: "owner/name", stacks: [...], trustedKeys }',
);
const grants = (empty: string) =>
  list(grant, { missing: `pass ${GRANT_EXAMPLE}`, empty: [empty, `pass ${GRANT_EXAMPLE}`], of: "grants" });

// SignedRuns takes everything a repository takes except workerPoolId (it owns its pool).
const repositoryHead = { github, stacks, spacelift };
const repositoryTail = {
  pushPolicy: pushPolicySelection.optional(),
  signing: signing.optional(),
  workflow: workflow.optional(),
};
const repositoryShape = { ...repositoryHead, workerPoolId: deferrable(plainText).optional(), ...repositoryTail };
const signedRunsShape = { ...repositoryHead, ...repositoryTail };

export const signedRunsRepositoryArgs = strict(repositoryShape, "{ github, stacks, spacelift }").superRefine(
  trackedBranchRules,
  ALWAYS,
);

export const signedRunsArgs = strict(
  {
    ...signedRunsShape,
    workerPool: workerPoolSelection.optional(),
    launcher: launcher.optional(),
    additionalRepositories: list(grant, { missing: `pass ${GRANT_EXAMPLE}` }).optional(),
  },
  "{ github, stacks, spacelift }",
)
  .superRefine(trackedBranchRules, ALWAYS)
  .superRefine(kubernetesCredentialsRules, ALWAYS)
  .superRefine((args, ctx) => {
    // This repository's own grant comes first, so a stack also granted elsewhere is reported at the other entry.
    const own = args as { github?: { owner?: unknown; repository?: unknown }; stacks?: Array<{ id?: unknown }> };
    const name =
      typeof own.github?.owner === "string" && typeof own.github?.repository === "string"
        ? `${own.github.owner}/${own.github.repository}`
        : undefined;
    const ownStacks = Array.isArray(own.stacks)
      ? [...new Set(own.stacks.map((s) => s?.id).filter((id) => typeof id === "string"))]
      : [];
    grantRules(
      [
        { repository: name, stacks: ownStacks, path: ["github"] },
        ...grantsOf((args as { additionalRepositories?: unknown }).additionalRepositories, "additionalRepositories"),
      ],
      ctx,
    );
  }, ALWAYS);

export const signedRunsWorkerPoolArgs = strict(
  {
    trustedKeys: removed(
      "is no longer taken: which stacks a key may sign for is the pool owner's grant, not the key's claim",
      `pass repositories: ${GRANT_EXAMPLE}`,
    ),
    workerPool: workerPoolSelection.optional(),
    repositories: grants("lists no repository"),
    maxTokenLifetimeSeconds: p.tokenLifetime.optional(),
    issuer: p.issuer.optional(),
    launcher: launcher.optional(),
  },
  "{ repositories: [...] }",
  { hidden: ["trustedKeys"] },
)
  .superRefine(
    (args, ctx) => grantRules(grantsOf((args as { repositories?: unknown }).repositories, "repositories"), ctx),
    ALWAYS,
  )
  .superRefine(kubernetesCredentialsRules, ALWAYS);
