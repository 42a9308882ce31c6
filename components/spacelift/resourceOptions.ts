import * as pulumi from "@pulumi/pulumi";

/** Where the Pulumi engine downloads the `spacelift` resource plugin from (Spacelift's plugin server). */
export const SPACELIFT_PLUGIN_DOWNLOAD_URL = "https://downloads.spacelift.io/pulumi-plugins";
/** The last release of Spacelift's own Pulumi provider, whose schema this binding follows. */
export const SPACELIFT_PLUGIN_VERSION = "2.1.2";

/**
 * Adds the plugin location the official SDK would add. An explicit provider
 * (`provider`, or `providers` on a parent) still wins, so a provider instance
 * from either SDK, including the terraform-provider bridge, can be used.
 */
export function spaceliftResourceOptions(opts: pulumi.CustomResourceOptions | undefined, extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  const defaults: pulumi.CustomResourceOptions = { pluginDownloadURL: SPACELIFT_PLUGIN_DOWNLOAD_URL, version: SPACELIFT_PLUGIN_VERSION };
  return pulumi.mergeOptions(pulumi.mergeOptions(defaults, extra ?? {}), opts ?? {});
}
