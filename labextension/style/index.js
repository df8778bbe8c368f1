import './base.css';
import './environments.css';
import './experiments.css';
import './jobs.css';
import './models.css';
import './models-panel.css';
import './schedules.css';
import './serving.css';
