"""The ASGI application: `create_app(settings)` builds it; its lifespan opens and closes the storage
cluster."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from app.auth import CredentialStore
from app.background import every
from app.clock import Clock
from app.operations.ttl_sweep import run_sweeper
from app.settings import Settings
from app.values.size import item_size
from app.wire.admin import ADMIN_PREFIX, AdminRoutes
from app.wire.endpoint import DynamoDBEndpoint, Services
from storage import Cluster
from storage.api import StorageConfig

log = logging.getLogger("localddb")
# Seconds between two trims of the partition logs.
LOG_TRIM_INTERVAL = 60.0


def storage_config(settings: Settings, clock: Clock) -> StorageConfig:
    return StorageConfig(
        data_dir=None if settings.in_memory else settings.data_dir,
        clock=clock.now,
        partitions_per_table=settings.partitions_per_table,
        sizer=item_size,
        gsi_lag=settings.gsi_lag / 1000,
        item_collection_limit=settings.item_collection_limit,
        transaction_hold=settings.transaction_hold / 1000,
        crash_at=settings.crash_at,
        shard_rollover=settings.shard_rollover,
    )


class LocalDDB(Starlette):
    """The application. Starlette runs the lifespan (and any routes added later); HTTP requests go straight
    to the DynamoDB endpoint, which takes every path and handles its own errors, so they skip Starlette's
    routing and exception middleware (measured: 8 of 37 µs of a GetItem inside the application). With
    `--admin`, paths under `/_localddb/` go to the admin routes instead (app/wire/admin.py)."""

    def __init__(self, endpoint: DynamoDBEndpoint, admin: AdminRoutes | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.endpoint = endpoint
        self.admin = admin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if self.admin is not None and scope["path"].startswith(ADMIN_PREFIX):
                await self.admin(scope, receive, send)
            else:
                await self.endpoint(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def create_app(settings: Settings, clock: Clock | None = None) -> LocalDDB:
    clock = clock or Clock(settings.clock_offset)
    services = Services(settings=settings, clock=clock, credentials=CredentialStore.from_settings(settings))

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        cluster = services.cluster = await Cluster.open(storage_config(settings, clock))
        # Delete the log records no index or stream needs any more.
        background = [asyncio.create_task(every(LOG_TRIM_INTERVAL, cluster.trim_logs, "trimming the logs"))]
        if settings.gsi_lag > 0:  # feed the lagging global secondary indexes
            pump = every(min(settings.gsi_lag / 4000, 0.05), cluster.pump_indexes, "feeding global indexes")
            background.append(asyncio.create_task(pump))
        if settings.replication_interval > 0:  # ship global tables' changes to their other replicas
            replicate = every(settings.replication_interval, cluster.replicate, "replicating global tables")
            background.append(asyncio.create_task(replicate))
        if settings.ttl_interval > 0:
            background.append(asyncio.create_task(run_sweeper(cluster, clock, settings.ttl_interval)))
        where = "memory" if settings.in_memory else str(settings.data_dir)
        log.info("localddb serving on http://%s:%d (data in %s)", settings.host, settings.port, where)
        try:
            yield
        finally:
            for task in background:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await cluster.close()
            services.cluster = None

    # DynamoDB ignores the request path: every path is the endpoint (but the admin paths, with --admin).
    admin = AdminRoutes(services) if settings.admin else None
    return LocalDDB(DynamoDBEndpoint(services), admin, lifespan=lifespan)
