/**
 * What the user can do with a registered model's aliases and versions.
 */
export interface IModelActions {
  /**
   * Ask for a version and move an alias to it behind gates (`version`
   * preset from a version, `alias` from an alias).
   */
  onMoveAlias: (
    name: string,
    target: { version?: string; alias?: string }
  ) => void;
  /**
   * Move an alias back to the version it held before, after asking.
   */
  onRollback: (name: string, alias: string) => void;
  /**
   * Remove an alias, after asking.
   */
  onRemoveAlias: (name: string, alias: string) => void;
  /**
   * Copy a model URI to the clipboard.
   */
  onCopyUri: (uri: string) => void;
  /**
   * Open the view of an MLflow run.
   */
  onOpenRun: (runId: string) => void;
  /**
   * Serve a model URI (`models:/NAME@ALIAS` or `models:/NAME/V`) at an
   * endpoint, after asking its name; without it, no Serve button shows.
   */
  onServe?: (modelUri: string, name: string) => void;
}
