import { readFileSync } from "node:fs";
import * as path from "node:path";

/** policies/push-policy.rego; it ships with the package. */
export const PUSH_POLICY_PATH = path.resolve(__dirname, "..", "..", "policies", "push-policy.rego");

/** The text of policies/push-policy.rego, the GIT_PUSH policy that ignores every push. */
export function renderPushPolicy(): string {
  return readFileSync(PUSH_POLICY_PATH, "utf8");
}
