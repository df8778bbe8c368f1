import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import {
  type IServerStatusProps,
  ServerStatus
} from '../../../status/components/server-status';
import { makeConfig } from '../../fixtures';

const trans = nullTranslator.load('jupyter_mlx');

function renderStatus(props: Partial<IServerStatusProps> = {}) {
  const onRefresh = jest.fn();
  render(
    <ServerStatus
      config={makeConfig()}
      error={null}
      refreshing={false}
      onRefresh={onRefresh}
      trans={trans}
      {...props}
    />
  );
  return { onRefresh };
}

/**
 * The value (`<dd>`) that follows the term (`<dt>`) with the given text.
 */
function valueOf(term: string): HTMLElement {
  const dt = screen.getByText(term, { selector: 'dt' });
  return dt.nextElementSibling as HTMLElement;
}

describe('ServerStatus', () => {
  it('lists the version, workspace, tracking URI and store health', () => {
    renderStatus();

    expect(valueOf('Version')).toHaveTextContent('0.1.0');
    expect(valueOf('Workspace')).toHaveTextContent('/srv/work/.mlx');
    expect(valueOf('Tracking URI')).toHaveTextContent(
      'sqlite:////srv/work/.mlx/mlflow.db'
    );
    expect(valueOf('Store')).toHaveTextContent('healthy (revision 0001)');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows why the store is unhealthy', () => {
    renderStatus({
      config: makeConfig({
        store: {
          url: 'postgresql://mlx:***@db/mlx',
          healthy: false,
          revision: null,
          message:
            'Database schema is out of date: run `jupyter mlx db upgrade`'
        }
      })
    });

    const store = valueOf('Store');
    expect(store).toHaveTextContent('unhealthy (revision none)');
    expect(
      within(store).getByText(
        'Database schema is out of date: run `jupyter mlx db upgrade`'
      )
    ).toBeInTheDocument();
  });

  it("shows the server's error message", () => {
    renderStatus({
      config: null,
      error: 'The tracking server at http://mlflow:5000 does not answer'
    });

    expect(screen.getByRole('alert')).toHaveTextContent(
      'The tracking server at http://mlflow:5000 does not answer'
    );
    expect(screen.queryByText('Version')).not.toBeInTheDocument();
  });

  it('says it is loading before the first answer', () => {
    renderStatus({ config: null });

    expect(screen.getByText('Loading server status…')).toBeInTheDocument();
  });

  it('asks for a refresh when the refresh button is clicked', () => {
    const { onRefresh } = renderStatus();

    fireEvent.click(
      screen.getByRole('button', { name: 'Refresh server status' })
    );

    expect(onRefresh).toHaveBeenCalledTimes(1);
  });

  it('disables the refresh button while refreshing', () => {
    const { onRefresh } = renderStatus({ refreshing: true });

    const button = screen.getByRole('button', {
      name: 'Refresh server status'
    });
    fireEvent.click(button);

    expect(button).toBeDisabled();
    expect(onRefresh).not.toHaveBeenCalled();
  });
});
