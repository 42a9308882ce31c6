import { readFileSync } from "node:fs";
import { policyFilePath } from "./policyFiles";

/** policies/push-policy.rego; it ships with the package. */
export const PUSH_POLICY_PATH = policyFilePath("push-policy.rego");

/** The text of policies/push-policy.rego, the GIT_PUSH policy that ignores every push. */
export function renderPushPolicy(): string {
  return readFileSync(PUSH_POLICY_PATH, "utf8");
}
