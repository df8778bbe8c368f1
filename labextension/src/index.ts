import { corePlugin, sidebarPlugin } from './core/plugin';
import { experimentsPlugin } from './experiments/plugin';
import { jobsPlugin } from './jobs/plugin';
import { statusPlugin } from './status/plugin';

export default [
  corePlugin,
  sidebarPlugin,
  statusPlugin,
  experimentsPlugin,
  jobsPlugin
];
