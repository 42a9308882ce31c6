/**
 * GitHub's `on.push` branch and path filters, for the workflow harness.
 *
 * Only the pattern syntax the generated workflows may contain is modelled:
 * literal characters, `*` (any run of characters except '/') and `**` (any run
 * of characters, '/' included), as GitHub's "filter pattern cheat sheet"
 * documents them. A pattern with any other special character (`?`, `+`, `[`,
 * `!`) throws, so the harness never silently evaluates something differently
 * from GitHub.
 */

export function filterPatternToRegExp(pattern: string): RegExp {
  if (/[?+[\]!]/.test(pattern)) {
    throw new Error(
      `workflow harness: filter pattern ${JSON.stringify(pattern)} uses syntax the harness does not model`,
    );
  }
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "*" && pattern[i + 1] === "*") {
      source += "[\\s\\S]*";
      i++;
    } else if (char === "*") {
      source += "[^/]*";
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}

export function matchesAny(patterns: readonly string[], value: string): boolean {
  return patterns.some((pattern) => filterPatternToRegExp(pattern).test(value));
}

export interface PushFilter {
  branches?: string[];
  paths?: string[];
}

/** Whether a push of `branch` changing `changedFiles` starts a workflow with this `on.push` filter. */
export function pushStartsWorkflow(
  filter: PushFilter | null | undefined,
  branch: string,
  changedFiles: readonly string[],
): boolean {
  if (filter?.branches && !matchesAny(filter.branches, branch)) return false;
  if (filter?.paths && !changedFiles.some((file) => matchesAny(filter.paths ?? [], file))) return false;
  return true;
}
