import { LabIcon } from '@jupyterlab/ui-components';

// The path is relative to the compiled `lib/` folder at the repository root,
// which is what the extension builder bundles; TypeScript types `*.svg`
// imports through `svg.d.ts` and jest maps the path in `jest.config.js`.
import mlxSvgstr from '../labextension/style/icons/mlx.svg';

/**
 * The MLX icon: the sidebar tab and MLX commands.
 */
export const mlxIcon = new LabIcon({
  name: 'jupyter-mlx:mlx',
  svgstr: mlxSvgstr
});
