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

// DNS-1123: a label (namespaces, volume names) and a subdomain (label-key prefixes).
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// The longest suffix the component appends to `name` ("-initialization-policy"), kept within a 63-character label.
export const NAME_SUFFIX = "-initialization-policy";
export const MAX_NAME = 63 - NAME_SUFFIX.length;
export const MAX_POOL_SIZE = 2_147_483_647;
// Label keys: an optional DNS subdomain prefix and a name of 1 to 63 characters; values up to 63.
export const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
export const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
export const FIX_NAME =
  "use a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit";
export const NAME_FIX = `${FIX_NAME}, at most ${MAX_NAME} characters (the policy Secret appends "${NAME_SUFFIX}")`;

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

/** `launcher.kubernetes` as its schema (components/schema/component.ts) accepted it, without the Pulumi-only settings. */
export interface KubernetesSettings {
  namespace: string;
  createNamespace?: boolean | undefined;
  name?: string | undefined;
  poolSize?: number | undefined;
  labels?: Record<string, string> | undefined;
  pod?: Record<string, unknown> | undefined;
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

/**
 * The plan of `launcher.kubernetes`, from values its schema accepted, with the defaults filled in.
 * `defaultName` is the component's name, used when `name` is not given; the schema cannot see it,
 * so it is checked here.
 */
export function planKubernetes(field: string, value: KubernetesSettings, defaultName: string): KubernetesPlan {
  const name = value.name ?? defaultName;
  if (value.name === undefined && (name.length > MAX_NAME || !DNS_LABEL.test(name))) {
    throw new SignedRunsInputError(
      `${field}.name`,
      `${quoteValue(name)} (the component's name, the default) cannot name the Kubernetes objects`,
      `${NAME_FIX}; set ${field}.name`,
    );
  }
  const labels = value.labels ?? {};
  return {
    namespace: value.namespace,
    createNamespace: value.createNamespace ?? false,
    name,
    poolSize: value.poolSize ?? DEFAULT_POOL_SIZE,
    labels: Object.fromEntries(
      Object.keys(labels)
        .sort()
        .map((key) => [key, labels[key]]),
    ),
    pod: value.pod ?? {},
  };
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
