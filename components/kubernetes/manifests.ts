/**
 * The Kubernetes objects that deliver the launcher's initialization policy to
 * Spacelift's worker-pool controller: a Secret with the pool's credentials, a
 * Secret with the policy, and the `workers.spacelift.io/v1beta1` WorkerPool that
 * references both. Plain functions of plain values, shared by the component
 * (which fills in Outputs) and the CLI's `render` (which writes YAML).
 */
import { SignedRunsInputError, quoteValue } from "../schema/inputError";

export const WORKER_POOL_API_VERSION = "workers.spacelift.io/v1beta1";
export const WORKER_POOL_KIND = "WorkerPool";
/** The key the policy is stored under, as in Spacelift's own example. */
export const POLICY_KEY = "initialization-policy.rego";
/** Where the policy's Secret is mounted in each run pod's init container (Spacelift's example's directory). */
export const POLICY_MOUNT_DIRECTORY = "/opt/spacelift/policies/initialization";
/** The variable's value: the mounted directory plus the key. */
export const KUBERNETES_POLICY_PATH = `${POLICY_MOUNT_DIRECTORY}/${POLICY_KEY}`;
export const POLICY_VARIABLE = "SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY";
/** The pod volume (and init-container mount) the component owns. */
export const POLICY_VOLUME = "signed-runs-initialization-policy";
/** Keys of the credentials Secret, named as in Spacelift's docs (`--from-literal=token=… --from-literal=privateKey=…`). */
export const TOKEN_KEY = "token";
export const PRIVATE_KEY_KEY = "privateKey";
export const DEFAULT_POOL_SIZE = 2;

// DNS-1123: a label (namespaces, volume names) and a subdomain (object names).
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// The longest suffix the component appends to `name` ("-initialization-policy"), kept within a 63-character label.
const NAME_SUFFIX = "-initialization-policy";
const MAX_NAME = 63 - NAME_SUFFIX.length;
// Label keys: an optional DNS subdomain prefix and a name of 1 to 63 characters; values up to 63.
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The plain settings the manifests are built from, after validation. */
export interface KubernetesPlan {
  namespace: string;
  createNamespace: boolean;
  /** Base of every object's name: the WorkerPool itself, `<name>-pool-credentials`, `<name>-initialization-policy`. */
  name: string;
  poolSize: number;
  labels: Record<string, string>;
  /** The rest of the WorkerPool's `spec.pod`, merged with what the component sets. */
  pod: Record<string, unknown>;
}

/** The Kubernetes names of the objects, all in the plan's namespace. */
export interface KubernetesNames {
  /** The WorkerPool: `<name>`. */
  workerPool: string;
  /** The credentials Secret: `<name>-pool-credentials`. */
  credentialsSecret: string;
  /** The policy Secret: `<name>-initialization-policy`. */
  policySecret: string;
}

export function kubernetesNames(plan: Pick<KubernetesPlan, "name">): KubernetesNames {
  return {
    workerPool: plan.name,
    credentialsSecret: `${plan.name}-pool-credentials`,
    policySecret: `${plan.name}${NAME_SUFFIX}`,
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

/** A Pulumi Output or a Promise: something this module cannot look into before deployment. */
function isEventual(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (typeof (value as { then?: unknown }).then === "function" ||
      typeof (value as { apply?: unknown }).apply === "function")
  );
}

const FIX_NAME = "use a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit";

/**
 * Checks `launcher.kubernetes` before any resource exists and returns its plain plan.
 * `defaultName` is the component's name, used when `name` is not given.
 */
export function planKubernetes(field: string, value: unknown, defaultName: string): KubernetesPlan {
  if (!isPlainObject(value)) {
    throw new SignedRunsInputError(field, `${quoteValue(value)} is not an object`, 'pass { namespace: "spacelift" }');
  }
  const known = ["namespace", "createNamespace", "name", "poolSize", "labels", "provider", "pod", "credentials"];
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      throw new SignedRunsInputError(
        `${field}.${key}`,
        "is not a setting of launcher.kubernetes",
        `use one of ${known.join(", ")}`,
      );
  }
  const namespace = value.namespace;
  if (typeof namespace !== "string" || namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    throw new SignedRunsInputError(
      `${field}.namespace`,
      `${quoteValue(namespace)} is not a Kubernetes namespace name`,
      `${FIX_NAME}, at most 63 characters, e.g. "spacelift"`,
    );
  }
  const createNamespace = value.createNamespace ?? false;
  if (typeof createNamespace !== "boolean") {
    throw new SignedRunsInputError(
      `${field}.createNamespace`,
      `${quoteValue(createNamespace)} is not true or false`,
      "pass true to create the namespace, or leave it out to use an existing one",
    );
  }
  const explicitName = value.name !== undefined;
  const name = explicitName ? value.name : defaultName;
  if (typeof name !== "string" || name.length > MAX_NAME || !DNS_LABEL.test(name)) {
    throw new SignedRunsInputError(
      `${field}.name`,
      `${quoteValue(name)}${explicitName ? "" : " (the component's name, the default)"} cannot name the Kubernetes objects`,
      `${FIX_NAME}, at most ${MAX_NAME} characters (the policy Secret appends "${NAME_SUFFIX}")${explicitName ? "" : `; set ${field}.name`}`,
    );
  }
  const poolSize = value.poolSize ?? DEFAULT_POOL_SIZE;
  if (typeof poolSize !== "number" || !Number.isInteger(poolSize) || poolSize < 0 || poolSize > 2_147_483_647) {
    throw new SignedRunsInputError(
      `${field}.poolSize`,
      `${quoteValue(poolSize)} is not a whole number of workers`,
      `give an integer from 0 (the pool's CRD field is an int32 with minimum 0); default ${DEFAULT_POOL_SIZE}`,
    );
  }
  const labels = planLabels(`${field}.labels`, value.labels ?? {});
  const pod = planPod(`${field}.pod`, value.pod ?? {});
  return { namespace, createNamespace, name, poolSize, labels, pod };
}

function planLabels(field: string, labels: unknown): Record<string, string> {
  if (!isPlainObject(labels))
    throw new SignedRunsInputError(
      field,
      `${quoteValue(labels)} is not a map of label names to values`,
      'pass e.g. { team: "platform" }',
    );
  const out: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const labelName = slash >= 0 ? key.slice(slash + 1) : key;
    if (!LABEL_NAME.test(labelName) || (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))) {
      throw new SignedRunsInputError(
        `${field}`,
        `${quoteValue(key)} is not a Kubernetes label key`,
        "use [prefix/]name: an optional DNS subdomain prefix and a name of 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
      );
    }
    const labelValue = labels[key];
    if (typeof labelValue !== "string" || !LABEL_VALUE.test(labelValue)) {
      throw new SignedRunsInputError(
        `${field}.${key}`,
        `${quoteValue(labelValue)} is not a Kubernetes label value`,
        "use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or an empty string)",
      );
    }
    out[key] = labelValue;
  }
  return out;
}

/**
 * The pod pass-through may set anything the CRD allows (the API server checks the fields), except what the
 * component owns: the policy volume, its mount, the mount directory and the policy variable. The lists the
 * component extends (`volumes`, `initContainer.env`, `initContainer.volumeMounts`) must be plain so they can be checked.
 */
function planPod(field: string, pod: unknown): Record<string, unknown> {
  if (!isPlainObject(pod))
    throw new SignedRunsInputError(
      field,
      `${quoteValue(pod)} is not an object`,
      'pass the WorkerPool\'s spec.pod settings other than the policy, e.g. { launcherImage: "…" }',
    );
  const list = (at: string, value: unknown): unknown[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      throw new SignedRunsInputError(
        at,
        isEventual(value) ? "is an Output or a Promise" : `${quoteValue(value)} is not a list`,
        "pass a plain list (its items' values may be Outputs), so the component can check it does not clash with the policy's own entries",
      );
    }
    return value;
  };
  const nameOf = (item: unknown) => (isPlainObject(item) ? item.name : undefined);
  list(`${field}.volumes`, pod.volumes).forEach((volume, index) => {
    if (nameOf(volume) === POLICY_VOLUME)
      throw clash(`${field}.volumes[${index}].name`, POLICY_VOLUME, "the component's policy volume");
  });
  const init = pod.initContainer ?? {};
  if (!isPlainObject(init))
    throw new SignedRunsInputError(
      `${field}.initContainer`,
      isEventual(init) ? "is an Output or a Promise" : `${quoteValue(init)} is not an object`,
      "pass a plain object",
    );
  list(`${field}.initContainer.env`, init.env).forEach((variable, index) => {
    if (nameOf(variable) === POLICY_VARIABLE)
      throw clash(
        `${field}.initContainer.env[${index}].name`,
        POLICY_VARIABLE,
        "set by the component to the mounted policy's path",
      );
  });
  list(`${field}.initContainer.volumeMounts`, init.volumeMounts).forEach((mount, index) => {
    if (nameOf(mount) === POLICY_VOLUME)
      throw clash(`${field}.initContainer.volumeMounts[${index}].name`, POLICY_VOLUME, "the component's policy mount");
    const mountPath = isPlainObject(mount) ? mount.mountPath : undefined;
    if (
      typeof mountPath === "string" &&
      (mountPath.replace(/\/+$/, "") === POLICY_MOUNT_DIRECTORY ||
        POLICY_MOUNT_DIRECTORY.startsWith(`${mountPath.replace(/\/+$/, "")}/`))
    ) {
      throw clash(
        `${field}.initContainer.volumeMounts[${index}].mountPath`,
        mountPath,
        `it would hide or contain the policy's mount at ${POLICY_MOUNT_DIRECTORY}`,
      );
    }
  });
  return pod;
}

function clash(field: string, value: string, why: string): SignedRunsInputError {
  return new SignedRunsInputError(
    field,
    `${quoteValue(value)} clashes with what the component sets (${why})`,
    "remove it from the pod settings; the component mounts the policy and sets the variable itself",
  );
}

type Json = Record<string, unknown>;

/**
 * Pulumi's Kubernetes provider deletes with foreground propagation unless told otherwise, and then waits for the
 * cluster's garbage collector. The Secrets have no dependents, and the WorkerPool's worker pods are the
 * controller's to end, so deletion (destroy, or a replaced Secret) need not wait on anything. A created
 * Namespace too: the namespace controller deletes what is left in it whatever the propagation policy, and
 * the provider still waits until the Namespace itself is gone.
 */
export const DELETION_PROPAGATION_ANNOTATION = "pulumi.com/deletionPropagationPolicy";

function metadata(name: string, plan: KubernetesPlan, annotate: boolean): Json {
  return {
    name,
    namespace: plan.namespace,
    ...(Object.keys(plan.labels).length > 0 ? { labels: { ...plan.labels } } : {}),
    ...(annotate ? { annotations: { [DELETION_PROPAGATION_ANNOTATION]: "background" } } : {}),
  };
}

/** Options of the manifest builders: `pulumi` adds the provider's deletion annotation, which `render` leaves out. */
export interface ManifestOptions {
  pulumi?: boolean;
}

/** The Namespace, when the component creates it. */
export function namespaceManifest(plan: KubernetesPlan, options: ManifestOptions = {}): Json {
  const { namespace: _, ...cluster } = metadata(plan.namespace, plan, options.pulumi === true);
  return { apiVersion: "v1", kind: "Namespace", metadata: cluster };
}

/** The pool's credentials, under the keys the WorkerPool references. T: a string, or an Output of one. */
export function credentialsSecretManifest<T>(
  plan: KubernetesPlan,
  credentials: { token: T; privateKey: T },
  options: ManifestOptions = {},
): Json {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: metadata(kubernetesNames(plan).credentialsSecret, plan, options.pulumi === true),
    type: "Opaque",
    stringData: { [TOKEN_KEY]: credentials.token, [PRIVATE_KEY_KEY]: credentials.privateKey },
  };
}

/**
 * The policy is always kept in a Secret, for ES256 keys too: with an HS256 key the text is a secret, a
 * Secret is as readable by the controller as a ConfigMap, and one kind for both algorithms means that
 * switching algorithms updates the object instead of replacing it and the pod's volume source.
 */
export function policySecretManifest<T>(plan: KubernetesPlan, policy: T, options: ManifestOptions = {}): Json {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: metadata(kubernetesNames(plan).policySecret, plan, options.pulumi === true),
    type: "Opaque",
    stringData: { [POLICY_KEY]: policy },
  };
}

/**
 * The WorkerPool: its credentials from the credentials Secret, the policy Secret mounted read-only into
 * the init container, and the variable set to the mounted file.
 */
export function workerPoolManifest(plan: KubernetesPlan, options: ManifestOptions = {}): Json {
  const names = kubernetesNames(plan);
  const pod = plan.pod;
  const init = (pod.initContainer ?? {}) as Json;
  const spec: Json = {
    poolSize: plan.poolSize,
    token: { secretKeyRef: { name: names.credentialsSecret, key: TOKEN_KEY } },
    privateKey: { secretKeyRef: { name: names.credentialsSecret, key: PRIVATE_KEY_KEY } },
    pod: {
      ...pod,
      volumes: [
        ...((pod.volumes as unknown[]) ?? []),
        { name: POLICY_VOLUME, secret: { secretName: names.policySecret } },
      ],
      initContainer: {
        ...init,
        env: [...((init.env as unknown[]) ?? []), { name: POLICY_VARIABLE, value: KUBERNETES_POLICY_PATH }],
        volumeMounts: [
          ...((init.volumeMounts as unknown[]) ?? []),
          { name: POLICY_VOLUME, mountPath: POLICY_MOUNT_DIRECTORY, readOnly: true },
        ],
      },
    },
  };
  return {
    apiVersion: WORKER_POOL_API_VERSION,
    kind: WORKER_POOL_KIND,
    metadata: metadata(names.workerPool, plan, options.pulumi === true),
    spec,
  };
}
