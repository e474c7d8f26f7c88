#!/bin/bash
# Back up Rumah Kemasan into DEST/daily/<date-time>/:
#   db.dump             the PostgreSQL database (pg_dump, custom format)
#   media.tar.gz        the uploaded files (DJANGO_MEDIA_ROOT)
#   rumah-kemasan.env   the env file: DJANGO_SECRET_KEY signs the tracking links and QR codes handed out
#   SHA256SUMS          checked by deploy/restore.sh
# A set is also kept in DEST/weekly/ (hard links, no extra space) when the newest weekly one is six
# days old or more. Keeps the newest RK_BACKUP_KEEP_DAILY (14) daily and RK_BACKUP_KEEP_WEEKLY (8)
# weekly sets. Everything is 0600 in 0700 folders: backups hold personal data and legality scans.
# Run as the service user: rumah-kemasan-backup.service (timer), or
#   deploy/as-service.sh deploy/backup.sh /var/backups/rumah-kemasan
set -euo pipefail
umask 077
dest=${1:?usage: backup.sh DEST_DIR}
: "${DATABASE_URL:?is not set: run through systemd or deploy/as-service.sh}"
media=${DJANGO_MEDIA_ROOT:?is not set: run through systemd or deploy/as-service.sh}
env_file=${RK_ENV_FILE:-/etc/rumah-kemasan.env}
keep_daily=${RK_BACKUP_KEEP_DAILY:-14}
keep_weekly=${RK_BACKUP_KEEP_WEEKLY:-8}
[ -d "$media" ] || { echo "backup.sh: the media folder $media does not exist" >&2; exit 1; }
[ -r "$env_file" ] || { echo "backup.sh: cannot read $env_file" >&2; exit 1; }

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$dest/daily" "$dest/weekly"
chmod 700 "$dest" "$dest/daily" "$dest/weekly"
work="$dest/daily/.$stamp.partial"
rm -rf "$work"
mkdir "$work"
trap 'rm -rf "$work"' EXIT
pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" --file="$work/db.dump"
tar -czf "$work/media.tar.gz" -C "$media" .
cp "$env_file" "$work/rumah-kemasan.env"
(cd "$work" && sha256sum db.dump media.tar.gz rumah-kemasan.env > SHA256SUMS)
chmod 600 "$work"/*
mv "$work" "$dest/daily/$stamp"
trap - EXIT

newest_weekly=$(find "$dest/weekly" -mindepth 1 -maxdepth 1 -type d -name '2*' -printf '%f\n' | sort | tail -n 1)
if [ -z "$newest_weekly" ] || [[ "$newest_weekly" < "$(date -d '6 days ago' +%Y%m%d-%H%M%S)" ]]; then
  cp -al "$dest/daily/$stamp" "$dest/weekly/$stamp"
fi
prune() {  # keep the newest $2 sets in folder $1
  find "$1" -mindepth 1 -maxdepth 1 -type d -name '2*' -printf '%f\n' | sort -r | tail -n +"$(($2 + 1))" |
    while read -r old; do rm -rf "${1:?}/$old"; done
}
prune "$dest/daily" "$keep_daily"
prune "$dest/weekly" "$keep_weekly"
echo "$dest/daily/$stamp"
