import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import type { IArtifactEntry } from '../../../api/types';
import {
  type IRunDetailsProps,
  RunDetails
} from '../../../experiments/components/run-details';
import { readChartColors } from '../../../shared/charts/theme';
import { makeDescribeRun } from '../../fixtures';
import { makeRunModel } from '../../models/promotion-fixtures';

// Canvas drawing is not available in jsdom.
jest.mock('../../../shared/charts/echarts', () => ({
  createChart: () => ({
    setOption: jest.fn(),
    resize: jest.fn(),
    dispose: jest.fn()
  })
}));

const trans = nullTranslator.load('jupyter_mlx');

function entry(overrides: Partial<IArtifactEntry>): IArtifactEntry {
  return {
    path: 'notes.txt',
    is_dir: false,
    file_size: 10,
    is_link: false,
    ...overrides
  };
}

function props(overrides: Partial<IRunDetailsProps> = {}): IRunDetailsProps {
  return {
    run: makeDescribeRun(),
    metrics: [],
    artifactFolder: '',
    artifacts: [],
    error: null,
    refreshing: false,
    colors: readChartColors(),
    onOpenNotebook: jest.fn(),
    onBrowse: jest.fn(),
    onOpenArtifact: jest.fn(),
    onRefresh: jest.fn(),
    trans,
    ...overrides
  };
}

describe('RunDetails', () => {
  it("lists the run's models, each with a Promote button", () => {
    const onPromote = jest.fn();
    render(
      <RunDetails
        {...props({
          models: {
            models: [
              makeRunModel(),
              makeRunModel({
                artifact_path: 'legacy',
                source: 'artifact',
                signature: null,
                has_input_example: false
              })
            ],
            error: null,
            onPromote
          }
        })}
      />
    );

    const models = screen.getByRole('list', { name: 'Models' });
    expect(models).toHaveTextContent(
      'legacyartifact folderPromote…Flavours: python_function, sklearn. Signature: no. Input example: no.'
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Promote model legacy' })
    );
    expect(onPromote).toHaveBeenCalledWith('legacy');
  });

  it('shows no Models block without models props', () => {
    render(<RunDetails {...props()} />);

    expect(screen.queryByRole('region', { name: 'Models' })).toBeNull();
  });

  it('shows the snapshot warning as a note next to the snapshot link', () => {
    const warning =
      'The notebook was edited after the run started; the snapshot may differ.';
    render(
      <RunDetails
        {...props({ run: makeDescribeRun({ snapshot_warning: warning }) })}
      />
    );

    const note = screen.getByRole('note', { name: 'Snapshot warning' });
    expect(note).toHaveTextContent(`Warning: ${warning}`);
    expect(note).toBeVisible();
    const snapshot = screen.getByRole('button', { name: 'Open snapshot' });
    expect(snapshot.closest('dd')).toContainElement(note);
  });

  it('shows no warning for a snapshot that can be trusted', () => {
    render(<RunDetails {...props()} />);

    expect(screen.queryByRole('note')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Open snapshot' })).toBeVisible();
  });

  it('shows a metric whose last value is NaN (null on the wire) as a dash', () => {
    render(
      <RunDetails
        {...props({
          run: makeDescribeRun({ metrics: { diverged: null, loss: 0.25 } })
        })}
      />
    );

    const table = screen.getByRole('table', { name: 'Final metrics' });
    expect(table).toHaveTextContent('diverged–');
    expect(table).toHaveTextContent('loss0.25');
  });

  it('lists a link out of the artifacts as a link that cannot be opened', () => {
    const onOpenArtifact = jest.fn();
    render(
      <RunDetails
        {...props({
          onOpenArtifact,
          artifacts: [
            entry({ path: 'passwd', file_size: null, is_link: true }),
            entry({ path: 'notes.txt' })
          ]
        })}
      />
    );

    const link = screen.getByRole('button', { name: /passwd/ });
    expect(link).toBeDisabled();
    expect(link).toHaveTextContent('link');
    expect(link).toHaveAttribute(
      'title',
      'passwd links out of the run’s artifacts and cannot be opened'
    );
    fireEvent.click(link);
    expect(onOpenArtifact).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: /notes\.txt/ }));
    expect(onOpenArtifact).toHaveBeenCalledWith('notes.txt', false);
  });
});
