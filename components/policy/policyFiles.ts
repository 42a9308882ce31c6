import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

export const PACKAGE_NAME = "pulumi-spacelift-signed-runs";

/**
 * The directory holding this package's package.json. Found by walking up from
 * this file, so the Rego files are found alike from the compiled dist/ tree,
 * from the TypeScript sources (Pulumi's ts-node) and from node_modules.
 */
export function findPackageRoot(start: string = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === PACKAGE_NAME)
      return dir;
    if (path.dirname(dir) === dir)
      throw new Error(
        `no ${PACKAGE_NAME} package.json above ${start}: the package is installed incompletely; reinstall it`,
      );
  }
}

/** The path of a file in the package's policies/ folder. */
export function policyFilePath(fileName: string): string {
  return path.join(findPackageRoot(), "policies", fileName);
}
