#!/bin/bash
# The deployment test: deploy/README.md typed in order on this machine, then checked (see the guide's
# last section). Needs Debian, root, network for apt and PyPI; uses ports 18080, 18443, 18000, 18379.
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/test/run.py" "$@"
