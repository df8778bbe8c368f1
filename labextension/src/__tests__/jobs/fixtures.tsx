import { nullTranslator } from '@jupyterlab/translation';
import React from 'react';

import { LiveJobForm } from '../../jobs/components/job-form';
import type { JobFormState } from '../../jobs/state/form';

/**
 * The job form of a state, rendered again whenever the state changes.
 */
export function Form(props: { state: JobFormState }): JSX.Element {
  return (
    <LiveJobForm
      state={props.state}
      onSubmit={() => void props.state.submit()}
      trans={nullTranslator.load('jupyter_mlx')}
    />
  );
}
