/**
 * The building blocks every schema here is made of. Each carries its own
 * messages, so a missing value reads "is missing", a wrong one quotes the value
 * (unless secret), and an unknown field lists the known ones.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { quoteValue } from "./inputError";
import { isOutputLike, says } from "./problems";

/** What is wrong with a value and how to fix it. */
export type Verdict = [problem: string, fix: string];

export interface TextSpec {
  /** The fix when the value is missing. */
  missing: string;
  /** What is wrong with a present value that fails a check (also used for a value that is not a string). */
  invalid: (value: unknown) => Verdict;
  /** A check beyond the pattern and the length (which the JSON Schema cannot express); returns what is wrong, or nothing. */
  rule?: (value: string) => Verdict | undefined;
  pattern?: RegExp;
  minLength?: number;
  maxLength?: number;
  /** Why the value must be plain: an Output or a Promise is refused with this reason. */
  plain?: string;
}

function missingOrOutput(input: unknown, missing: string, plain?: string, plainKind?: string): string | undefined {
  if (input === undefined || input === null) return says("is missing", missing);
  if (isOutputLike(input))
    return says(
      "is an Output or a Promise",
      `give a plain ${typeof plainKind === "string" ? plainKind : "value"}${plain !== undefined ? `: ${plain}` : ""}`,
    );
  return undefined;
}

/** A string with its checks, each failing with the spec's message. */
export function text(spec: TextSpec) {
  const invalid = (input: unknown) => says(...spec.invalid(input));
  let schema = z.string({
    error: (issue) => missingOrOutput(issue.input, spec.missing, spec.plain, "string") ?? invalid(issue.input),
  });
  // Lengths are checked by a refinement, which runs on strings only: zod's own length checks run on anything
  // with a `length`, and an Output lifts every property. The JSON Schema still states them. No check here aborts:
  // an aborted issue would stop the cross-field rules above it, and a repeated line is dropped by problemsOf.
  const { minLength, maxLength } = spec;
  if (minLength !== undefined || maxLength !== undefined) {
    schema = schema
      .superRefine((value, ctx) => {
        if (
          (minLength !== undefined && value.length < minLength) ||
          (maxLength !== undefined && value.length > maxLength)
        )
          ctx.addIssue({ code: "custom", message: invalid(value), input: value });
      })
      .meta({ ...(minLength !== undefined ? { minLength } : {}), ...(maxLength !== undefined ? { maxLength } : {}) });
  }
  if (spec.pattern !== undefined) schema = schema.regex(spec.pattern, { error: (issue) => invalid(issue.input) });
  const rule = spec.rule;
  if (rule !== undefined) {
    schema = schema.superRefine((value, ctx) => {
      const verdict = rule(value);
      if (verdict !== undefined) ctx.addIssue({ code: "custom", message: says(...verdict), input: value });
    });
  }
  return schema;
}

/**
 * A whole number between `min` and `max`. Integrality is a refinement, not zod's `.int()`, whose failure
 * aborts the parse and so would hide the cross-field rules' problems from the same report.
 */
export function wholeNumber(spec: { min: number; max: number; missing: string; invalid: (value: unknown) => Verdict }) {
  const invalid = (issue: { input?: unknown }) => says(...spec.invalid(issue.input));
  return z
    .number({ error: (issue) => missingOrOutput(issue.input, spec.missing) ?? invalid(issue) })
    .min(spec.min, { error: invalid })
    .max(spec.max, { error: invalid })
    .superRefine((value, ctx) => {
      if (!Number.isInteger(value)) ctx.addIssue({ code: "custom", message: invalid({ input: value }), input: value });
    })
    .meta({ type: "integer" });
}

/** One of a few strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  spec: { missing: string; invalid: (value: unknown) => Verdict },
) {
  return z.enum(values, {
    error: (issue) => missingOrOutput(issue.input, spec.missing) ?? says(...spec.invalid(issue.input)),
  });
}

export function flag(field: string) {
  return z.boolean({
    error: (issue) =>
      missingOrOutput(issue.input, "use true or false") ??
      says(`${quoteValue(issue.input)} is not a boolean`, `use true or false (${field})`),
  });
}

/**
 * An object that takes only the fields of `shape`: an unknown field (a typo) is
 * named, with the known ones listed. `example` shows the expected form.
 */
export function strict<S extends z.core.$ZodLooseShape>(
  shape: S,
  example: string,
  options: { hidden?: readonly string[] } = {},
) {
  const known = Object.keys(shape).filter((key) => !options.hidden?.includes(key));
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === "unrecognized_keys")
        return `remove it or fix its spelling; the known fields here are ${known.join(", ")}`;
      return (
        missingOrOutput(issue.input, `give ${example}`) ??
        says(`${quoteValue(issue.input)} is not an object`, `give ${example}`)
      );
    },
  });
}

/** A list; `empty` says what an empty list means, when it is refused. */
export function list<T extends z.ZodType>(item: T, spec: { missing: string; empty?: Verdict; of?: string }) {
  const noun = spec.of === undefined ? "a list" : `a list of ${spec.of}`;
  const schema = z.array(item, {
    error: (issue) =>
      missingOrOutput(issue.input, spec.missing) ?? says(`${quoteValue(issue.input)} is not ${noun}`, spec.missing),
  });
  const empty = spec.empty;
  return empty === undefined ? schema : schema.min(1, { error: () => says(...empty) });
}

/** A field that no longer exists: giving it is an error that names the replacement. */
export function removed(problem: string, fix: string) {
  return z.never({ error: () => says(problem, fix) }).optional();
}

/**
 * A component argument that may be an Output or a Promise. A plain value is
 * parsed with `schema` now; an Output is left for `parsedWhenResolved` with the
 * same schema. The JSON Schema of a config file shows `schema` (a file holds no Output).
 */
export function deferrable<S extends z.ZodType>(
  schema: S,
): z.ZodType<pulumi.Input<z.output<S>>, pulumi.Input<z.input<S>>> {
  const wrapped = z.any().superRefine((value, ctx) => {
    if (isOutputLike(value)) return;
    const result = schema.safeParse(value);
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue(reissued(issue));
  });
  JSON_FORM.set(wrapped, schema);
  return wrapped as unknown as z.ZodType<pulumi.Input<z.output<S>>, pulumi.Input<z.input<S>>>;
}

/**
 * One of several shapes, chosen by `pick` from the value (e.g. by which fields it
 * has), so the errors are those of the shape the user meant, not of every shape.
 * `pick` returns an index into `options`, or what is wrong when no shape fits.
 */
export function choice<const O extends readonly [z.ZodType, ...z.ZodType[]]>(
  options: O,
  pick: (value: Record<string, unknown>) => number | Verdict,
  notObject: (value: unknown) => string,
): z.ZodType<z.output<O[number]>, z.input<O[number]>> {
  const wrapped = z.any().superRefine((value, ctx) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: "custom", message: notObject(value), input: value });
      return;
    }
    const picked = pick(value as Record<string, unknown>);
    if (typeof picked !== "number") {
      ctx.addIssue({ code: "custom", message: says(...picked), input: value });
      return;
    }
    const result = options[picked].safeParse(value);
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue(reissued(issue));
  });
  JSON_FORM.set(wrapped, z.union(options));
  return wrapped as unknown as z.ZodType<z.output<O[number]>, z.input<O[number]>>;
}

/** An issue of a nested parse, added to the outer one at the same relative path. */
export function reissued(issue: z.core.$ZodIssue): z.core.$ZodRawIssue {
  if (issue.code === "unrecognized_keys")
    return {
      code: "unrecognized_keys",
      keys: issue.keys,
      path: issue.path,
      message: issue.message,
      input: issue.input,
    };
  return { code: "custom", path: issue.path, message: issue.message, input: issue.input };
}

/** For the JSON Schema: the schema a runtime-only wrapper (deferrable, choice) stands for. */
export const JSON_FORM = new WeakMap<object, z.ZodType>();
