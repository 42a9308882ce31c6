/**
 * The one error type for bad input. Its message always names the field, says
 * what is wrong (with the bad value, unless it is secret) and how to fix it,
 * so a user never has to read our code to understand a failed `pulumi up`.
 */
export class SignedRunsInputError extends Error {
  constructor(
    /** The input at fault, as a path from the arguments' root, e.g. `key.secret`. */
    readonly field: string,
    /** What is wrong, quoting the bad value unless it is secret. */
    readonly problem: string,
    /** What to do instead. */
    readonly fix: string,
  ) {
    super(`${field}: ${problem}. Fix: ${fix}`);
    this.name = "SignedRunsInputError";
  }
}

/** Quotes a user value for an error message; long values are cut so errors stay readable. */
export function quoteValue(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const shown = text === undefined ? String(value) : text;
  return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 77)}...` : shown);
}
