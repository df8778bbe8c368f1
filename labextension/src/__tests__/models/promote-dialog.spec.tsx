import { nullTranslator } from '@jupyterlab/translation';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';

import type { IPromotion } from '../../api/types';
import { showPromoteDialog } from '../../models/widgets/promote-dialog';
import { dialogButton as button } from '../dialogs';
import { makeAPIError } from '../fixtures';
import {
  makeGate,
  makePromotion,
  makePromotionClient
} from './promotion-fixtures';

const trans = nullTranslator.load('jupyter_mlx');

describe('showPromoteDialog', () => {
  let client: ReturnType<typeof makePromotionClient>;

  beforeEach(() => {
    client = makePromotionClient();
  });

  afterEach(() => {
    document.body.innerHTML = '';
  });

  /**
   * Open the dialog on run-1; its answer is wrapped, or awaiting this would
   * wait for the dialog to close.
   */
  async function openDialog(
    onEnded?: (promotion: IPromotion) => void
  ): Promise<{ result: Promise<IPromotion | null> }> {
    let result!: Promise<IPromotion | null>;
    await act(async () => {
      result = showPromoteDialog(
        {
          client,
          target: { kind: 'run', runId: 'run-1' },
          trans,
          pollInterval: 0
        },
        onEnded
      );
    });
    await screen.findByLabelText('Registered model');
    return { result };
  }

  /**
   * The error shown beside a field of the form.
   */
  function fieldError(field: string): Element | null {
    return document.querySelector(
      `[data-field="${field}"] .jp-mlx-PromoteForm-error`
    );
  }

  it('shows each gate as it runs, then the outcome, and reads Close when done', async () => {
    // Given the dialog on run-1, the model chosen and a registered name typed
    const ended = jest.fn();
    const { result } = await openDialog(ended);
    expect(screen.getByText('Promote Model of Run run-1')).toBeInTheDocument();
    expect(screen.getByLabelText('Model')).toHaveValue('model');
    expect(screen.getByLabelText('Alias')).toHaveValue('champion');
    fireEvent.change(screen.getByLabelText('Registered model'), {
      target: { value: 'wine' }
    });
    await waitFor(() =>
      expect(screen.getByLabelText('Gates')).toHaveValue('accuracy >= 0.9')
    );
    let answer!: (promotion: IPromotion) => void;
    const running = makePromotion({
      gates: [makeGate(), makeGate({ gate: 'smoke test', kind: 'smoke' })],
      previous_version: '2'
    });
    client.promoteModel.mockResolvedValueOnce(running);
    client.getPromotion.mockImplementation(
      () => new Promise(resolve => (answer = resolve))
    );

    // When Promote is clicked, the gates show pending and the dialog stays
    await act(async () => {
      fireEvent.click(button('Promote'));
    });
    expect(
      await screen.findByRole('listitem', {
        name: 'accuracy >= 0.9: pending',
        hidden: true
      })
    ).toBeInTheDocument();
    expect(
      screen.getByRole('status', { name: 'Outcome', hidden: true })
    ).toHaveTextContent('Running the gates…');
    expect(button('Cancel')).toBeDisabled();

    // Then each gate's verdict shows as it comes
    await act(async () => {
      answer({
        ...running,
        gates: [
          makeGate({ status: 'passed', detail: 'accuracy 0.93 >= 0.9' }),
          makeGate({ gate: 'smoke test', kind: 'smoke', status: 'running' })
        ]
      });
    });
    expect(
      await screen.findByRole('listitem', {
        name: 'accuracy >= 0.9: passed',
        hidden: true
      })
    ).toHaveTextContent('accuracy 0.93 >= 0.9');
    expect(
      screen.getByRole('listitem', {
        name: 'smoke test: running',
        hidden: true
      })
    ).toBeInTheDocument();
    await act(async () => {
      answer({
        ...running,
        state: 'promoted',
        version: '3',
        gates: [
          makeGate({ status: 'passed' }),
          makeGate({ gate: 'smoke test', kind: 'smoke', status: 'passed' })
        ]
      });
    });
    expect(
      await screen.findByText(
        'Promoted: wine version 3 is now @champion (was 2)'
      )
    ).toBeInTheDocument();
    expect(ended).toHaveBeenCalledTimes(1);

    // And the dialog closes with Close, answering the promotion
    const close = button('Close');
    expect(close).toBeEnabled();
    expect(button('Promote')).not.toBeVisible();
    await act(async () => {
      fireEvent.click(close);
    });
    expect((await result)?.version).toBe('3');
  });

  it("stays open with the server's refusal beside the field it names", async () => {
    const { result } = await openDialog();
    fireEvent.change(screen.getByLabelText('Registered model'), {
      target: { value: 'cellar' }
    });
    fireEvent.change(screen.getByLabelText('Alias'), {
      target: { value: 'bad alias!' }
    });
    client.promoteModel.mockRejectedValueOnce(
      makeAPIError(400, "Invalid alias 'bad alias!'", 'alias')
    );

    await act(async () => {
      fireEvent.click(button('Promote'));
    });

    expect(fieldError('alias')).toHaveTextContent("Invalid alias 'bad alias!'");
    expect(screen.getByLabelText('Alias')).toHaveAttribute(
      'aria-invalid',
      'true'
    );
    expect(fieldError('name')).toBeNull();
    await act(async () => {
      fireEvent.click(button('Cancel'));
    });
    expect(await result).toBeNull();
  });

  it('says the refusal of a gate as the outcome', async () => {
    const { result } = await openDialog();
    fireEvent.change(screen.getByLabelText('Registered model'), {
      target: { value: 'cellar' }
    });
    client.promoteModel.mockResolvedValueOnce(
      makePromotion({
        state: 'refused',
        gates: [makeGate({ status: 'failed', detail: 'accuracy 0.8 >= 0.9' })],
        error: 'accuracy >= 0.9: accuracy 0.8 >= 0.9 is false'
      })
    );

    await act(async () => {
      fireEvent.click(button('Promote'));
    });

    expect(
      await screen.findByRole('listitem', {
        name: 'accuracy >= 0.9: failed',
        hidden: true
      })
    ).toHaveTextContent('accuracy 0.8 >= 0.9');
    expect(
      screen.getByRole('status', { name: 'Outcome', hidden: true })
    ).toHaveTextContent(
      'Refused: accuracy >= 0.9: accuracy 0.8 >= 0.9 is false'
    );
    await act(async () => {
      fireEvent.click(button('Close'));
    });
    expect((await result)?.state).toBe('refused');
  });

  it('disables the smoke test, saying why, for a model without an input example', async () => {
    const { result } = await openDialog();

    fireEvent.change(screen.getByLabelText('Model'), {
      target: { value: 'legacy' }
    });

    const smoke = screen.getByRole('checkbox', {
      name: 'Smoke test',
      hidden: true
    });
    expect(smoke).toBeDisabled();
    expect(smoke).toHaveAccessibleDescription(
      'The model has no input example: log one (input_example=...) to smoke-test it.'
    );
    await act(async () => {
      fireEvent.click(button('Cancel'));
    });
    expect(await result).toBeNull();
  });
});
