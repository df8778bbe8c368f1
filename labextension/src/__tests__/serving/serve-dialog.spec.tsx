import { nullTranslator } from '@jupyterlab/translation';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';

import type { IEndpoint } from '../../api/types';
import { showServeDialog } from '../../serving/widgets/serve-dialog';
import { dialogButton as button } from '../dialogs';
import { makeAPIError, makeClient } from '../fixtures';
import { makeEndpoint } from './endpoint-fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('showServeDialog', () => {
  let client: ReturnType<typeof makeClient>;

  beforeEach(() => {
    client = makeClient();
  });

  afterEach(() => {
    document.body.innerHTML = '';
  });

  /**
   * Open the dialog on `models:/churn@champion`; its answer is wrapped, or
   * awaiting this would wait for the dialog to close.
   */
  async function openDialog(): Promise<{ result: Promise<IEndpoint | null> }> {
    let result!: Promise<IEndpoint | null>;
    await act(async () => {
      result = showServeDialog({
        client,
        trans,
        modelUri: 'models:/churn@champion'
      });
    });
    await screen.findByLabelText('Endpoint name');
    return { result };
  }

  it('proposes the model and its name, and closes once the endpoint exists', async () => {
    client.createEndpoint.mockResolvedValue(
      makeEndpoint({ state: 'starting' })
    );
    const { result } = await openDialog();
    expect(screen.getByText('Serve a Model')).toBeInTheDocument();
    expect(screen.getByLabelText('Endpoint name')).toHaveValue('churn');
    expect(screen.getByLabelText('Model URI')).toHaveValue(
      'models:/churn@champion'
    );

    await act(async () => {
      fireEvent.click(button('Serve'));
    });

    expect((await result)?.state).toBe('starting');
    expect(client.createEndpoint).toHaveBeenCalledWith({
      name: 'churn',
      model_uri: 'models:/churn@champion'
    });
  });

  it('stays open with a refusal beside its field', async () => {
    client.createEndpoint.mockRejectedValueOnce(
      makeAPIError(
        400,
        "Model URI 'models:/churn@champion' does not resolve",
        'model_uri'
      )
    );
    const { result } = await openDialog();

    await act(async () => {
      fireEvent.click(button('Serve'));
    });

    await waitFor(() =>
      expect(
        document.querySelector(
          '[data-field="model_uri"] .jp-mlx-ServeForm-error'
        )?.textContent
      ).toBe("Model URI 'models:/churn@champion' does not resolve")
    );
    expect(screen.getByLabelText('Model URI')).toHaveAttribute(
      'aria-invalid',
      'true'
    );

    await act(async () => {
      fireEvent.click(button('Cancel'));
    });
    expect(await result).toBeNull();
  });
});
