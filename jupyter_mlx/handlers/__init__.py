"""REST handlers under ``/mlx/api/``: HTTP only, domain work lives in the services."""

from __future__ import annotations

from . import endpoints, environments, experiments, jobs, models, schedules
from .config import ConfigHandler

#: Route patterns (relative to the server's base URL) and their handlers.
ROUTES: list[tuple[str, type]] = [
    (r"/mlx/api/config", ConfigHandler),
    *experiments.ROUTES,
    *jobs.ROUTES,
    *schedules.ROUTES,
    *environments.ROUTES,
    *models.ROUTES,
    *endpoints.ROUTES,
]
