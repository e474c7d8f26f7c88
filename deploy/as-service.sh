#!/bin/bash
# Run a command as the service user, with the environment the services get from systemd
# (EnvironmentFile=/etc/rumah-kemasan.env), in the code folder. Used by the guide (deploy/README.md):
#   deploy/as-service.sh deploy/restore.sh /var/backups/rumah-kemasan/daily/20261130-023000
#   deploy/manage.sh migrate --noinput          (= deploy/as-service.sh .venv/bin/python manage.py …)
# The env file is checked first: every line must be one that systemd and a shell read alike
# (KEY=plain-value or KEY='value'); anything else stops here with the line named, instead of being
# half-read by the shell.
set -euo pipefail
app=$(cd "$(dirname "$0")/.." && pwd)
env_file=${RK_ENV_FILE:-/etc/rumah-kemasan.env}
service_user=${RK_SERVICE_USER:-rumahkemasan}

[ -r "$env_file" ] || { echo "as-service.sh: cannot read $env_file" >&2; exit 1; }
line_number=0
while IFS= read -r line || [ -n "$line" ]; do
  line_number=$((line_number + 1))
  case "$line" in '' | '#'*) continue ;; esac
  if ! [[ "$line" =~ ^[A-Za-z_][A-Za-z0-9_]*=(\'[^\']*\'|[A-Za-z0-9_./:@,+=%-]*)$ ]]; then
    echo "as-service.sh: $env_file line $line_number is not KEY=plain-value or KEY='value': $line" >&2
    exit 1
  fi
done < "$env_file"
set -a
# shellcheck disable=SC1090
. "$env_file"
set +a
export RK_ENV_FILE="$env_file"
cd "$app"
if [ "$(id -un)" = "$service_user" ]; then
  exec "$@"
fi
exec runuser -u "$service_user" -- "$@"
