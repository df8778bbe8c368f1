import { LabIcon } from '@jupyterlab/ui-components';

// The path is relative to this module's compiled copy in `lib/shared/`: the
// `lib/` folder at the repository root is what the extension builder bundles.
// TypeScript types `*.svg` imports through `svg.d.ts`; jest maps the path in
// `jest.config.js`.
import mlxSvgstr from '../../labextension/style/icons/mlx.svg';

/**
 * The MLX icon: the sidebar tab and MLX commands.
 */
export const mlxIcon = new LabIcon({
  name: 'jupyter-mlx:mlx',
  svgstr: mlxSvgstr
});
