#!/usr/bin/env bash
# Installs osaudit for the GitHub Action (action.yml). Inputs come from the environment only.
set -euo pipefail
pip_install() { python -m pip install --disable-pip-version-check --quiet "$@"; }
if [ -n "${OSAUDIT_VERSION:-}" ]; then
  if ! [[ "$OSAUDIT_VERSION" =~ ^[A-Za-z0-9._/-]{1,100}$ ]]; then
    echo "::error title=osaudit::osaudit-version must be a git ref (letters, digits, . _ / -)"
    exit 2
  fi
  if ! [[ "${OSAUDIT_ACTION_REPOSITORY:-}" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]]; then
    echo "::error title=osaudit::cannot tell which repository to install osaudit-version from"
    exit 2
  fi
  pip_install "osaudit @ git+https://github.com/${OSAUDIT_ACTION_REPOSITORY}@${OSAUDIT_VERSION}"
else
  pip_install "${OSAUDIT_ACTION_PATH:?}"
fi
python -m osaudit.cli --version 2>/dev/null || osaudit --version
