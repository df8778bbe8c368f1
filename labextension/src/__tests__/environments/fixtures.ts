import type { IEnvironment, IEnvironmentLog, ILockDiff } from '../../api/types';
import type { IMLXClient } from '../../tokens';
import { makeClient } from '../fixtures';

/**
 * An environment as the server answers it (locked, conda), with `overrides`
 * applied.
 */
export function makeEnvironment(
  overrides: Partial<IEnvironment> = {}
): IEnvironment {
  return {
    name: 'train',
    flavour: 'conda',
    state: 'locked',
    spec_path: 'envs/train/environment.yml',
    lock_path: 'envs/train/conda-lock.yml',
    prefix: null,
    kernel: null,
    channels: ['conda-forge'],
    dependencies: ['python=3.12', 'ipykernel'],
    pip: [],
    platforms: ['linux-64'],
    lock_sha256: 'a'.repeat(64),
    installed_lock_sha256: null,
    locked_at: '2026-01-02T10:00:00Z',
    installed_at: null,
    packages: 42,
    stale_lines: [],
    progress: null,
    error: null,
    ...overrides
  };
}

/**
 * A piece of an environment's log, with `overrides` applied.
 */
export function makeEnvironmentLog(
  overrides: Partial<IEnvironmentLog> = {}
): IEnvironmentLog {
  return {
    name: 'train',
    offset: 0,
    next_offset: 0,
    text: '',
    complete: false,
    ...overrides
  };
}

/**
 * A lock diff with one package of each kind of change, with `overrides`
 * applied.
 */
export function makeLockDiff(overrides: Partial<ILockDiff> = {}): ILockDiff {
  return {
    name: 'train',
    platform: 'linux-64',
    previous_sha256: 'b'.repeat(64),
    current_sha256: 'a'.repeat(64),
    added: [{ name: 'scipy', version: '1.14.1', manager: 'conda' }],
    removed: [{ name: 'tqdm', version: '4.66.0', manager: 'pip' }],
    changed: [{ name: 'numpy', old: '1.26.4', new: '2.1.0', manager: 'conda' }],
    ...overrides
  };
}

/**
 * The mocked client of the shared fixtures, with the environments routes
 * mocked too (rejecting until a test says what they answer).
 */
export function makeEnvironmentsClient(): jest.Mocked<IMLXClient> {
  const client = makeClient();
  const unexpected = (name: string) =>
    jest.fn((..._: unknown[]) =>
      Promise.reject(new Error(`unexpected call of ${name}`))
    );
  return Object.assign(client, {
    listEnvironments: unexpected('listEnvironments'),
    createEnvironment: unexpected('createEnvironment'),
    getEnvironment: unexpected('getEnvironment'),
    deleteEnvironment: unexpected('deleteEnvironment'),
    lockEnvironment: unexpected('lockEnvironment'),
    installEnvironment: unexpected('installEnvironment'),
    readEnvironmentLog: unexpected('readEnvironmentLog'),
    getLockDiff: unexpected('getLockDiff')
  }) as jest.Mocked<IMLXClient>;
}
