/**
 * Turns schema issues into the project's error lines, `field: problem. Fix: …`.
 * Every schema in this folder writes its messages as `problem. Fix: fix` (see
 * `says`), so a line is the field path followed by the message.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { SignedRunsInputError, type InputProblem } from "./inputError";

const FIX = ". Fix: ";

/** A schema message: what is wrong and how to fix it. */
export function says(problem: string, fix: string): string {
  return `${problem}${FIX}${fix}`;
}

export function isOutputLike(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** `["stacks", 0, "id"]` → `stacks[0].id`, after `prefix`. */
export function fieldOf(path: readonly PropertyKey[], prefix = ""): string {
  let field = prefix;
  for (const part of path)
    field += typeof part === "number" ? `[${part}]` : field === "" ? String(part) : `.${String(part)}`;
  return field;
}

/** Every issue as a problem, in the order the schema met them, each once. */
export function problemsOf(issues: readonly z.core.$ZodIssue[], prefix = "", root = "(input)"): InputProblem[] {
  const problems = issues.flatMap((issue): InputProblem[] => {
    if (issue.code === "unrecognized_keys") {
      // The object's message is the fix: it lists the known fields.
      return issue.keys.map((key) => ({
        field: fieldOf([...issue.path, key], prefix),
        problem: "is not a known field",
        fix: issue.message,
      }));
    }
    const at = issue.message.indexOf(FIX);
    const field = fieldOf(issue.path, prefix) || root;
    return [
      at < 0
        ? { field, problem: issue.message, fix: "see docs/component.md" }
        : { field, problem: issue.message.slice(0, at), fix: issue.message.slice(at + FIX.length) },
    ];
  });
  const seen = new Set<string>();
  return problems.filter((p) => {
    const line = `${p.field}: ${p.problem}`;
    return seen.has(line) ? false : (seen.add(line), true);
  });
}

/** Parses `value`, or throws one SignedRunsInputError that lists every problem. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix = "", root = "(input)"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw SignedRunsInputError.of(problemsOf(result.error.issues, prefix, root));
}

/**
 * For an Output (or Promise) argument: parsed with the same schema when it
 * resolves; a failure is a `pulumi.ResourceError` of `component`, so `pulumi up`
 * reports it against the component that took the bad value. A plain value is
 * returned as it is (the constructor parsed it already).
 */
export function parsedWhenResolved<T>(
  component: pulumi.Resource,
  schema: z.ZodType,
  field: string,
  value: pulumi.Input<T>,
): pulumi.Input<T> {
  if (!isOutputLike(value)) return value;
  return pulumi.output(value).apply((resolved) => {
    inputErrorsOf(component, () => parseInput(schema, resolved, field));
    return resolved;
  }) as pulumi.Output<T>;
}

/**
 * For work inside an `apply` callback: a `SignedRunsInputError` it throws becomes a
 * `pulumi.ResourceError` tied to `component`. The message stays `field: problem. Fix: …`;
 * the stack is hidden because the message says all there is to say.
 */
export function inputErrorsOf<T>(component: pulumi.Resource, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof SignedRunsInputError) throw new pulumi.ResourceError(error.message, component, true);
    throw error;
  }
}
