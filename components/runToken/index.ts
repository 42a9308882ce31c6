/** The run token: its contract, and signing and verifying it outside the launcher. */
export { signRunToken, verifyRunToken } from "./runToken";
export type { LauncherInput, RunSigningKey, RunTokenVerdict, SignRunTokenOptions } from "./runToken";
export type { RunTokenClaims, RunType, SigningAlgorithm } from "./contract";
