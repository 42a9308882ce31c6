// STUB: replaced by the policy work (issue 2). Signatures are final.
import type { RunType } from "./runTokenContract";
import type { InitializationPolicyOptions } from "./initializationPolicy";

export type RunSigningKey =
  | { kid: string; algorithm: "HS256"; secret: string }
  | { kid: string; algorithm: "ES256"; privateKeyPem: string };

export interface SignRunTokenOptions {
  key: RunSigningKey;
  commitSha: string;
  stack: string;
  runType: RunType;
  branch: string;
  /** Default DEFAULT_ISSUER. */
  issuer?: string;
  /** Default DEFAULT_MAX_TOKEN_LIFETIME_SECONDS. */
  lifetimeSeconds?: number;
  /** Seconds since the epoch; default now. */
  now?: number;
}

export async function signRunToken(options: SignRunTokenOptions): Promise<string> {
  void options;
  throw new Error("not implemented yet");
}

/** The parts of the launcher's input the policy reads. */
export interface LauncherInput {
  run?: { user_provided_metadata?: unknown; commit?: { hash?: string } | null; [k: string]: unknown };
  static_run_environment?: { stack_slug?: string; commit_sha?: string; commit_branch?: string; run_type?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface RunTokenVerdict {
  allowed: boolean;
  /** The deny messages, as the policy would give them. */
  deny: string[];
}

export async function verifyRunToken(input: LauncherInput, policy: InitializationPolicyOptions, now?: number): Promise<RunTokenVerdict> {
  void input; void policy; void now;
  throw new Error("not implemented yet");
}
