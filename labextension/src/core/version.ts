/**
 * The version of this front-end, compared with the server extension's version
 * at start-up. It must equal `version` in the repository's package.json; a
 * jest test (`__tests__/core/version.spec.ts`) fails when the two differ.
 */
export const FRONTEND_VERSION = '0.1.0';
