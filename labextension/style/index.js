import './base.css';
import './environments.css';
import './experiments.css';
import './jobs.css';
import './schedules.css';
