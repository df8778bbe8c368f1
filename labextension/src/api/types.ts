/**
 * Wire types of the jupyter-mlx REST API (`{baseUrl}mlx/api/...`).
 *
 * They mirror the server's pydantic schemas one to one, so field names keep
 * the server's snake_case.
 */

/**
 * Health of the server's job store (`mlx.db` by default).
 */
export interface IStoreStatus {
  /** Database URL with any credentials redacted (`user:***@`). */
  url: string;
  /** Whether the store answered and its schema is up to date. */
  healthy: boolean;
  /** Applied schema revision, or `null` when none could be read. */
  revision: string | null;
  /** Why the store is unhealthy; `null` when it is healthy. */
  message: string | null;
}

/**
 * `GET /mlx/api/config`: what the server extension is and where it keeps state.
 */
export interface IDescribeConfig {
  /** Version of the Python package `jupyter-mlx` serving the API. */
  version: string;
  /** Features the server enables, e.g. `"status"`. */
  features: string[];
  /** Absolute path of the Jupyter server's root directory. */
  root_dir: string;
  /** Absolute path of the workspace folder holding all jupyter-mlx state. */
  workspace: string;
  /** MLflow tracking URI with any credentials redacted. */
  tracking_uri: string;
  /** Health of the job store. */
  store: IStoreStatus;
}

/**
 * Body of every error answered by a `/mlx/api` route (4xx and 5xx).
 */
export interface IErrorBody {
  /** A sentence a user can act on. */
  message: string;
  /** Stable machine-readable code, e.g. `"invalid_input"`. */
  code: string;
  /** The request field at fault, when there is one. */
  field: string | null;
}
