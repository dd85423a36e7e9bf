"""Notebook kernels forked from a warm process that has already imported what notebooks use.

A fresh IPython kernel spends 3-4 s starting Python and importing pandas, scipy, statsmodels,
arch, seaborn and techflows before the notebook's first line of analysis. Here one process per
runner (the "zygote", `python -m techflows.run.warm_kernels`) does those imports once; each
kernel is then a fork of it that becomes an ordinary ipykernel on the connection file papermill
gave it (~0.2 s). Papermill and nbclient drive the kernel exactly as before: only the launch of
the kernel process differs (WarmKernelManager).

Each kernel is still its own fresh process: nothing a notebook does reaches another. The zygote
holds imported modules only, never data; it serves a kernel only when that kernel would have
been started the same way (same interpreter, ipykernel, environment variables and techflows
source as when the zygote started; otherwise it is restarted), and anything it cannot serve is
launched the ordinary way. TECHFLOWS_WARM_KERNELS=0 turns it off.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from techflows import config
from techflows.run import lifetime

SWITCH = "TECHFLOWS_WARM_KERNELS"
READY = "ready"
START_TIMEOUT_S = 120.0
# Variables jupyter_client sets per kernel; every other difference means a different zygote.
PER_KERNEL_ENV = frozenset(
    {
        "JPY_PARENT_PID",
        "JPY_SESSION_NAME",
        "JPY_INTERRUPT_EVENT",
        "IPY_INTERRUPT_EVENT",
        "PYDEVD_DISABLE_FILE_VALIDATION",
    }
)
# Importing these in the zygote would decide matplotlib's backend before a kernel exists, and
# the inline backend would then never hook into the kernel (no figures in the report).
MUST_STAY_UNLOADED = ("matplotlib_inline.backend_inline",)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def enabled() -> bool:
    """False when TECHFLOWS_WARM_KERNELS=0 asks for ordinary kernel launches."""
    return os.environ.get(SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


def package_digest() -> str:
    """sha256 over the techflows source files: the code a zygote has imported."""
    digest = hashlib.sha256()
    for path in sorted(config.PACKAGE_DIR.rglob("*.py")):
        digest.update(str(path.relative_to(config.PACKAGE_DIR)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def zygote_env(env: dict[str, str]) -> dict[str, str]:
    """The environment a kernel would start with, less what jupyter_client sets per kernel."""
    return {k: v for k, v in env.items() if k not in PER_KERNEL_ENV}


# The zygote process


def preload_modules() -> list[str]:
    """Every techflows module a notebook may import (the run layer's notebook helpers only)."""
    import pkgutil

    import techflows

    names = []
    for module in pkgutil.walk_packages(techflows.__path__, "techflows."):
        name = module.name
        runner_only = name.startswith("techflows.run.") and name != "techflows.run.notebook"
        if not (runner_only or name.endswith("__main__")):
            names.append(name)
    return names


def preload() -> str:
    """Import what kernels and notebooks use; '' when forking is safe, else why it is not."""
    import importlib

    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # what ipykernel sets, before matplotlib
    for name in ("ipykernel.kernelapp", "matplotlib.pyplot", *preload_modules()):
        try:
            importlib.import_module(name)
        except Exception:  # an optional module that cannot load now; the kernel will say why
            continue
    loaded = [m for m in MUST_STAY_UNLOADED if m in sys.modules]
    pyplot = sys.modules.get("matplotlib.pyplot")
    if loaded or getattr(pyplot, "_backend_mod", None) is not None:
        return "a preloaded module chose matplotlib's backend"
    if threading.active_count() > 1:
        return "a preloaded module started a thread"
    return ""


def _become_kernel(request: dict[str, Any], reply_fd: int, zygote: int) -> None:
    """In the forked child: set up the process as the launcher would, then run ipykernel."""
    code = 1
    try:
        os.close(reply_fd)
        lifetime.end_with_parent(zygote)  # the zygote's end is its kernels' end, however it comes
        os.setsid()  # its own session, as jupyter_client starts kernels
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        from ipykernel import kernelapp

        arguments = request["argv"][3:]
        sys.argv = [kernelapp.__file__, *arguments]
        kernelapp.launch_new_instance(argv=arguments)
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def serve(reply_fd: int) -> None:
    """The zygote: preload, then fork one kernel per request line until stdin closes."""
    if sys.path and Path(sys.path[0] or ".").resolve() == Path.cwd():
        del sys.path[0]  # as ipykernel_launcher does; the kernel puts the notebook's folder back
    reply = os.fdopen(reply_fd, "w", buffering=1)
    unsafe = preload()
    try:
        reply.write(json.dumps({READY: not unsafe, "why": unsafe}) + "\n")
    except BrokenPipeError:  # the runner went while we were importing
        return
    if unsafe:
        return
    # Preloaded objects live on untouched in every kernel: the collector need not walk them
    # (walking them would also copy their memory into each kernel).
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they exit
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the runner's to handle
    children: list[int] = []
    me = os.getpid()
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _become_kernel(request, reply_fd, me)
        children.append(pid)
        reply.write(json.dumps({"pid": pid}) + "\n")
    # The runner has gone: take its kernels with us.
    for pid in children:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)


# The runner's side


class Zygote:
    """A running zygote: forks kernels for the runner's threads, one request at a time."""

    def __init__(self, env: dict[str, str], digest: str) -> None:
        self.env = env
        self.digest = digest
        self.lock = threading.Lock()
        self.ready: bool | None = None
        read_fd, write_fd = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(write_fd)],
            stdin=subprocess.PIPE,
            pass_fds=(write_fd,),
            env=env,
            cwd=config.PACKAGE_DIR,
            start_new_session=True,  # Ctrl-C in the terminal is for the runner, not the zygote
            text=True,
        )
        os.close(write_fd)
        self.replies = os.fdopen(read_fd, "r")

    def _answer(self) -> dict[str, Any]:
        line = self.replies.readline()
        if not line:
            raise OSError("the warm kernel process exited")
        return json.loads(line)

    def fork(self, argv: list[str], env: dict[str, str], cwd: str) -> int | None:
        """Fork a kernel for argv in cwd with env; None when the zygote cannot serve it."""
        with self.lock:
            try:
                if self.ready is None:
                    self.ready = bool(self._answer().get(READY))
                if not self.ready:
                    return None
                assert self.process.stdin is not None
                request = {"argv": argv, "env": env, "cwd": cwd}
                self.process.stdin.write(json.dumps(request) + "\n")
                self.process.stdin.flush()
                return int(self._answer()["pid"])
            except (OSError, ValueError, KeyError):
                self.ready = False
                return None

    def close(self) -> None:
        """End the zygote (closing its stdin ends it and any kernel it still has)."""
        try:
            if self.process.stdin:
                self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
        self.replies.close()


_zygote: Zygote | None = None
_zygote_lock = threading.Lock()


def zygote_for(env: dict[str, str]) -> Zygote:
    """This process's zygote for env, restarted when the environment or techflows changed."""
    global _zygote
    env = zygote_env(env)
    digest = package_digest()
    with _zygote_lock:
        current = _zygote
        if current is None or current.env != env or current.digest != digest:
            if current is not None:
                current.close()
            _zygote = current = Zygote(env, digest)
        return current


def prestart() -> None:
    """Start this process's zygote now, so its imports overlap the runner's own start-up."""
    if enabled():
        zygote_for(dict(os.environ))


@atexit.register
def _close() -> None:
    if _zygote is not None:
        _zygote.close()


def servable(argv: list[str]) -> bool:
    """True for the kernel command the zygote can stand in for: ipykernel on this Python."""
    return len(argv) > 3 and argv[0] == sys.executable and argv[1:3] == ["-m", "ipykernel_launcher"]


class ForkedKernel:
    """The Popen-like handle jupyter_client needs, for a kernel that is not our child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """None while the kernel runs (the zygote reaps it when it exits)."""
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0  # its exit status went to the zygote
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """The exit status, once poll() saw the kernel go."""
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        """Signal the kernel."""
        os.kill(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL the kernel."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """SIGTERM the kernel."""
        self.send_signal(signal.SIGTERM)


class WarmProvisioner(LocalProvisioner):
    """LocalProvisioner whose kernels are forked from the zygote when it can serve them."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        """Fork the kernel from the zygote; launch it the ordinary way if that is not possible."""
        env = dict(kwargs.get("env") or os.environ)
        pid = None
        if enabled() and servable(cmd):
            cwd = str(kwargs.get("cwd") or Path.cwd())
            env["JPY_PARENT_PID"] = str(os.getpid())
            pid = zygote_for(env).fork(cmd, env, cwd)
        if pid is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)
        self.pid = self.pgid = pid
        self.cwd = kwargs.get("cwd")
        return self.connection_info


class WarmKernelManager(AsyncKernelManager):
    """The kernel manager papermill is given: kernels come from WarmProvisioner."""

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or os.urandom(16).hex()
            self.provisioner = WarmProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
