#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database and media folder.
# Usage: deploy/restore.sh DB_DUMP MEDIA_TARBALL   (reads DATABASE_URL and DJANGO_MEDIA_ROOT)
# Stop the web, worker and beat services first; start them again afterwards.
set -euo pipefail
dump=${1:?usage: restore.sh DB_DUMP MEDIA_TARBALL}
tarball=${2:?usage: restore.sh DB_DUMP MEDIA_TARBALL}
media=${DJANGO_MEDIA_ROOT:-$(dirname "$0")/../media}
pg_restore --no-owner --exit-on-error --dbname="${DATABASE_URL:?set DATABASE_URL}" "$dump"
mkdir -p "$media"
tar -xzf "$tarball" -C "$media"
echo "restored $dump and $tarball"
