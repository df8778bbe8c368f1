import type { EnvironmentFlavour } from '../api/types';

/**
 * What an environment name may be (the server's rule): a letter or digit,
 * then letters, digits, `.`, `_` and `-`.
 */
export const ENVIRONMENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Longest environment name.
 */
export const MAX_NAME_LENGTH = 64;

/**
 * The channel a new conda spec is solved against when none is given.
 */
export const DEFAULT_CHANNEL = 'conda-forge';

/**
 * The dependencies a new spec written as a file starts with when none is
 * given: a Python with the kernel, so that the environment gets a kernel.
 */
export const DEFAULT_CONDA_DEPENDENCIES: ReadonlyArray<string> = [
  'python',
  'ipykernel'
];
export const DEFAULT_PIP_REQUIREMENTS: ReadonlyArray<string> = ['ipykernel'];

/**
 * The fields of a new spec.
 */
export interface ISpecFields {
  /**
   * The environment's name.
   */
  name: string;
  /**
   * How it is declared.
   */
  flavour: EnvironmentFlavour;
  /**
   * Channels of the conda part.
   */
  channels: ReadonlyArray<string>;
  /**
   * Conda match specs (pip flavour: requirements).
   */
  dependencies: ReadonlyArray<string>;
  /**
   * Pip requirements of a conda spec.
   */
  pip: ReadonlyArray<string>;
}

/**
 * The non-empty lines of a text, trimmed; `#` comments are dropped.
 */
export function splitLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(line => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(line => line.length > 0);
}

/**
 * The text of a new spec file: an `environment.yml` for the conda flavour,
 * a `requirements.in` (its name in a `# name:` comment) for the pip flavour.
 * Empty channels and dependencies are replaced by a starting point the user
 * edits.
 */
export function specTemplate(fields: ISpecFields): string {
  if (fields.flavour === 'pip') {
    const requirements = fields.dependencies.length
      ? fields.dependencies
      : DEFAULT_PIP_REQUIREMENTS;
    return [`# name: ${fields.name}`, ...requirements, ''].join('\n');
  }
  const channels = fields.channels.length ? fields.channels : [DEFAULT_CHANNEL];
  const dependencies = fields.dependencies.length
    ? [...fields.dependencies]
    : [...DEFAULT_CONDA_DEPENDENCIES];
  if (fields.pip.length && !dependencies.some(isPipSpec)) {
    dependencies.push('pip');
  }
  const lines = [
    `name: ${yamlScalar(fields.name)}`,
    'channels:',
    ...channels.map(channel => `  - ${yamlScalar(channel)}`),
    'dependencies:',
    ...dependencies.map(dependency => `  - ${yamlScalar(dependency)}`)
  ];
  if (fields.pip.length) {
    lines.push(
      '  - pip:',
      ...fields.pip.map(requirement => `      - ${yamlScalar(requirement)}`)
    );
  }
  return [...lines, ''].join('\n');
}

/**
 * Plain scalars YAML reads as something else than a string: booleans, null
 * and numbers.
 */
const YAML_NON_STRING =
  /^(true|false|yes|no|on|off|y|n|null|[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?|\.inf|\.nan)$/i;

/**
 * A string as a YAML scalar: plain when YAML reads it back as that same
 * string, double-quoted (JSON's escapes are YAML's) otherwise.
 */
export function yamlScalar(text: string): string {
  const plain =
    /^[A-Za-z0-9_./][^\n]*$/.test(text) &&
    text === text.trim() &&
    !/: | #|:$/.test(text) &&
    !YAML_NON_STRING.test(text);
  return plain ? text : JSON.stringify(text);
}

/**
 * Whether a conda match spec names pip itself.
 */
function isPipSpec(spec: string): boolean {
  return /^pip(\s|[<>=!~]|$)/.test(spec);
}
