/** The built-ins Spacelift disables in policies; a launcher refuses a policy that calls one. */
export const SPACELIFT_DISABLED_BUILTINS: readonly string[] = [
  "http.send",
  "opa.runtime",
  "rego.parse_module",
  "time.now_ns",
  "trace",
];

/** The part of `opa capabilities --current` output this module reads. */
export interface OpaCapabilities {
  builtins: Array<{ name: string }>;
  [field: string]: unknown;
}

/**
 * An OPA binary's own capabilities minus the built-ins Spacelift disables, so
 * `opa eval --capabilities` judges a policy as a launcher would. Throws when a
 * disabled built-in is absent: the result would then not be what Spacelift runs.
 */
export function spaceliftCapabilities(current: OpaCapabilities): OpaCapabilities {
  const names = new Set(current.builtins.map((builtin) => builtin.name));
  const absent = SPACELIFT_DISABLED_BUILTINS.filter((name) => !names.has(name));
  if (absent.length > 0) {
    throw new Error(
      `this OPA has no built-in ${absent.join(", ")} to remove; its capabilities would not be what Spacelift runs (use OPA 0.70 or later)`,
    );
  }
  return {
    ...current,
    builtins: current.builtins.filter((builtin) => !SPACELIFT_DISABLED_BUILTINS.includes(builtin.name)),
  };
}
