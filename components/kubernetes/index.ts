/** The launcher on Kubernetes: what `launcher.kubernetes` creates. */
export type { KubernetesLauncherResources } from "./launcher";
export type { KubernetesNames } from "./manifests";
