import './base.css';
import './experiments.css';
import './jobs.css';
import './schedules.css';
