/**
 * The token contract shared by the initialization policy, the generated
 * workflow, `signRunToken`/`verifyRunToken` and anyone's own CI.
 *
 * A compact JWS whose protected header carries `alg` and `kid`, with the claims of {@link RunTokenClaims}.
 */

/** The run types a token can allow; a key is trusted for some of them only. */
export type RunType = "TRACKED" | "PROPOSED" | "TASK";
export const RUN_TYPES: readonly RunType[] = ["TRACKED", "PROPOSED", "TASK"];

/**
 * How a token is signed: `ES256` (ECDSA P-256, the launcher holds only a public key) or `HS256`
 * (HMAC-SHA256 with a secret of at least 32 bytes, which the launcher's policy must then hold too).
 */
export type SigningAlgorithm = "HS256" | "ES256";
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ["HS256", "ES256"];
/** The algorithm every default uses (component, CLI, render, signRunToken): the launcher then holds only a public key. HS256 is opt-in. */
export const DEFAULT_SIGNING_ALGORITHM: SigningAlgorithm = "ES256";

/** The claims of a run token. Times are whole seconds since the epoch. */
export interface RunTokenClaims {
  /** The full 40-hex commit SHA the run is for. */
  sub: string;
  /** The Spacelift stack id (slug). */
  spacelift_stack: string;
  /** The run type the token allows: `TRACKED`, `PROPOSED` or `TASK`; must equal the run's. */
  run_type: RunType;
  /** The branch the commit was pushed to; for the record and the logs, the policy does not compare it. */
  branch: string;
  /** Lowercase hex SHA-256 of the task's command (UTF-8). Present exactly when run_type is TASK. */
  command_sha256?: string;
  /** When the token was issued; equal to `nbf`. */
  iat: number;
  /** Not valid before this time; the policy refuses the token earlier. */
  nbf: number;
  /** Not valid from this time on; `exp - nbf` is 60 to 86400 s and at most the policy's maxTokenLifetimeSeconds (default 3600). */
  exp: number;
  /** Who issued the token; `github-actions` (DEFAULT_ISSUER) from the generated workflow. The policy checks it when configured with an issuer. */
  iss: string;
}

export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 3600;
export const MIN_TOKEN_LIFETIME_SECONDS = 60;
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;
/** The `iss` the generated workflow writes. */
export const DEFAULT_ISSUER = "github-actions";
/** The GitHub secret that holds the signing key, unless configured otherwise. */
export const DEFAULT_SIGNING_SECRET_NAME = "SPACELIFT_RUN_SIGNING_KEY";

/**
 * The protected header every signer of this package writes, as it appears in the token: the JSON of
 * `{"alg", "kid", "typ": "JWT"}` in that order, base64url-encoded. The policy recognises it without
 * decoding it (`trusted_kids_by_header`); a token with any other header gets the same decision, more slowly.
 */
export function tokenHeaderSegment(algorithm: SigningAlgorithm, kid: string): string {
  return Buffer.from(JSON.stringify({ alg: algorithm, kid, typ: "JWT" })).toString("base64url");
}
