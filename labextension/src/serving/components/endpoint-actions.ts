/**
 * What the user can do with an endpoint from the sidebar and its view.
 */
export interface IEndpointActions {
  /**
   * Open the endpoint's view in the main area.
   */
  onOpen: (name: string) => void;
  /**
   * Start the endpoint's process again (a stopped one too).
   */
  onRestart: (name: string) => void;
  /**
   * Stop the endpoint's process, keeping it.
   */
  onStop: (name: string) => void;
  /**
   * Stop and remove the endpoint, after asking.
   */
  onDelete: (name: string) => void;
}
