/** The launcher's initialization policy and the push policy: renderers and the types they take. */
export { renderInitializationPolicy } from "./initializationPolicy";
export type {
  EcdsaTrustedKey,
  HmacTrustedKey,
  InitializationPolicyOptions,
  RepositoryGrant,
  TrustedKey,
} from "./initializationPolicy";
export { renderPushPolicy } from "./pushPolicy";
