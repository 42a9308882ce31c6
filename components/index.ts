export * from "./inputError";
export * from "./runTokenContract";
export * from "./initializationPolicy";
export * from "./pushPolicy";
export * from "./runToken";
export * from "./workflows";
export * from "./signedRunsArgs";
