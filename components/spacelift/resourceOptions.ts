import * as pulumi from "@pulumi/pulumi";

/**
 * The base provider plugin of the default package: Pulumi's dynamic Terraform bridge, `terraform-provider`.
 * 1.1.3 is the newest release of github.com/pulumi/pulumi-terraform-provider (tag v1.1.3, 2026-05-27), which is
 * what `pulumi package add terraform-provider spacelift-io/spacelift` records as `baseProviderVersion` today.
 */
export const TERRAFORM_PROVIDER_PLUGIN_VERSION = "1.1.3";
/** Where the default package's Terraform provider comes from: Spacelift's official provider on the OpenTofu registry. */
export const SPACELIFT_TERRAFORM_PROVIDER_URL = "registry.opentofu.org/spacelift-io/spacelift";
/**
 * The official Spacelift Terraform provider version the default package is pinned to: the newest release of
 * github.com/spacelift-io/terraform-provider-spacelift (tag v1.53.5, 2026-07-31), which the OpenTofu registry serves.
 * Its resource docs are the schema the binding follows.
 */
export const SPACELIFT_TERRAFORM_PROVIDER_VERSION = "1.53.5";

/** Where the engine downloads the deprecated `spacelift` resource plugin from (Spacelift's plugin server). */
export const SPACELIFT_PLUGIN_DOWNLOAD_URL = "https://downloads.spacelift.io/pulumi-plugins";
/** The last release of Spacelift's own (deprecated, February 2024) Pulumi provider; it predates `engineType`. */
export const SPACELIFT_PLUGIN_VERSION = "2.1.2";

/**
 * The parameter the dynamic Terraform bridge takes: a provider from a registry (`remote`), or a local
 * provider binary (`local`, a path to a file named `terraform-provider-*`, e.g. a test double or a dev build).
 */
export type TerraformBridgeParameter =
  | {
      /** A provider the bridge downloads from a registry. */
      remote: {
        /** The provider's registry address, e.g. {@link SPACELIFT_TERRAFORM_PROVIDER_URL}. */
        url: string;
        /** The exact provider version, e.g. {@link SPACELIFT_TERRAFORM_PROVIDER_VERSION}; also the package version. */
        version: string;
      };
    }
  | {
      /** A provider binary on this machine; the package version is then `0.0.0`. */
      local: {
        /** The binary's path; its file name must start with `terraform-provider-` (checked by {@link setSpaceliftPackageSource}). */
        path: string;
      };
    };

/**
 * Which provider serves the `spacelift:*` resources when no explicit provider is given.
 * - `terraformBridge` (default): Spacelift's official Terraform provider through Pulumi's Terraform bridge,
 *   registered by the binding as a parameterized package; neither `pulumi package add` nor an explicit provider is needed.
 *   `parameter` defaults to {@link defaultTerraformBridgeParameter}.
 * - `legacyPlugin`: the deprecated `spacelift` 2.1.2 plugin from Spacelift's plugin server (no `engineType`).
 *
 * An explicit provider (`provider`/`providers` on a resource or a parent, from any SDK whose package is
 * `spacelift`) always wins over either.
 */
export type SpaceliftPackageSource =
  | {
      /** Spacelift's Terraform provider through Pulumi's Terraform bridge (needs Pulumi CLI 3.147 or newer). */
      kind: "terraformBridge";
      /** Which Terraform provider the bridge loads. Default: {@link defaultTerraformBridgeParameter}. */
      parameter?: TerraformBridgeParameter;
    }
  | {
      /** The deprecated `spacelift` 2.1.2 Pulumi plugin; it cannot set a policy's `engineType`. */
      kind: "legacyPlugin";
    };

/**
 * When set, the default package loads this local Terraform provider binary instead of the registry's
 * (the `local` parameter). Meant for tests and provider development; a program can call
 * {@link setSpaceliftPackageSource} instead.
 */
export const SPACELIFT_TERRAFORM_PROVIDER_PATH_ENV = "SPACELIFT_SIGNED_RUNS_TERRAFORM_PROVIDER_PATH";

/** The registry parameter: the official provider at the pinned version. */
export function defaultTerraformBridgeParameter(): TerraformBridgeParameter {
  return { remote: { url: SPACELIFT_TERRAFORM_PROVIDER_URL, version: SPACELIFT_TERRAFORM_PROVIDER_VERSION } };
}

let chosenSource: SpaceliftPackageSource | undefined;

/**
 * Selects the provider for every `spacelift:*` resource created afterwards in this program.
 * Call it before creating resources; `undefined` restores the default.
 */
export function setSpaceliftPackageSource(source: SpaceliftPackageSource | undefined): void {
  if (source?.kind === "terraformBridge" && source.parameter && "local" in source.parameter) {
    const base = source.parameter.local.path.split(/[\\/]/).pop() ?? "";
    if (!base.startsWith("terraform-provider-")) {
      // The bridge derives the provider name from the file name; anything else fails later, inside the engine.
      throw new Error(
        `spacelift package source: the local provider's file name must start with "terraform-provider-" (got "${base}")`,
      );
    }
  }
  chosenSource = source;
}

/** The source in effect: the one set, else the local binary named by the environment, else the registry. */
export function spaceliftPackageSource(): SpaceliftPackageSource {
  if (chosenSource) return chosenSource;
  const local = process.env[SPACELIFT_TERRAFORM_PROVIDER_PATH_ENV];
  if (local) return { kind: "terraformBridge", parameter: { local: { path: local } } };
  return { kind: "terraformBridge" };
}

/**
 * The package reference `spacelift:*` resources are registered under, or `undefined` for the legacy plugin.
 * The SDK caches one registration per deployment, so every resource shares one ref (and one default provider).
 */
export function spaceliftPackageRef(): Promise<string | undefined> | undefined {
  const source = spaceliftPackageSource();
  if (source.kind === "legacyPlugin") return undefined;
  const parameter = source.parameter ?? defaultTerraformBridgeParameter();
  if (!pulumi.runtime.supportsParameterization()) {
    throw new Error(
      "The Pulumi CLI running this program does not support parameterized packages, which the Spacelift binding uses by default. " +
        'Fix: use Pulumi CLI 3.147 or newer, or call spacelift.setSpaceliftPackageSource({ kind: "legacyPlugin" }).',
    );
  }
  return pulumi.runtime.registerPackage({
    baseProviderName: "terraform-provider",
    baseProviderVersion: TERRAFORM_PROVIDER_PLUGIN_VERSION,
    baseProviderDownloadUrl: "",
    packageName: "spacelift",
    // The bridge reports a local provider as version 0.0.0 (it has no registry version).
    packageVersion: "local" in parameter ? "0.0.0" : parameter.remote.version,
    base64Parameter: Buffer.from(JSON.stringify(parameter)).toString("base64"),
  });
}

/**
 * The options every `spacelift:*` resource is registered with. Under the legacy plugin, its download location and
 * version; under the bridge nothing (the package ref carries it). An explicit provider (`provider`, or `providers`
 * on a parent) still wins, so a provider instance from either SDK can be used.
 */
export function spaceliftResourceOptions(
  opts: pulumi.CustomResourceOptions | undefined,
  extra?: pulumi.CustomResourceOptions,
): pulumi.CustomResourceOptions {
  const defaults: pulumi.CustomResourceOptions =
    spaceliftPackageSource().kind === "legacyPlugin"
      ? { pluginDownloadURL: SPACELIFT_PLUGIN_DOWNLOAD_URL, version: SPACELIFT_PLUGIN_VERSION }
      : {};
  return pulumi.mergeOptions(pulumi.mergeOptions(defaults, extra ?? {}), opts ?? {});
}
