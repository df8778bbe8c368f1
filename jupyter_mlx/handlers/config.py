"""``GET /mlx/api/config``: version, features, workspace and store health."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from .base import MLXHandler


class ConfigHandler(MLXHandler):
    """Answers the front-end's handshake with the server's status."""

    auth_resource = "mlx:config"

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Describe this server: version, features, workspace, tracking URI, store health."""
        self.write_model(await self.quickly(self.services.describe))
