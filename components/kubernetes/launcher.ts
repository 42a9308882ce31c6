/**
 * `launcher.kubernetes`: its plan (the schema checked it before any resource exists), and declares the
 * Kubernetes objects (children of the pool component) with @pulumi/kubernetes.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { SignedRunsKubernetesLauncherArgs } from "../signedRuns/args";
import {
  credentialsSecretManifest,
  kubernetesNames,
  namespaceManifest,
  planKubernetes,
  policySecretManifest,
  workerPoolManifest,
  type KubernetesNames,
  type KubernetesPlan,
} from "./manifests";

const PULUMI = { pulumi: true };

export interface KubernetesLauncherPlan extends KubernetesPlan {
  provider: k8s.Provider | undefined;
  /** Given for an existing pool; undefined when the component creates the pool. */
  credentials: { token: pulumi.Input<string>; privateKey: pulumi.Input<string> } | undefined;
}

/** The plan of `launcher.kubernetes` from values its schema accepted (components/schema/component.ts), with the defaults filled in. */
export function planKubernetesLauncher(
  field: string,
  value: SignedRunsKubernetesLauncherArgs,
  componentName: string,
): KubernetesLauncherPlan {
  return { ...planKubernetes(field, value, componentName), provider: value.provider, credentials: value.credentials };
}

/** The Kubernetes objects `launcher.kubernetes` created, for programs that depend on them. */
export interface KubernetesLauncherResources {
  /** The objects' Kubernetes names. */
  names: KubernetesNames;
  /** The Namespace, when `createNamespace` is true. */
  namespace: k8s.core.v1.Namespace | undefined;
  /** The Secret with the pool's token and private key (keys `token` and `privateKey`). */
  credentialsSecret: k8s.core.v1.Secret;
  /** The Secret with `initialization-policy.rego`, mounted read-only into each run's init container. */
  policySecret: k8s.core.v1.Secret;
  /** Spacelift's `workers.spacelift.io/v1beta1` WorkerPool. */
  workerPool: k8s.apiextensions.CustomResource;
}

/**
 * Declares the objects. Their Kubernetes names are fixed (no random suffix), so a re-run finds them and a
 * `kubectl` user can name them; hence deleteBeforeReplace, since a replacement under the same name must
 * delete first. A new policy text changes the policy Secret only: in place when the provider has
 * `enableSecretMutable`, else by replacing it under the same name. The pods of later runs mount the new text.
 */
export function declareKubernetesLauncher(
  name: string,
  plan: KubernetesLauncherPlan,
  values: {
    policy: pulumi.Output<string>;
    credentials:
      | { token: pulumi.Input<string>; privateKey: pulumi.Input<string> }
      | pulumi.Output<{ token: string; privateKey: string }>;
  },
  parent: pulumi.Resource,
): KubernetesLauncherResources {
  const base: pulumi.CustomResourceOptions = {
    parent,
    deleteBeforeReplace: true,
    ...(plan.provider !== undefined ? { provider: plan.provider } : {}),
  };
  const namespace = plan.createNamespace
    ? new k8s.core.v1.Namespace(
        `${name}-kubernetes-namespace`,
        namespaceManifest(plan, PULUMI) as k8s.core.v1.NamespaceArgs,
        base,
      )
    : undefined;
  const inNamespace: pulumi.CustomResourceOptions = { ...base, dependsOn: namespace !== undefined ? [namespace] : [] };
  const credentials = pulumi.output(values.credentials);
  const credentialsSecret = new k8s.core.v1.Secret(
    `${name}-kubernetes-credentials`,
    credentialsSecretManifest(
      plan,
      { token: pulumi.secret(credentials.token), privateKey: pulumi.secret(credentials.privateKey) },
      PULUMI,
    ) as k8s.core.v1.SecretArgs,
    inNamespace,
  );
  // The policy stays secret exactly when the component's output is (HS256); a Secret object for both, see policySecretManifest.
  const policySecret = new k8s.core.v1.Secret(
    `${name}-kubernetes-policy`,
    policySecretManifest(plan, values.policy, PULUMI) as k8s.core.v1.SecretArgs,
    inNamespace,
  );
  const workerPool = new k8s.apiextensions.CustomResource(
    `${name}-kubernetes-worker-pool`,
    workerPoolManifest(plan, PULUMI) as k8s.apiextensions.CustomResourceArgs,
    { ...inNamespace, dependsOn: [...(namespace !== undefined ? [namespace] : []), credentialsSecret, policySecret] },
  );
  return { names: kubernetesNames(plan), namespace, credentialsSecret, policySecret, workerPool };
}
