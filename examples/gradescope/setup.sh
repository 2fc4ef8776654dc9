#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image: install the
# grader from the source in the uploaded zip (/autograder/source).
set -euo pipefail
apt-get update -q
# bubblewrap: the stronger sandbox tier, where the container allows namespaces.
apt-get install -y -q python3 python3-pip python3-venv bubblewrap
python3 -m venv /autograder/venv
# run_autograder looks for this venv's Python first.
/autograder/venv/bin/pip install --no-cache-dir /autograder/source
