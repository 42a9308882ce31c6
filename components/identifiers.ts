import { SignedRunsInputError, quoteValue } from "./inputError";

// Spacelift stack ids are slugs: lowercase letters, digits, '-' and '_'.
const STACK_ID = /^[a-z0-9][a-z0-9_-]{0,99}$/;
// A kid is printed in deny messages and workflow logs, so it is kept to a safe alphabet.
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function assertStackId(field: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || !STACK_ID.test(value)) {
    throw new SignedRunsInputError(
      field,
      `${quoteValue(value)} is not a Spacelift stack id`,
      "use the stack's slug as shown in its Spacelift URL: lowercase letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters",
    );
  }
}

export function assertKeyId(field: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || !KEY_ID.test(value)) {
    throw new SignedRunsInputError(
      field,
      `${quoteValue(value)} is not a valid key id (kid)`,
      "use 1 to 128 characters of letters, digits, '.', '_', ':' and '-', starting with a letter or digit",
    );
  }
}

/** Throws when a list holds the same value twice; `describe` names the element in the message. */
export function assertUnique(field: string, values: readonly string[], describe: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) {
      throw new SignedRunsInputError(field, `${describe} ${quoteValue(value)} appears more than once`, `list each ${describe} once`);
    }
    seen.add(value);
  }
}
