"""The ASGI application: `create_app(settings)` builds it; its lifespan opens and closes the storage
cluster."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import Route

from app.auth import CredentialStore
from app.clock import Clock
from app.settings import Settings
from app.wire.endpoint import DynamoDBEndpoint, Services
from storage import Cluster
from storage.api import StorageConfig

log = logging.getLogger("localddb")


def storage_config(settings: Settings, clock: Clock) -> StorageConfig:
    return StorageConfig(
        data_dir=None if settings.in_memory else settings.data_dir,
        clock=clock.now,
        partitions_per_table=settings.partitions_per_table,
    )


def create_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    clock = clock or Clock()
    services = Services(settings=settings, clock=clock, credentials=CredentialStore.from_settings(settings))

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        services.cluster = await Cluster.open(storage_config(settings, clock))
        where = "memory" if settings.in_memory else str(settings.data_dir)
        log.info("localddb serving on http://%s:%d (data in %s)", settings.host, settings.port, where)
        try:
            yield
        finally:
            await services.cluster.close()
            services.cluster = None

    endpoint = DynamoDBEndpoint(services)
    # DynamoDB ignores the request path: every path is the endpoint.
    routes = [Route("/", endpoint), Route("/{path:path}", endpoint)]
    return Starlette(routes=routes, lifespan=lifespan)
