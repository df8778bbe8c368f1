import type { TranslationBundle } from '@jupyterlab/translation';
import {
  deleteIcon,
  launchIcon,
  refreshIcon,
  runIcon,
  stopIcon
} from '@jupyterlab/ui-components';
import React from 'react';

import type { IEndpoint } from '../../api/types';
import { IconButton } from '../../models/components/icon-button';
import { isUp } from '../endpoint';
import type { IEndpointActions } from './endpoint-actions';

/**
 * An endpoint's actions as icon buttons: Open (unless `showOpen` is false),
 * Restart, Stop or Start, Delete.
 */
export function EndpointButtons(
  props: IEndpointActions & {
    endpoint: IEndpoint;
    showOpen?: boolean;
    trans: TranslationBundle;
  }
): JSX.Element {
  const { endpoint, trans } = props;
  const { name } = endpoint;
  const up = isUp(endpoint.state);
  return (
    <div
      className="jp-mlx-EndpointButtons"
      role="group"
      aria-label={trans.__('Actions of %1', name)}
    >
      {props.showOpen !== false && (
        <IconButton
          icon={launchIcon}
          className="jp-mlx-EndpointButtons-open"
          label={trans.__('Open endpoint %1', name)}
          title={trans.__(
            'Show %1: its traffic, latency, drift and requests',
            name
          )}
          onClick={() => props.onOpen(name)}
        />
      )}
      {up ? (
        <>
          <IconButton
            icon={refreshIcon}
            className="jp-mlx-EndpointButtons-restart"
            label={trans.__('Restart endpoint %1', name)}
            title={trans.__('Restart the process of %1', name)}
            onClick={() => props.onRestart(name)}
          />
          <IconButton
            icon={stopIcon}
            className="jp-mlx-EndpointButtons-stop"
            label={trans.__('Stop endpoint %1', name)}
            title={trans.__(
              'Stop serving %1 (it is kept: start it again later)',
              name
            )}
            onClick={() => props.onStop(name)}
          />
        </>
      ) : (
        <IconButton
          icon={runIcon}
          className="jp-mlx-EndpointButtons-start"
          label={trans.__('Start endpoint %1', name)}
          title={trans.__('Serve %1 again', name)}
          onClick={() => props.onRestart(name)}
        />
      )}
      <IconButton
        icon={deleteIcon}
        className="jp-mlx-EndpointButtons-delete"
        label={trans.__('Delete endpoint %1', name)}
        title={trans.__('Stop %1 and remove it', name)}
        onClick={() => props.onDelete(name)}
      />
    </div>
  );
}
