import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import { JobFormState } from '../../../jobs/state/form';
import {
  loadJobForm,
  makeAPIError,
  makeClient,
  makeJobRun,
  makeNotebookParameters,
  makeSweep
} from '../../fixtures';
import { Form } from '../fixtures';

function field(container: HTMLElement, name: string): HTMLElement {
  return container.querySelector(
    `.jp-mlx-JobForm-field[data-parameter="${name}"]`
  ) as HTMLElement;
}

describe('JobForm', () => {
  let client: ReturnType<typeof makeClient>;
  let state: JobFormState;

  beforeEach(async () => {
    ({ client, state } = await loadJobForm());
  });

  afterEach(() => {
    state.dispose();
  });

  it('gives each parameter the input its type calls for, showing its default', () => {
    const { container } = render(<Form state={state} />);

    const epochs = screen.getByLabelText(/^epochs/) as HTMLInputElement;
    expect(epochs.type).toBe('number');
    expect(epochs.step).toBe('1');
    expect(epochs.value).toBe('5');
    const lr = screen.getByLabelText(/^lr/) as HTMLInputElement;
    expect(lr.step).toBe('any');
    expect(lr.value).toBe('0.01');
    expect(field(container, 'lr')).toHaveTextContent('default: 1e-2');
    expect((screen.getByLabelText(/^scale/) as HTMLInputElement).value).toBe(
      '1.0'
    );
    expect(
      (screen.getByLabelText(/^shuffle/) as HTMLInputElement).checked
    ).toBe(true);
    expect((screen.getByLabelText(/^optimizer/) as HTMLInputElement).type).toBe(
      'text'
    );
    expect(field(container, 'optimizer')).toHaveTextContent('adam or sgd');
    expect(screen.getByLabelText(/^layers/).tagName).toBe('TEXTAREA');
    expect(field(container, 'layers')).toHaveAttribute('data-type', 'list');
  });

  it('shows the run options with their defaults', () => {
    render(<Form state={state} />);

    expect((screen.getByLabelText('Kernel') as HTMLSelectElement).value).toBe(
      'python3'
    );
    expect(
      screen.getByRole('option', { name: 'Python 3 (default)' })
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Timeout (seconds)')).toHaveValue(null);
    expect(
      screen.getByRole('checkbox', { name: 'Notebook (.ipynb)' })
    ).toBeDisabled();
    expect(
      screen.getByRole('checkbox', { name: 'Notebook (.ipynb)' })
    ).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'HTML' })).not.toBeChecked();
    expect(screen.getByLabelText('Experiment')).toHaveAttribute(
      'placeholder',
      'work/train.ipynb'
    );
  });

  it('shows an error beside a wrong field', () => {
    const { container } = render(<Form state={state} />);

    fireEvent.change(screen.getByLabelText(/^epochs/), {
      target: { value: '2.5' }
    });
    fireEvent.change(screen.getByLabelText(/^layers/), {
      target: { value: '[1,' }
    });

    expect(
      field(container, 'epochs').querySelector('.jp-mlx-JobForm-error')
    ).toHaveTextContent('expected an integer');
    expect(screen.getByLabelText(/^epochs/)).toHaveAttribute(
      'aria-invalid',
      'true'
    );
    expect(
      field(container, 'layers').querySelector('.jp-mlx-JobForm-error')
    ).toHaveTextContent('not valid JSON');
    expect(
      field(container, 'lr').querySelector('.jp-mlx-JobForm-error')
    ).toBeNull();
  });

  it("shows the server's error about a field beside it", async () => {
    client.createJobRun.mockRejectedValue(
      makeAPIError(400, 'timeout: must be at most 604800', 'timeout')
    );
    const { container } = render(<Form state={state} />);

    await act(async () => {
      await state.submit();
    });

    expect(
      container.querySelector(
        '.jp-mlx-JobForm-field[data-field="timeout"] .jp-mlx-JobForm-error'
      )
    ).toHaveTextContent('timeout: must be at most 604800');
  });

  it('sends what the user changed', async () => {
    client.createJobRun.mockResolvedValue(makeJobRun({ status: 'queued' }));
    render(<Form state={state} />);

    fireEvent.click(screen.getByLabelText(/^shuffle/));
    fireEvent.change(screen.getByLabelText('Kernel'), {
      target: { value: 'ml' }
    });
    fireEvent.click(screen.getByRole('checkbox', { name: 'HTML' }));
    await act(async () => {
      await state.submit();
    });

    expect(client.createJobRun.mock.calls[0][0]).toMatchObject({
      parameters: { shuffle: false },
      kernel: 'ml',
      output_formats: ['ipynb', 'html']
    });
  });

  it('says when the notebook has no parameters cell', async () => {
    client.getNotebookParameters.mockResolvedValue(
      makeNotebookParameters({ has_parameters_cell: false, parameters: [] })
    );
    await state.load();

    render(<Form state={state} />);

    expect(
      screen.getByText(/This notebook has no cell tagged “parameters”/)
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Kernel')).toBeInTheDocument();
  });

  it('says why the parameters cannot be read', async () => {
    client.getNotebookParameters.mockRejectedValue(
      makeAPIError(400, 'work/x.txt is not a notebook', 'path')
    );
    await state.load();

    render(<Form state={state} />);

    expect(screen.getByRole('alert')).toHaveTextContent(
      'Cannot read the parameters: work/x.txt is not a notebook'
    );
  });
});

describe('JobForm sweep mode', () => {
  let client: ReturnType<typeof makeClient>;
  let state: JobFormState;

  beforeEach(async () => {
    ({ client, state } = await loadJobForm());
  });

  afterEach(() => {
    state.dispose();
  });

  it('sweeps a parameter over values typed like it, showing the grid’s size', async () => {
    // Given the form, no parameter swept
    render(<Form state={state} />);
    expect(screen.queryByRole('group', { name: 'Sweep' })).toBeNull();

    // When epochs is switched to sweep mode and given three values
    const toggle = screen.getByRole('button', { name: 'Sweep epochs' });
    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    fireEvent.change(screen.getByLabelText('epochs values'), {
      target: { value: '5, 10, 20' }
    });

    // Then the sweep part shows, with the grid's size
    const sweep = screen.getByRole('group', { name: 'Sweep' });
    expect(within(sweep).getByLabelText('Strategy')).toHaveValue('grid');
    expect(within(sweep).getByRole('status')).toHaveTextContent(
      'The grid makes 3 runs.'
    );

    // When the strategy samples, it asks for trials and a metric
    fireEvent.change(within(sweep).getByLabelText('Strategy'), {
      target: { value: 'optuna' }
    });
    fireEvent.change(within(sweep).getByLabelText('Trials'), {
      target: { value: '8' }
    });
    fireEvent.change(within(sweep).getByLabelText('Metric'), {
      target: { value: 'val_loss' }
    });
    client.createSweep.mockResolvedValue(makeSweep());
    await act(async () => {
      await state.submit();
    });

    expect(client.createSweep.mock.calls[0][0]).toMatchObject({
      parameters: { epochs: { values: [5, 10, 20] } },
      strategy: 'optuna',
      trials: 8,
      metric: 'val_loss'
    });
  });

  it('sweeps a number over a range', () => {
    render(<Form state={state} />);
    fireEvent.click(screen.getByRole('button', { name: 'Sweep lr' }));

    fireEvent.change(screen.getByLabelText('lr sweep kind'), {
      target: { value: 'range' }
    });
    fireEvent.change(screen.getByLabelText('lr low'), {
      target: { value: '0.001' }
    });
    fireEvent.change(screen.getByLabelText('lr high'), {
      target: { value: '0.1' }
    });
    fireEvent.change(screen.getByLabelText('lr count'), {
      target: { value: '4' }
    });
    fireEvent.click(screen.getByRole('checkbox', { name: 'log scale' }));

    expect(screen.getByRole('status')).toHaveTextContent(
      'The grid makes 4 runs.'
    );
    expect(state.sweep?.parameters['lr']).toMatchObject({ log: true });
    expect(
      screen.queryByRole('button', { name: 'Sweep optimizer' })
    ).toHaveAttribute('aria-pressed', 'false');
    expect(screen.queryByLabelText('optimizer sweep kind')).toBeNull();
  });
});
