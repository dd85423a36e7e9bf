"""Where a sweep's runs execute: a pool of local processes, or an existing Dask cluster.

Both take the same picklable function and tasks (paths and parameters, never open sources) and
hand results back as they complete, so the caller publishes each run as soon as it is done.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Protocol

from techflows.errors import DataError
from techflows.run import lifetime

Done = tuple[Any, Any]  # (task, its result, or the exception that ended it)


class Engine(Protocol):
    """Runs fn on every task somewhere, yielding (task, result or exception) as each ends."""

    description: str

    def run(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Done]: ...

    def close(self) -> None: ...


class LocalPool:
    """A pool of `jobs` worker processes on this machine, which end with this process."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.description = f"{jobs} local process{'es' if jobs > 1 else ''}"
        self.pool: ProcessPoolExecutor | None = None

    def run(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Done]:
        """Run the tasks, jobs at a time, in fresh processes (spawned: no inherited threads).

        Each worker ignores Ctrl-C and ends when this process ends, however it ends
        (lifetime.sweep_worker); if this process is stopped mid-run, its workers are ended at
        once, and their kernels with them.
        """
        if not tasks:
            return
        workers = max(1, min(self.jobs, len(tasks)))
        self.pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=lifetime.sweep_worker,
            initargs=(os.getpid(),),
        )
        futures = {self.pool.submit(fn, task): task for task in tasks}
        try:
            for future in as_completed(futures):
                error = future.exception()
                yield futures[future], error if error is not None else future.result()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """End the workers now (their runs are lost, their kernels end with them)."""
        if self.pool is None:
            return
        processes = list(getattr(self.pool, "_processes", {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(OSError):
                process.kill()
        for process in processes:
            process.join(timeout=10)
        self.pool = None

    def close(self) -> None:
        """Stop the worker processes."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """An existing Dask distributed cluster, one task per run; workers import techflows."""

    def __init__(self, address: str, timeout: float = 10.0) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise DataError(
                "--scheduler needs the distributed package: pip install 'techflows[cluster]'"
            ) from None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise DataError(f"--scheduler {address}: cannot reach the scheduler ({exc})") from None
        workers = len(self.client.scheduler_info().get("workers", {}))
        self.description = f"the Dask cluster at {address} ({workers} workers)"

    def run(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Done]:
        """Submit one task per run; a run lost with a worker is run again on another."""
        from distributed import as_completed as completing

        token = os.urandom(4).hex()
        futures = {
            self.client.submit(fn, task, pure=False, key=f"techflows-{token}-{i}"): task
            for i, task in enumerate(tasks)
        }
        try:
            # The client is not the default one: as_completed must be given its loop.
            for future in completing(futures, loop=self.client.loop):
                try:
                    yield futures[future], future.result()
                except Exception as exc:  # the task raised, or its workers kept dying
                    yield futures[future], exc
        except BaseException:
            self.client.cancel(list(futures))
            raise

    def close(self) -> None:
        """Disconnect from the cluster (the cluster itself keeps running)."""
        self.client.close()


def engine(scheduler: str = "", jobs: int = 2) -> Engine:
    """The Dask cluster at scheduler when given, else a pool of jobs local processes."""
    return DaskCluster(scheduler) if scheduler else LocalPool(jobs)
