/**
 * Cross-field rules: what no single field's schema can see. Each is a small
 * named refinement, attached next to the schema it guards; each runs even
 * when other fields failed (so one report holds every mistake), and so reads
 * the value defensively.
 */
import type { z } from "zod";
import { quoteValue } from "./inputError";
import { DEFAULT_SIGNING_SECRET_NAME } from "../runToken/contract";
import { GLOB_CHARACTERS } from "./primitives";
import { isOutputLike, says } from "./problems";
import {
  KUBERNETES_POLICY_PATH,
  POLICY_MOUNT_DIRECTORY,
  POLICY_VARIABLE,
  POLICY_VOLUME,
} from "../kubernetes/manifests";

type Ctx = z.core.$RefinementCtx<unknown>;
/** Run the rule even when other fields failed. */
export const ALWAYS = { when: () => true } as const;

function report(ctx: Ctx, path: PropertyKey[], problem: string, fix: string): void {
  ctx.addIssue({ code: "custom", path, message: says(problem, fix), input: undefined });
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** A value listed twice, reported at `path`. */
export function uniqueValues(ctx: Ctx, path: PropertyKey[], values: readonly string[], describe: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value))
      report(ctx, path, `${describe} ${quoteValue(value)} appears more than once`, `list each ${describe} once`);
    seen.add(value);
  }
}

/** Stack ids are unique among `stacks`. */
export function uniqueStackIds(stacks: unknown, ctx: Ctx): void {
  if (Array.isArray(stacks))
    uniqueValues(
      ctx,
      [],
      stacks.map((s) => record(s).id).filter((id): id is string => typeof id === "string"),
      "stack id",
    );
}

/** The GitHub secrets the workflow reads for the Spacelift API key. */
const RESERVED_SECRET_NAMES = ["SPACELIFT_API_KEY_ID", "SPACELIFT_API_KEY_SECRET"];
/** `<prefix>_<KIND>_<GENERATION>`: upper case, '.' and '-' as '_'. */
export function generationSecretName(prefix: string, kind: "PROPOSED" | "TRACKED", generation: string): string {
  return `${prefix}_${kind}_${generation.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
}

/**
 * `signing.keys`, `activeKey` and `secretName` together: generations unique,
 * the active one listed, and every derived GitHub secret name distinct,
 * within GitHub's limits and not the Spacelift API key's.
 */
export function keyGenerationRules(signing: unknown, ctx: Ctx): void {
  const { keys: rawKeys, activeKey, secretName } = record(signing);
  const keys = rawKeys === undefined ? ["1"] : strings(rawKeys);
  uniqueValues(ctx, ["keys"], keys, "key generation");
  if (typeof activeKey === "string" && keys.length > 0 && !keys.includes(activeKey)) {
    report(
      ctx,
      ["activeKey"],
      `${quoteValue(activeKey)} is not one of signing.keys ${quoteValue(keys)}`,
      "set activeKey to a listed generation, or add it to signing.keys first",
    );
  }
  const prefix = typeof secretName === "string" ? secretName : DEFAULT_SIGNING_SECRET_NAME;
  uniqueValues(
    ctx,
    ["keys"],
    [...new Set(keys)].map((g) => generationSecretName(prefix, "PROPOSED", g)),
    "GitHub secret name (generations that differ only in case, '.', '-' or '_' collide)",
  );
  for (const generation of new Set(keys)) {
    for (const name of [
      generationSecretName(prefix, "PROPOSED", generation),
      generationSecretName(prefix, "TRACKED", generation),
    ]) {
      if (name.length > 200)
        report(
          ctx,
          ["secretName"],
          `with generation ${quoteValue(generation)} gives ${quoteValue(name)}, longer than GitHub's 200 characters`,
          "choose a shorter secretName prefix or generation name",
        );
      if (RESERVED_SECRET_NAMES.includes(name.toUpperCase())) {
        report(
          ctx,
          ["secretName"],
          `with generation ${quoteValue(generation)} gives ${quoteValue(name)}, the name of the Spacelift API key's GitHub secret`,
          "choose another secretName prefix or generation name",
        );
      }
    }
  }
}

/** GitHub allows at most six required reviewers (users and teams together) on an environment. */
export const MAX_REVIEWERS = 6;
export const REVIEWERS_FIX =
  "give { users?: [GitHub user ids], teams?: [GitHub team ids] }, 1 to 6 ids in all, e.g. { teams: [4455667] }";
/** Required reviewers: 1 to 6 in all, each once. */
export function reviewerRules(reviewers: unknown, ctx: Ctx): void {
  const { users, teams } = record(reviewers);
  const ids = (list: unknown): string[] => (Array.isArray(list) ? list.map(String) : []);
  uniqueValues(ctx, ["users"], ids(users), "user id");
  uniqueValues(ctx, ["teams"], ids(teams), "team id");
  const count = ids(users).length + ids(teams).length;
  if (count === 0 || count > MAX_REVIEWERS)
    report(ctx, [], `lists ${count} reviewers`, `${REVIEWERS_FIX}; leave it out for no required reviewers`);
}

/**
 * A tracked branch names a GitHub environment whose deployment branch policy
 * admits exactly that branch; a glob character would make it a pattern.
 */
export function trackedBranchRules(args: unknown, ctx: Ctx): void {
  const { github, stacks } = record(args);
  const defaultBranch = record(github).branch ?? "main";
  const verdict = (branch: string): [string, string] => [
    `${quoteValue(branch)} has a glob character (*, ?, [, ], {, }, !), which a deployment branch policy reads as a pattern`,
    "track a branch whose name has none, so its environment admits exactly that branch",
  ];
  let defaultTracked = false;
  (Array.isArray(stacks) ? stacks : []).forEach((stack, index) => {
    const branch = record(stack).branch;
    if (branch === undefined) defaultTracked = true;
    else if (typeof branch === "string" && GLOB_CHARACTERS.test(branch))
      report(ctx, ["stacks", index, "branch"], ...verdict(branch));
  });
  if (defaultTracked && typeof defaultBranch === "string" && GLOB_CHARACTERS.test(defaultBranch))
    report(ctx, ["github", "branch"], ...verdict(defaultBranch));
}

export interface GrantView {
  /** "owner/name", or undefined while it is an Output. */
  repository: string | undefined;
  stacks: unknown;
  path: PropertyKey[];
}

/** Each repository granted once (case-insensitively), each stack to one repository only. */
export function grantRules(grants: readonly GrantView[], ctx: Ctx): void {
  const stackOwner = new Map<string, string>();
  const repositories = new Map<string, PropertyKey[]>();
  for (const grant of grants) {
    const name = grant.repository ?? fieldName(grant.path);
    if (grant.repository !== undefined) {
      const folded = grant.repository.toLowerCase();
      const first = repositories.get(folded);
      if (first !== undefined)
        report(
          ctx,
          [...grant.path, "repository"],
          `${quoteValue(grant.repository)} is granted in ${fieldName(first)} too`,
          "give each repository one grant that lists all its stacks",
        );
      else repositories.set(folded, grant.path);
    }
    (Array.isArray(grant.stacks) ? grant.stacks : []).forEach((stack, index) => {
      if (typeof stack !== "string") return;
      const other = stackOwner.get(stack);
      if (other !== undefined)
        report(
          ctx,
          [...grant.path, "stacks", index],
          `stack ${quoteValue(stack)} is granted to ${other} too`,
          "grant each stack to one repository only: the pool trusts one repository's keys per stack",
        );
      else stackOwner.set(stack, name);
    });
  }
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

/** The grants as a pool's `repositories` argument holds them. */
export function grantsOf(grants: unknown, field: string): GrantView[] {
  return (Array.isArray(grants) ? grants : []).map((grant, index) => {
    const { repository, stacks } = record(grant);
    return { repository: typeof repository === "string" ? repository : undefined, stacks, path: [field, index] };
  });
}

/** A refinement: the list's strings are unique, each reported as a `describe`. */
export function uniqueValuesOf(describe: string) {
  return (values: unknown, ctx: Ctx): void => uniqueValues(ctx, [], strings(values), describe);
}

/**
 * The initialization policy's keys together, direct and granted: at least one
 * key, kids unique, no key material under two kids (whoever holds it could sign
 * with the stacks and run types of either), each granted key sharing a stack
 * with its grant, and sampling (which logs the policy body) only with HS256
 * secrets when the caller acknowledged it. `material` is a key's secret or
 * normalised public key, or undefined when the key's own schema refused it.
 */
export function policyKeyRules(keysFix: string, material: (key: Record<string, unknown>) => string | undefined) {
  return (options: unknown, ctx: Ctx): void => {
    const { trustedKeys, repositories, sample, acknowledgeSampleLogsSecret } = record(options);
    const keys = (Array.isArray(trustedKeys) ? trustedKeys : []).map(record);
    const grants = Array.isArray(repositories) ? repositories.map(record) : [];
    grants.forEach((grant, index) => {
      const granted = strings(grant.stacks);
      (Array.isArray(grant.trustedKeys) ? grant.trustedKeys : []).map(record).forEach((key, keyIndex) => {
        keys.push(key);
        const own = strings(key.stacks);
        if (own.length > 0 && typeof grant.repository === "string" && !own.some((stack) => granted.includes(stack))) {
          report(
            ctx,
            ["repositories", index, "trustedKeys", keyIndex, "stacks"],
            `kid ${quoteValue(key.kid)} lists no stack granted to ${quoteValue(grant.repository)} (${own.map((s) => quoteValue(s)).join(", ")})`,
            `grant the stacks the key is for in repositories[${index}].stacks, or leave the key out`,
          );
        }
      });
    });
    if (keys.length === 0 && grants.length === 0) {
      report(
        ctx,
        ["trustedKeys"],
        Array.isArray(trustedKeys)
          ? "is an empty list and no repository grant holds a key"
          : "is missing and no repository grant holds a key",
        keysFix,
      );
    }
    uniqueValues(ctx, ["trustedKeys"], strings(keys.map((key) => key.kid)), "kid");
    const kidOf = new Map<string, unknown>();
    for (const key of keys) {
      const held = material(key);
      if (held === undefined) continue;
      const other = kidOf.get(held);
      if (other !== undefined) {
        report(
          ctx,
          ["trustedKeys"],
          `kid ${quoteValue(other)} and kid ${quoteValue(key.kid)} hold the same ${key.algorithm === "HS256" ? "secret" : "public key"} (value not shown), so whoever holds it could sign with the stacks and run types of either`,
          "give every kid its own key (spacelift-signed-runs keygen, or the component, makes one per key)",
        );
      } else kidOf.set(held, key.kid);
    }
    if (sample === true && keys.some((key) => key.algorithm === "HS256") && acknowledgeSampleLogsSecret !== true) {
      report(
        ctx,
        ["sample"],
        "is true while an HS256 key is trusted, and the launcher's sample log contains the policy body, so every sampled evaluation would write the HS256 secret to the launcher's log",
        "leave sample off, use ES256 keys only, or set acknowledgeSampleLogsSecret: true if the launcher's logs are as protected as the secret",
      );
    }
  };
}

/**
 * The workflow's keys against its stacks: one tracked entry per distinct
 * tracked branch (no more, no fewer), each in its own environment (GitHub
 * ignores case), every key its own kid, the proposed key's secret name not a
 * tracked key's nor, in API-key mode, the Spacelift API key's; and a spacectl
 * other than the pinned one comes with its digest.
 */
export function workflowRules(
  valid: { branch: z.ZodType; environment: z.ZodType },
  spacectl: { version: string; sha256: string },
) {
  const ok = (schema: z.ZodType, value: unknown): value is string =>
    typeof value === "string" && schema.safeParse(value).success;
  return (options: unknown, ctx: Ctx): void => {
    const { stacks, signing, spacelift, spacectlVersion, spacectlSha256 } = record(options);
    const branchOf = new Map<string, string>();
    for (const stack of (Array.isArray(stacks) ? stacks : []).map(record)) {
      const branch = stack.branch ?? "main";
      if (typeof stack.id === "string" && ok(valid.branch, branch) && !branchOf.has(branch))
        branchOf.set(branch, stack.id);
    }
    const apiKeyMode = record(record(spacelift).auth).type !== "oidc";
    const reserved = (name: unknown, path: PropertyKey[]) => {
      if (apiKeyMode && typeof name === "string" && RESERVED_SECRET_NAMES.includes(name.toUpperCase()))
        report(
          ctx,
          path,
          `${quoteValue(name)} is the secret that holds the Spacelift API key`,
          "give the signing key its own secret",
        );
    };
    const { proposed, tracked } = record(signing);
    const { kid: proposedKid, secretName: proposedSecret } = record(proposed);
    reserved(proposedSecret, ["signing", "proposed", "secretName"]);
    if (Array.isArray(tracked)) {
      const kids = new Map<unknown, string>([[proposedKid, "signing.proposed"]]);
      const environments = new Map<string, string>();
      const covered = new Set<string>();
      let allBranchesValid = true;
      tracked.map(record).forEach((entry, index) => {
        const at = ["signing", "tracked", index];
        const { branch, environment, kid, secretName } = entry;
        if (!ok(valid.branch, branch)) {
          allBranchesValid = false;
          return;
        }
        if (covered.has(branch)) {
          report(
            ctx,
            at,
            `is a second entry for branch ${quoteValue(branch)}`,
            "give each tracked branch exactly one entry",
          );
          return;
        }
        covered.add(branch);
        if (!branchOf.has(branch))
          report(
            ctx,
            [...at, "branch"],
            `${quoteValue(branch)} is the tracked branch of no stack`,
            `remove the entry, or list only the stacks' tracked branches: ${quoteValue([...branchOf.keys()])}`,
          );
        if (ok(valid.environment, environment)) {
          const other = environments.get(environment.toLowerCase());
          if (other !== undefined) {
            report(
              ctx,
              [...at, "environment"],
              `${quoteValue(environment)} is the environment of branch ${quoteValue(other)} too (GitHub ignores case in environment names)`,
              "give each tracked branch its own environment, so one branch's job can never read another branch's key",
            );
          } else environments.set(environment.toLowerCase(), branch);
        }
        const kidOwner = typeof kid === "string" ? kids.get(kid) : undefined;
        if (kidOwner !== undefined)
          report(
            ctx,
            [...at, "kid"],
            `${quoteValue(kid)} is the kid of ${kidOwner} too`,
            "give every key its own kid: one proposed key and one tracked key per tracked branch",
          );
        else if (typeof kid === "string") kids.set(kid, `signing.tracked[${index}]`);
        // Tracked keys may share a name (each lives in its own environment), but not the proposed key's:
        // a tracked job whose environment lacks the secret would read the repository's proposed key.
        if (
          typeof secretName === "string" &&
          typeof proposedSecret === "string" &&
          secretName.toUpperCase() === proposedSecret.toUpperCase()
        ) {
          report(
            ctx,
            [...at, "secretName"],
            `${quoteValue(secretName)} is the proposed key's repository secret too`,
            "give the tracked keys an environment secret name of their own, e.g. SPACELIFT_RUN_SIGNING_KEY_TRACKED_1",
          );
        } else reserved(secretName, [...at, "secretName"]);
      });
      if (allBranchesValid) {
        for (const [branch, stack] of branchOf) {
          if (!covered.has(branch)) {
            report(
              ctx,
              ["signing", "tracked"],
              `has no entry for branch ${quoteValue(branch)}, the tracked branch of stack ${quoteValue(stack)}`,
              `add { branch: ${quoteValue(branch)}, environment, kid, secretName } for the key that signs its TRACKED runs`,
            );
          }
        }
      }
    }
    const version = spacectlVersion ?? spacectl.version;
    if (version === spacectl.version) {
      if (
        typeof spacectlSha256 === "string" &&
        /^[0-9a-f]{64}$/.test(spacectlSha256) &&
        spacectlSha256 !== spacectl.sha256
      ) {
        report(
          ctx,
          ["spacectlSha256"],
          `${quoteValue(spacectlSha256)} is not the published digest of spacectl ${spacectl.version}`,
          "leave spacectlSha256 unset for the pinned version",
        );
      }
    } else if (typeof version === "string" && /^\d+\.\d+\.\d+$/.test(version) && spacectlSha256 === undefined) {
      report(
        ctx,
        ["spacectlSha256"],
        `is missing for spacectlVersion ${quoteValue(version)}`,
        `pass the spacectl_${version}_linux_amd64.zip line of spacectl_${version}_SHA256SUMS from the release, or leave spacectlVersion unset for ${spacectl.version}`,
      );
    }
  };
}

/**
 * `launcher.kubernetes.pod`: the pass-through may set anything the CRD allows (the API server checks the
 * fields), except what the component owns: the policy volume, its mount, the mount directory and the policy
 * variable. The lists the component extends (`volumes`, `initContainer.env`, `initContainer.volumeMounts`)
 * must be plain so they can be checked.
 */
export function podPassThroughRules(pod: unknown, ctx: Ctx): void {
  const plainList = (path: PropertyKey[], value: unknown): unknown[] => {
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    report(
      ctx,
      path,
      isOutputLike(value) ? "is an Output or a Promise" : `${quoteValue(value)} is not a list`,
      "pass a plain list (its items' values may be Outputs), so the component can check it does not clash with the policy's own entries",
    );
    return [];
  };
  const clash = (path: PropertyKey[], value: string, why: string) =>
    report(
      ctx,
      path,
      `${quoteValue(value)} clashes with what the component sets (${why})`,
      "remove it from the pod settings; the component mounts the policy and sets the variable itself",
    );
  const { volumes, initContainer } = record(pod);
  plainList(["volumes"], volumes).forEach((volume, index) => {
    if (record(volume).name === POLICY_VOLUME)
      clash(["volumes", index, "name"], POLICY_VOLUME, "the component's policy volume");
  });
  if (initContainer === undefined) return;
  if (
    isOutputLike(initContainer) ||
    typeof initContainer !== "object" ||
    initContainer === null ||
    Array.isArray(initContainer)
  ) {
    report(
      ctx,
      ["initContainer"],
      isOutputLike(initContainer) ? "is an Output or a Promise" : `${quoteValue(initContainer)} is not an object`,
      "pass a plain object",
    );
    return;
  }
  const { env, volumeMounts } = record(initContainer);
  plainList(["initContainer", "env"], env).forEach((variable, index) => {
    if (record(variable).name === POLICY_VARIABLE)
      clash(
        ["initContainer", "env", index, "name"],
        POLICY_VARIABLE,
        "set by the component to the mounted policy's path",
      );
  });
  plainList(["initContainer", "volumeMounts"], volumeMounts).forEach((mount, index) => {
    const { name, mountPath } = record(mount);
    if (name === POLICY_VOLUME)
      clash(["initContainer", "volumeMounts", index, "name"], POLICY_VOLUME, "the component's policy mount");
    if (typeof mountPath !== "string") return;
    const trimmed = mountPath.replace(/\/+$/, "");
    if (trimmed === POLICY_MOUNT_DIRECTORY || POLICY_MOUNT_DIRECTORY.startsWith(`${trimmed}/`))
      clash(
        ["initContainer", "volumeMounts", index, "mountPath"],
        mountPath,
        `it would hide or contain the policy's mount at ${POLICY_MOUNT_DIRECTORY}`,
      );
  });
}

/** `launcher`: Kubernetes pods read the policy where the component mounts it, so `policyPath` cannot go beside `kubernetes`. */
export function launcherRules(launcher: unknown, ctx: Ctx): void {
  const { policyPath, kubernetes } = record(launcher);
  if (kubernetes !== undefined && policyPath !== undefined)
    report(
      ctx,
      ["policyPath"],
      `${quoteValue(policyPath)} is given with launcher.kubernetes, whose pods read the policy at ${KUBERNETES_POLICY_PATH}`,
      "leave launcher.policyPath out when launcher.kubernetes is set",
    );
}

/**
 * `launcher.kubernetes.credentials` against `workerPool`: required for an existing pool (`{ id }`), whose
 * token and private key the component cannot read; refused for a pool the component creates. Never quoted.
 */
export function kubernetesCredentialsRules(args: unknown, ctx: Ctx): void {
  const { workerPool, launcher } = record(args);
  const kubernetes = record(launcher).kubernetes;
  if (kubernetes === undefined) return;
  const given = record(kubernetes).credentials !== undefined;
  const existingPool = record(workerPool).id !== undefined;
  const path = ["launcher", "kubernetes", "credentials"];
  if (existingPool && !given)
    report(
      ctx,
      path,
      "is missing, and the pool is an existing one (workerPool.id), whose token and private key the component cannot read",
      'pass launcher.kubernetes.credentials: { token: config.requireSecret("poolToken"), privateKey: config.requireSecret("poolPrivateKey") }',
    );
  if (!existingPool && given)
    report(
      ctx,
      path,
      "is given, but the component creates the pool and uses its own token and private key",
      "leave launcher.kubernetes.credentials out, or give workerPool: { id } for an existing pool",
    );
}
