"""The deployment test: deploy/README.md typed in order on this Debian machine (as root), then checked.

Run by deploy/test.sh (and .ci/run). It
1. copies the working tree into a git repository (the "upstream" the guide clones), with the ports
   changed in deploy/ — the only edit besides the certificate, the repository address and the
   database name, all listed in SUBSTITUTIONS and applied to the guide's blocks the same way;
2. runs every ``sh`` block of the guide, in the guide's order (each one must be in STEPS), with
   deploy/test/systemctl standing in for systemd;
3. asserts what the guide promises, and prints the measured numbers.
Only the standard library: it runs on Debian's python3 before any virtualenv exists.
"""
import hashlib
import http.client
import importlib.machinery
import importlib.util
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
GUIDE = REPO / "deploy" / "README.md"
DOMAIN = "kemasan.example.go.id"
HTTP, HTTPS, APP, REDIS = (int(os.environ.get(k, d)) for k, d in [
    ("RK_DEPLOY_HTTP_PORT", 18080), ("RK_DEPLOY_HTTPS_PORT", 18443), ("RK_DEPLOY_APP_PORT", 18000),
    ("RK_DEPLOY_REDIS_PORT", 18379)])
DB = os.environ.get("RK_DEPLOY_DB", "i15_rumahkemasan")
WORK = Path(os.environ.get("RK_DEPLOY_WORK", "/var/tmp/rk-deploy-test"))
ORIGIN = WORK / "origin.git"
JOURNAL = Path("/var/log/rk-journal")
APP_DIR = Path("/srv/rumah-kemasan")
MEDIA = Path("/var/lib/rumah-kemasan/media")
BACKUPS = Path("/var/backups/rumah-kemasan")
UNITS = ["rumah-kemasan-web", "rumah-kemasan-worker", "rumah-kemasan-notify-codes", "rumah-kemasan-notify-email",
         "rumah-kemasan-notify-whatsapp", "rumah-kemasan-beat"]
# The guide's steps, in the order the guide must have them.
STEPS = ["packages", "code", "redis", "postgres", "env", "install", "services", "nginx-http", "certificate",
         "nginx-https", "backup", "restore", "upgrade"]
CERT_DIR = f"/etc/letsencrypt/live/{DOMAIN}"
SELF_SIGNED = (
    f"mkdir -p {CERT_DIR} && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN={DOMAIN} "
    f"-addext subjectAltName=DNS:{DOMAIN} -keyout {CERT_DIR}/privkey.pem -out {CERT_DIR}/fullchain.pem 2>/dev/null"
)
SUBSTITUTIONS = [  # (what the guide and deploy/ say, what the test uses)
    ("listen 80;", f"listen {HTTP};"),
    ("listen [::]:80;", f"listen [::]:{HTTP};"),
    ("listen 443 ", f"listen {HTTPS} "),
    ("listen [::]:443 ", f"listen [::]:{HTTPS} "),
    ("127.0.0.1:8000", f"127.0.0.1:{APP}"),
    ("127.0.0.1:6379", f"127.0.0.1:{REDIS}"),
    ("port 6379", f"port {REDIS}"),
    (f"{DOMAIN}:443:127.0.0.1", f"{DOMAIN}:{HTTPS}:127.0.0.1"),
    (f"https://{DOMAIN}/healthz", f"https://{DOMAIN}:{HTTPS}/healthz"),
    ("postgres:///rumahkemasan", f"postgres:///{DB}"),
    ("createdb -O rumahkemasan rumahkemasan", f"createdb -O rumahkemasan {DB}"),
    ("dropdb rumahkemasan", f"dropdb {DB}"),
    ("https://git.example.go.id/plut/rumah-kemasan.git", str(ORIGIN)),
]
ENV = {"PATH": f"{HERE}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
       "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive", "RK_JOURNAL_DIR": str(JOURNAL),
       "CURL_HOME": str(WORK / "curl")}  # its .curlrc makes curl (only) trust the self-signed certificate
results: dict[str, str] = {}
timings: dict[str, list[tuple[float, str]]] = {}
used: set[str] = set()


def say(message: str) -> None:
    print(f"[deploy-test {time.strftime('%H:%M:%S')}] {message}", flush=True)


def substitute(text: str) -> str:
    for old, new in SUBSTITUTIONS:
        if old in text:
            used.add(old)
            text = text.replace(old, new)
    return text


def guide_steps() -> dict[str, str]:
    """The guide's ``sh`` blocks by the step name in the comment above each."""
    text = GUIDE.read_text()
    steps = re.findall(r"<!-- step: ([\w-]+) -->\n```sh\n(.*?)```", text, re.S)
    all_sh = re.findall(r"^```sh\n", text, re.M)
    assert len(steps) == len(all_sh), "every sh block of the guide needs a <!-- step: NAME --> comment"
    names = [name for name, _ in steps]
    assert names == STEPS, f"the guide's steps {names} differ from the test's {STEPS}"
    blocks = dict(steps)
    assert "certbot certonly --webroot" in blocks["certificate"]
    blocks["certificate"] = SELF_SIGNED + "\n"
    return {name: substitute(block) for name, block in blocks.items()}


def sh(script: str, *, check=True, capture=False, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], env={**ENV, **(env or {})}, check=check,
                          text=True, capture_output=capture)


def run_step(name: str, block: str) -> float:
    """Run one guide block; keep how long each of its commands took (in ``timings``)."""
    say(f"guide step {name}")
    print("    " + block.strip().replace("\n", "\n    "), flush=True)
    trace = WORK / f"trace-{name}"
    started, began = time.monotonic(), time.time()
    sh(f"exec 9>{trace}; BASH_XTRACEFD=9; PS4='+ ${{EPOCHREALTIME}} '; set -x\n{block}")
    took, ended = time.monotonic() - started, time.time()
    commands = [line.split(" ", 2) for line in trace.read_text().splitlines() if line.startswith("+ ")]
    ends = [float(c[1]) for c in commands[1:]] + [ended]
    timings[name] = [(stop - float(stamp), command) for (_plus, stamp, command), stop in zip(commands, ends)]
    return took


def quiet(script: str) -> None:
    began = time.monotonic()
    subprocess.run(["bash", "-c", script], env=ENV, capture_output=True)
    if time.monotonic() - began > 3:
        say(f"  ({time.monotonic() - began:.0f} s: {script[:60]})")


def clean_machine() -> None:
    """Remove what an earlier run left, so the guide starts from a machine without Rumah Kemasan."""
    say("cleaning up an earlier run")
    for unit in UNITS + ["redis-server", "nginx"]:
        quiet(f"systemctl stop {unit}")
    quiet("[ -f /run/nginx.pid ] && kill $(cat /run/nginx.pid); sleep 0.5")
    quiet(f"redis-cli -p {REDIS} -a \"$(sed -n 's/^requirepass //p' /etc/redis/rumah-kemasan.conf)\" shutdown nosave")
    quiet(f"sudo -u postgres dropdb --if-exists {DB} || su postgres -c 'dropdb --if-exists {DB}'")
    quiet("su postgres -s /bin/sh -c 'dropuser --if-exists rumahkemasan'")
    quiet("userdel rumahkemasan")
    for path in [APP_DIR, Path("/var/lib/rumah-kemasan"), BACKUPS, Path("/etc/rumah-kemasan.env"), JOURNAL,
                 Path("/run/rk-systemctl"), Path(CERT_DIR), Path("/etc/redis/rumah-kemasan.conf"), WORK,
                 Path("/var/lib/redis/appendonlydir")]:
        began = time.monotonic()
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        if time.monotonic() - began > 3:
            say(f"  ({time.monotonic() - began:.0f} s to remove {path})")
    for path in list(Path("/etc/systemd/system").glob("rumah-kemasan-*")) + list(Path("/etc/nginx").glob("sites-*/rumah-kemasan-*")):
        path.unlink()
    # As Debian's redis-server package leaves it (a container image may have lost the owner).
    quiet("[ -d /var/lib/redis ] && chown redis:redis /var/lib/redis && chmod 750 /var/lib/redis")
    redis_conf = Path("/etc/redis/redis.conf")
    if redis_conf.exists():
        redis_conf.write_text(redis_conf.read_text().replace("include /etc/redis/rumah-kemasan.conf\n", ""))


def make_origin() -> Path:
    """The working tree as an upstream repository, with the test's ports in deploy/."""
    say(f"upstream repository {ORIGIN} from the working tree (ports changed in deploy/)")
    source = WORK / "source"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = REPO / name
        if src.is_file():
            dst = source / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    for path in (source / "deploy").rglob("*"):
        if path.is_file() and path.suffix != ".md" and "test" not in path.parts[-2:-1]:
            text = path.read_text()
            new = substitute(text)
            if new != text:
                path.write_text(new)
    git = ["git", "-c", "user.name=deploy test", "-c", "user.email=deploy-test@localhost"]
    subprocess.run(git + ["init", "-q", "-b", "main"], cwd=source, check=True)
    subprocess.run(git + ["add", "-A"], cwd=source, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "release 1"], cwd=source, check=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(ORIGIN)], check=True)
    return source


def new_release(source: Path) -> None:
    """Release 2 in the upstream repository: a changed stylesheet (a new hashed name after
    collectstatic) and a migration of the safe kind (a new index), run while release 1 serves."""
    css = source / "static" / "css" / "app.css"
    css.write_text(css.read_text() + "\n/* release 2 */\n")
    migrations = source / "core" / "migrations"
    leaf = sorted(p.stem for p in migrations.glob("[0-9][0-9][0-9][0-9]_*.py"))[-1]
    (migrations / "9999_release_2_index.py").write_text(
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
        f"    dependencies = [('core', '{leaf}')]\n"
        "    operations = [migrations.RunSQL('CREATE INDEX release_2_seen ON core_heartbeat (seen_at)',"
        " 'DROP INDEX release_2_seen')]\n")
    git = ["git", "-c", "user.name=deploy test", "-c", "user.email=deploy-test@localhost"]
    subprocess.run(git + ["add", "-A"], cwd=source, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "release 2"], cwd=source, check=True)
    subprocess.run(git + ["push", "-q", str(ORIGIN), "main"], cwd=source, check=True)


# --- HTTP through nginx ------------------------------------------------------------------------

TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE


def request(method: str, path: str, *, tls=True, body=None, headers=None, timeout=30):
    conn = (http.client.HTTPSConnection("127.0.0.1", HTTPS, context=TLS, timeout=timeout) if tls
            else http.client.HTTPConnection("127.0.0.1", HTTP, timeout=timeout))
    try:
        conn.request(method, path, body=body, headers={"Host": DOMAIN, **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def health() -> tuple[int, dict]:
    status, _headers, body = request("GET", "/healthz")
    return status, json.loads(body)


def css_path() -> str:
    status, _headers, body = request("GET", "/")
    assert status == 200, f"landing page: {status}"
    match = re.search(rb'href="(/static/css/app\.[0-9a-f]+\.css)"', body)
    assert match, "the landing page links no hashed app.css"
    return match.group(1).decode()


class Stream:
    """Threads requesting the landing page and its stylesheet, keep-alive, counting what fails."""

    def __init__(self, threads=4):
        self.stop = threading.Event()
        self.ok = 0
        self.failed: list[str] = []
        self.lock = threading.Lock()
        self.paths = ["/", css_path(), "/lacak/"]
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]

    def run(self):
        conn = None
        i = 0
        while not self.stop.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            try:
                if conn is None:
                    conn = http.client.HTTPSConnection("127.0.0.1", HTTPS, context=TLS, timeout=30)
                conn.request("GET", path, headers={"Host": DOMAIN})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status}")
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
                with self.lock:
                    self.ok += 1
            except Exception as error:  # noqa: BLE001 - every failure is counted
                with self.lock:
                    self.failed.append(f"{path}: {error!r}")
                if conn is not None:
                    conn.close()
                conn = None

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=40)


# --- checks ------------------------------------------------------------------------------------

def psql(sql: str, database: str = DB) -> str:
    return subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-XAt", "-d", database, "-c", sql],
                          capture_output=True, text=True, check=True).stdout.strip()


def row_counts() -> dict[str, int]:
    tables = psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").split()
    union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM public.\"{t}\"" for t in tables)
    return {name: int(count) for name, count in (line.split("|") for line in psql(union).splitlines())}


def media_checksums() -> dict[str, str]:
    return {str(p.relative_to(MEDIA)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(MEDIA.rglob("*")) if p.is_file()}


def wait_until(predicate, timeout: float, step: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def check_env_file_read_alike() -> None:
    loader = importlib.machinery.SourceFileLoader("fake_systemctl", str(HERE / "systemctl"))
    spec = importlib.util.spec_from_loader("fake_systemctl", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    systemd_view = module.parse_env_file(Path("/etc/rumah-kemasan.env"))
    shell = sh("env -i bash -c 'set -a; . /etc/rumah-kemasan.env; set +a; env -0'", capture=True).stdout
    shell_view = dict(item.split("=", 1) for item in shell.split("\0") if "=" in item)
    for key, value in systemd_view.items():
        assert shell_view.get(key) == value, f"{key}: systemd reads {value!r}, a shell {shell_view.get(key)!r}"
    assert systemd_view["DJANGO_DEFAULT_FROM_EMAIL"] == "Rumah Kemasan <noreply@example.go.id>"
    assert len(systemd_view["DJANGO_SECRET_KEY"]) >= 50
    say(f"env file: systemd and a shell read the same {len(systemd_view)} values")


def check_units_verify() -> None:
    units = [str(p) for p in sorted(Path("/etc/systemd/system").glob("rumah-kemasan-*"))]
    out = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True)
    assert out.returncode == 0, f"systemd-analyze verify: {out.stdout}{out.stderr}"
    for unit in UNITS:
        text = Path(f"/etc/systemd/system/{unit}.service").read_text()
        for line in ["NoNewPrivileges=true", "ProtectSystem=strict", "PrivateTmp=true", "ReadWritePaths="]:
            assert line in text, f"{unit}: {line} missing"
    say(f"systemd-analyze verify: {len(units)} units fine")


def check_permissions() -> None:
    """The service user may not change its code or its settings; Redis wants the password."""
    for path in ["/srv/rumah-kemasan/manage.py", "/srv/rumah-kemasan/deploy", "/srv/rumah-kemasan/.venv/bin",
                 "/etc/rumah-kemasan.env"]:
        writable = subprocess.run(["runuser", "-u", "rumahkemasan", "--", "test", "-w", path]).returncode == 0
        assert not writable, f"the service user can write {path}"
    readable = subprocess.run(["runuser", "-u", "www-data", "--", "test", "-r", str(MEDIA)]).returncode == 0
    assert not readable, "nginx's user can read the uploaded files"
    out = subprocess.run(["redis-cli", "-p", str(REDIS), "ping"], capture_output=True, text=True).stdout
    assert "NOAUTH" in out, f"Redis answers without the password: {out!r}"
    say("the service user cannot write the code or the env file; www-data cannot read uploads; Redis wants its password")


def check_site() -> None:
    status, headers, _ = request("GET", "/lacak/")
    hsts = headers.get("Strict-Transport-Security", "")
    assert status == 200 and "max-age=31536000" in hsts and "preload" not in hsts, (status, hsts)
    say(f"HSTS without preload: {hsts}")
    status, body = health()
    assert status == 200 and body["status"] == "ok", f"/healthz over TLS: {status} {body}"
    assert body["worker"]["status"] == "ok" and body["beat"]["status"] == "ok", body
    assert body["worker"]["alive"] == 4 and body["worker"]["queues_without_worker"] == [], body
    say(f"/healthz over TLS: 200 {body}")

    status, headers, _ = request("GET", "/healthz", tls=False)
    assert status == 301 and headers["Location"].startswith(f"https://{DOMAIN}"), (status, headers)
    say(f"HTTP: 301 to {headers['Location']}")

    css = css_path()
    status, headers, body = request("GET", css, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and len(body) > 100, (css, status)
    assert "max-age=31536000" in headers.get("Cache-Control", ""), f"{css} not from nginx's /static/: {headers}"
    assert headers.get("Content-Encoding") == "gzip", f"{css}: no gzip copy served: {headers}"
    say(f"static {css}: 200 from nginx (Cache-Control {headers['Cache-Control']}, gzip)")

    big = b"x" * (70 * 1024 * 1024)
    status, _headers, body = request("POST", "/masuk/", body=big, headers={"Content-Type": "application/octet-stream"})
    assert status == 413 and "terlalu besar".encode() in body, (status, body[:300])
    say("70 MB body: 413 with the Indonesian page")

    files = [p.relative_to(MEDIA) for p in MEDIA.rglob("*") if p.is_file()]
    assert files, "no uploaded files to try"
    for prefix in ["/media/", "/media-not-public/", "/static/../media/"]:
        status, _headers, body = request("GET", f"{prefix}{files[0]}")
        assert status == 404, f"{prefix}{files[0]}: {status}"
    say(f"upload paths ({files[0]} under /media/, /media-not-public/): 404")


def check_logs() -> None:
    status, _headers, _ = request("GET", '/a\\b%5Cc"d?q=\\x')
    assert status == 404
    time.sleep(1)
    offsets = set()
    access_lines = 0
    for unit in UNITS:
        lines = [line for line in (JOURNAL / f"{unit}.service.log").read_text().splitlines() if line.strip()]
        assert lines, f"{unit}: no log lines"
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                raise AssertionError(f"{unit}: not JSON: {line!r}") from None
            offsets.add(entry["time"][-6:])
            if entry.get("http", {}).get("path", "").startswith("/a\\b\\c"):
                access_lines += 1
    assert offsets == {"+09:00"}, f"log times in several zones: {offsets}"
    assert access_lines >= 1, "the access line with backslashes is missing"
    say(f"logs: every line of web, worker and beat is JSON, times all {offsets.pop()}; backslash path logged")


def seed_data() -> None:
    say("demo data (seed_demo with DJANGO_DEBUG=true, through the running worker)")
    sh(f"cd {APP_DIR} && DJANGO_DEBUG=true deploy/manage.sh seed_demo >/dev/null")

    def settled():
        first = media_checksums()
        time.sleep(3)
        return len(first) >= 5 and first == media_checksums()
    assert wait_until(settled, 90, 0), f"uploaded files did not settle: {len(media_checksums())}"


def check_backup_files() -> None:
    for path in [BACKUPS, *BACKUPS.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        expected = 0o700 if path.is_dir() else 0o600
        assert mode == expected, f"{path}: {oct(mode)}, not {oct(expected)}"
        assert path.owner() == "rumahkemasan", f"{path} belongs to {path.owner()}"
    say("backup: files 0600 in 0700 folders, owned by the service user")


def check_worker_death() -> None:
    pid = int(Path("/run/rk-systemctl/rumah-kemasan-worker.service.pid").read_text())
    os.killpg(pid, signal.SIGKILL)
    killed = time.monotonic()
    status, body = health()
    window = body["worker"]["stale_after_seconds"]
    red = wait_until(lambda: health()[0] == 503, window + 30, 2)
    took = time.monotonic() - killed
    status, body = health()
    assert red and status == 503 and body["worker"]["status"] == "error", body
    assert body["worker"]["queues_without_worker"] == ["celery"], body  # the notify workers still live
    assert body["beat"]["status"] == "ok", body
    assert took <= window + 20, f"red after {took:.0f} s (window {window} s)"
    results["worker death"] = f"/healthz red {took:.0f} s after the worker was killed (stale after {window} s)"
    say(results["worker death"] + f": {body['worker']}")


def main() -> int:
    assert os.geteuid() == 0, "the deployment test runs as root (it installs packages and a service user)"
    started = time.monotonic()
    clean_machine()
    WORK.mkdir(parents=True)
    (WORK / "curl").mkdir()
    (WORK / "curl" / ".curlrc").write_text(f"cacert = {CERT_DIR}/fullchain.pem\n")
    steps = guide_steps()
    source = make_origin()
    unused = [old for old, _new in SUBSTITUTIONS if old not in used]
    assert not unused, f"substitutions that match nothing in the guide or deploy/ (they drifted apart): {unused}"
    for name in STEPS[:STEPS.index("nginx-https") + 1]:
        run_step(name, steps[name])
    check_units_verify()
    check_env_file_read_alike()
    check_permissions()
    seed_data()
    check_site()
    check_logs()

    run_step("backup", steps["backup"])
    check_backup_files()
    counts, checksums = row_counts(), media_checksums()
    restore_seconds = run_step("restore", steps["restore"])
    assert row_counts() == counts, "row counts differ after the restore"
    assert media_checksums() == checksums, "uploaded files differ after the restore"
    size = sum(p.stat().st_size for p in BACKUPS.rglob("*") if p.is_file() and "daily" in p.parts)
    results["restore"] = (f"{restore_seconds:.1f} s for stop → drop → create → restore → start → healthy "
                          f"({sum(counts.values())} rows in {len(counts)} tables, {len(checksums)} files, "
                          f"backup set {size / 1e6:.1f} MB)")
    say("restore: identical row counts and media checksums; " + results["restore"])

    new_release(source)
    old_css = css_path()
    with Stream() as stream:
        time.sleep(3)
        upgrade_seconds = run_step("upgrade", steps["upgrade"])
        time.sleep(3)
    new_css = css_path()
    assert new_css != old_css, "the new stylesheet is not served after the upgrade"
    assert psql("SELECT count(*) FROM pg_indexes WHERE indexname = 'release_2_seen'") == "1", "release 2 not migrated"
    assert stream.ok > 50, f"only {stream.ok} requests during the upgrade"
    results["upgrade"] = (f"{len(stream.failed)} failed of {stream.ok + len(stream.failed)} requests during "
                          f"the upgrade ({upgrade_seconds:.0f} s: pull, pip, migrate, collectstatic, reload, restarts)")
    assert not stream.failed, f"{results['upgrade']}: {stream.failed[:5]}"
    say("upgrade: " + results["upgrade"])

    with Stream() as stream:  # for comparison, not a guide step: what the reload avoids
        time.sleep(2)
        sh("systemctl restart rumah-kemasan-web")
        time.sleep(3)
    results["restart instead"] = (f"{len(stream.failed)} failed of {stream.ok + len(stream.failed)} requests when "
                                  "the web is restarted instead of reloaded (for comparison)")
    say(results["restart instead"])

    check_worker_death()
    for unit in UNITS + ["nginx", "redis-server"]:
        quiet(f"systemctl stop {unit}")
    # Leave the machine's own Redis (127.0.0.1:6379, used by the worker tests) as Debian configures it:
    # the include carries the test's port and password.
    redis_conf = Path("/etc/redis/redis.conf")
    if redis_conf.exists():
        redis_conf.write_text(redis_conf.read_text().replace("include /etc/redis/rumah-kemasan.conf\n", ""))
    say(f"PASSED in {time.monotonic() - started:.0f} s")
    for name, value in results.items():
        print(f"  {name}: {value}")
    for name in ("restore", "upgrade"):
        print(f"  {name}, command by command:")
        for seconds, command in timings[name]:
            print(f"    {seconds:6.1f} s  {command[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
