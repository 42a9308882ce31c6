/** One thing wrong with an input: the field, what is wrong (with the bad value, unless it is secret) and how to fix it. */
export interface InputProblem {
  /** The input at fault, as a path from the arguments' root, e.g. `stacks[0].id`. */
  field: string;
  /** What is wrong, quoting the bad value unless it is secret. */
  problem: string;
  /** What to do instead. */
  fix: string;
}

/**
 * The one error type for bad input. Its message names the field, says what is
 * wrong (with the bad value, unless it is secret) and how to fix it, one line
 * per problem, `field: problem. Fix: …`, so a user never has to read our code
 * to understand a failed `pulumi up`. `field`, `problem` and `fix` are the
 * first problem's; `problems` holds them all.
 */
export class SignedRunsInputError extends Error {
  /** Every problem found, in the order the input was read; the first is also `field`, `problem` and `fix`. */
  readonly problems: readonly InputProblem[];

  constructor(
    /** The input at fault, as a path from the arguments' root, e.g. `key.secret`. */
    readonly field: string,
    /** What is wrong, quoting the bad value unless it is secret. */
    readonly problem: string,
    /** What to do instead. */
    readonly fix: string,
    more: readonly InputProblem[] = [],
  ) {
    const problems = [{ field, problem, fix }, ...more];
    super(problems.map(lineOf).join("\n"));
    this.problems = problems;
    this.name = "SignedRunsInputError";
  }

  /** One error for a non-empty list of problems. */
  static of(problems: readonly InputProblem[]): SignedRunsInputError {
    const [first, ...more] = problems;
    return new SignedRunsInputError(first.field, first.problem, first.fix, more);
  }
}

/** `field: problem. Fix: fix`. */
export function lineOf(problem: InputProblem): string {
  return `${problem.field}: ${problem.problem}. Fix: ${problem.fix}`;
}

/** Quotes a user value for an error message; long values are cut so errors stay readable. */
export function quoteValue(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const shown = text === undefined ? String(value) : text;
  return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 77)}...` : shown);
}
