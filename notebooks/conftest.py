"""nbval runs the notebooks isolated from the user's own background instance and data.

`make lab` hides this file (and src/) from JupyterLab's file browser."""

import os
import tempfile

os.environ["WORKBENCH_STATE_DIR"] = tempfile.mkdtemp(prefix="workbench-nbval-")
for _var in ("WORKBENCH_ENGINE", "WORKBENCH_ENDPOINT", "DATABASE_URL", "AWS_ENDPOINT_URL"):
    os.environ.pop(_var, None)
