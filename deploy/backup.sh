#!/usr/bin/env bash
# Back up Rumah Kemasan: the PostgreSQL database (pg_dump, custom format) and the uploaded files.
# Usage: deploy/backup.sh DEST_DIR      (reads DATABASE_URL and DJANGO_MEDIA_ROOT from the environment)
# Run it daily from cron or a systemd timer and copy DEST_DIR off the machine.
set -euo pipefail
dest=${1:?usage: backup.sh DEST_DIR}
media=${DJANGO_MEDIA_ROOT:-$(dirname "$0")/../media}
stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$dest"
pg_dump --format=custom --no-owner --dbname="${DATABASE_URL:?set DATABASE_URL}" --file="$dest/db-$stamp.dump"
tar -czf "$dest/media-$stamp.tar.gz" -C "$media" .
echo "$dest/db-$stamp.dump"
echo "$dest/media-$stamp.tar.gz"
