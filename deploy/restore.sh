#!/bin/bash
# Restore a set made by deploy/backup.sh: the database into an EMPTY database (drop and create it
# first), the uploaded files in place of the media folder (the old folder is kept beside it, renamed
# media.before-restore-<date-time>). The web, worker and beat must be stopped (deploy/README.md, "Restore").
# Run as the service user:  deploy/as-service.sh deploy/restore.sh /var/backups/rumah-kemasan/daily/<date-time>
set -euo pipefail
set_dir=${1:?usage: restore.sh BACKUP_SET_DIR}
: "${DATABASE_URL:?is not set: run through deploy/as-service.sh}"
media=${DJANGO_MEDIA_ROOT:?is not set: run through deploy/as-service.sh}
env_file=${RK_ENV_FILE:-/etc/rumah-kemasan.env}

(cd "$set_dir" && sha256sum --quiet --strict -c SHA256SUMS) || { echo "restore.sh: $set_dir fails its checksums" >&2; exit 1; }
tables=$(psql --no-psqlrc -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" "$DATABASE_URL")
if [ "$tables" != 0 ]; then
  echo "restore.sh: the database is not empty ($tables tables): drop and create it first (deploy/README.md, Restore)" >&2
  exit 1
fi
pg_restore --no-owner --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$set_dir/db.dump"

incoming="$media.restoring"
rm -rf "$incoming"
mkdir -m 750 "$incoming"
tar -xzf "$set_dir/media.tar.gz" -C "$incoming"
if [ -e "$media" ]; then
  mv "$media" "$media.before-restore-$(date +%Y%m%d-%H%M%S)"
fi
mv "$incoming" "$media"
chmod 750 "$media"

key() { grep -E '^DJANGO_SECRET_KEY=' "$1" || true; }
if [ "$(key "$set_dir/rumah-kemasan.env")" != "$(key "$env_file")" ]; then
  echo "restore.sh: WARNING: $env_file has another DJANGO_SECRET_KEY than the backup: tracking links and" >&2
  echo "  QR codes handed out before will not open. As root: install -m 640 -o root -g rumahkemasan" >&2
  echo "  $set_dir/rumah-kemasan.env $env_file   (then start the services)" >&2
fi
echo "restored $set_dir"
