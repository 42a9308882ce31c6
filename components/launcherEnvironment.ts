import { SignedRunsInputError, quoteValue } from "./inputError";
import type { LauncherEnvironment } from "./signedRunsArgs";

/** Where the launcher reads the initialization policy unless `launcher.policyPath` says otherwise. */
export const DEFAULT_LAUNCHER_POLICY_PATH = "/etc/spacelift/signed-runs/initialization-policy.rego";

export function assertLauncherPolicyPath(field: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || !value.startsWith("/") || /[\s"'$`\\]/.test(value) || value.length > 1024) {
    throw new SignedRunsInputError(field, `${quoteValue(value)} is not an absolute path without spaces or quotes`, "give the absolute path where the launcher host stores the policy file, e.g. \"/etc/spacelift/initialization-policy.rego\"");
  }
}

/**
 * The launcher's environment. The pool's `config` is what the launcher calls
 * SPACELIFT_TOKEN; the provider already returns the private key base64-encoded,
 * which is the form SPACELIFT_POOL_PRIVATE_KEY takes.
 */
export function buildLauncherEnvironment(pool: { config?: string; privateKey?: string } | undefined, policyPath: string): LauncherEnvironment {
  assertLauncherPolicyPath("launcher.policyPath", policyPath);
  return {
    ...(pool?.config !== undefined ? { SPACELIFT_TOKEN: pool.config } : {}),
    ...(pool?.privateKey !== undefined ? { SPACELIFT_POOL_PRIVATE_KEY: pool.privateKey } : {}),
    SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY: policyPath,
  };
}
