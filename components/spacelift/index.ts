export * from "./resourceOptions";
export * from "./policy";
export * from "./policyAttachment";
export * from "./workerPool";
export * from "./stack";
