// STUB: replaced by the policy work (issue 2). Signatures are final.
import type { SigningAlgorithm } from "./runTokenContract";

export interface HmacTrustedKey {
  kid: string;
  algorithm: "HS256";
  /** At least 32 bytes. */
  secret: string;
  stacks: string[];
}
export interface EcdsaTrustedKey {
  kid: string;
  algorithm: "ES256";
  /** SPKI PEM of a P-256 public key. */
  publicKeyPem: string;
  stacks: string[];
}
export type TrustedKey = HmacTrustedKey | EcdsaTrustedKey;

export interface InitializationPolicyOptions {
  trustedKeys: TrustedKey[];
  /** Default 3600; between 60 and 86400. */
  maxTokenLifetimeSeconds?: number;
  /** When set, the iss claim must equal it. */
  issuer?: string;
  /** Adds a `sample` rule. With any HS256 key this needs `acknowledgeSampleLogsSecret`. */
  sample?: boolean;
  acknowledgeSampleLogsSecret?: boolean;
}

export function renderInitializationPolicy(options: InitializationPolicyOptions): string {
  void options;
  const algorithm: SigningAlgorithm = "HS256";
  throw new Error(`not implemented yet (${algorithm})`);
}
