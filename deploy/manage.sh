#!/bin/bash
# manage.py as the service user with the services' environment: deploy/manage.sh migrate --noinput
exec "$(dirname "$0")/as-service.sh" .venv/bin/python manage.py "$@"
