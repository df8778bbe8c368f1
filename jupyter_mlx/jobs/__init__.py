"""Jobs: notebooks run as papermill jobs, with parameters, logs, stop, timeouts and retries."""
