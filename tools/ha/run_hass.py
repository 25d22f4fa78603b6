"""Runs Home Assistant for the real-hub test suite, and stops it when the test process goes away.

Usage (with the venv's interpreter): python tools/ha/run_hass.py --skip-pip -c <config dir>
The arguments are Home Assistant's own (`hass --help`).

The test process holds this process's stdin open. End of file on stdin means the test process is
gone, however it ended (even SIGKILL, when no exit hook runs): this process then sends itself
SIGTERM, which Home Assistant answers with an orderly shutdown, and hard-exits if that takes
longer than GRACE_SECONDS. So no Home Assistant outlives the suite that started it.

Home Assistant is started in-process (`homeassistant.__main__.main`), not through the venv's
`hass` script: the venv is built in a scratch directory and renamed into the cache, which leaves
console-script shebangs pointing at the scratch path.
"""

import os
import signal
import sys
import threading
import time

GRACE_SECONDS = 30


def stop_when_parent_is_gone() -> None:
    # os.read on the raw descriptor: a thread blocked in sys.stdin.buffer.read holds the buffer's
    # lock, and the interpreter aborts at shutdown when a daemon thread holds it.
    while os.read(0, 4096):
        pass
    sys.stderr.write("run_hass: stdin closed (the test process is gone): stopping Home Assistant\n")
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_SECONDS)
    sys.stderr.write(f"run_hass: Home Assistant did not stop within {GRACE_SECONDS} s: exiting hard\n")
    os._exit(1)


def main() -> int:
    threading.Thread(target=stop_when_parent_is_gone, name="parent-guard", daemon=True).start()
    from homeassistant.__main__ import main as hass_main

    sys.argv = ["hass", *sys.argv[1:]]
    return hass_main()


if __name__ == "__main__":
    sys.exit(main())
