/**
 * The URI MLflow loads the version an alias points to from:
 * `models:/<name>@<alias>`.
 */
export function aliasUri(name: string, alias: string): string {
  return `models:/${name}@${alias}`;
}

/**
 * The URI MLflow loads a version from: `models:/<name>/<version>`.
 */
export function versionUri(name: string, version: string): string {
  return `models:/${name}/${version}`;
}
