import type { LauncherEnvironment } from "./args";

export { DEFAULT_LAUNCHER_POLICY_PATH } from "../schema/primitives";

/**
 * The launcher's environment. The pool's `config` is what the launcher calls
 * SPACELIFT_TOKEN; the provider already returns the private key base64-encoded,
 * which is the form SPACELIFT_POOL_PRIVATE_KEY takes.
 */
export function buildLauncherEnvironment(
  pool: { config?: string; privateKey?: string } | undefined,
  policyPath: string,
): LauncherEnvironment {
  return {
    ...(pool?.config !== undefined ? { SPACELIFT_TOKEN: pool.config } : {}),
    ...(pool?.privateKey !== undefined ? { SPACELIFT_POOL_PRIVATE_KEY: pool.privateKey } : {}),
    SPACELIFT_LAUNCHER_RUN_INITIALIZATION_POLICY: policyPath,
  };
}
