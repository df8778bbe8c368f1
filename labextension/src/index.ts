import { corePlugin, sidebarPlugin } from './core/plugin';
import { environmentsPlugin } from './environments/plugin';
import { experimentsPlugin } from './experiments/plugin';
import { jobsPlugin } from './jobs/plugin';
import { modelsPlugin } from './models/plugin';
import { servingPlugin } from './serving/plugin';
import { statusPlugin } from './status/plugin';

export default [
  corePlugin,
  sidebarPlugin,
  statusPlugin,
  environmentsPlugin,
  experimentsPlugin,
  jobsPlugin,
  modelsPlugin,
  servingPlugin
];
