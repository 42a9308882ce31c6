// STUB: replaced by the policy work (issue 2). Signature is final.
/** The text of policies/push-policy.rego, the GIT_PUSH policy that ignores every push. */
export function renderPushPolicy(): string {
  throw new Error("not implemented yet");
}
