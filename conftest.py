"""The whole test run (tests/ and the notebooks nbval checks) is isolated from the user's own
background instance and data. It lives here, not in notebooks/, so JupyterLab's file browser
shows only the notebooks."""

import os
import tempfile

os.environ["WORKBENCH_STATE_DIR"] = tempfile.mkdtemp(prefix="workbench-nbval-")
for _var in ("WORKBENCH_ENGINE", "WORKBENCH_ENDPOINT", "DATABASE_URL", "AWS_ENDPOINT_URL"):
    os.environ.pop(_var, None)
