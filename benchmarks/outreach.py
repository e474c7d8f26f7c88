"""Outreach sync under a slow network (`python benchmarks/run.py --only outreach`).

A fresh SQLite database and `runserver` on 127.0.0.1; Debian's Chromium signs in as the demo staff
member, prepares the phone for a trip, goes offline, and reloads the intake page (served by the service
worker: timed). 50 intakes, each with one 1600×1200 JPEG photo drawn on the device, are put in the
device store; then Chromium's network emulation is set to 400 kbit/s both ways with 400 ms latency and
"Kirim sekarang" is pressed. Every 10th request's answer is thrown away (the server stored it; the
device never heard back), so those records must be sent again and answered as duplicates. Counted on
the server afterwards: records, bookings and distinct device keys.
"""
import gzip
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("BENCH_OUTREACH_COUNT", "50"))
OWN_JS = ["js/outreach-store.js", "js/outreach-app.js", "js/outreach-trip.js", "js/outreach-signout.js", "js/app.js"]

MAKE_RECORDS = """async ([trip, count, district]) => {
  for (let i = 0; i < count; i++) {
    const canvas = new OffscreenCanvas(1600, 1200);
    const g = canvas.getContext('2d');
    g.fillStyle = `hsl(${(i * 37) % 360}, 45%, 60%)`; g.fillRect(0, 0, 1600, 1200);
    for (let k = 0; k < 400; k++) {
      g.fillStyle = `hsl(${(i * 7 + k * 13) % 360}, 50%, ${30 + (k % 40)}%)`;
      g.fillRect((k * 97) % 1600, (k * 53) % 1200, 20 + (k % 60), 20 + ((k * 3) % 60));
    }
    const photo = await canvas.convertToBlob({type: 'image/jpeg', quality: 0.82});
    const n = String(i).padStart(4, '0');
    await RKOutreach.put({id: RKOutreach.uuid(), trip, kind: 'intake', state: 'queued', errors: {},
      device_time: new Date(Date.now() - (count - i) * 60000).toISOString(), photos: [photo],
      fields: {owner_name: 'Pemilik ' + n, phone: '0812 9' + n.slice(0, 2) + ' ' + n.slice(2) + '00', owner_gender: 'female',
        business_name: 'Usaha ' + n, district, address: 'Desa Wangel, Dobo', sector: 'food', scale: 'mikro',
        product_name: 'Produk ' + n, category: 'food', service: 'desain-kemasan', quantity: '1', notes: '', consent: 'on'}});
  }
  const all = await RKOutreach.all();
  return {ids: all.filter(r => r.state === 'queued').map(r => r.id), bytes: all.reduce((s, r) => s + r.photos.reduce((t, p) => t + p.size, 0), 0)};
}"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout


def own_js_gzipped() -> int:
    return sum(len(gzip.compress((ROOT / "static" / name).read_bytes(), 9)) for name in OWN_JS)


def run(base_env) -> str:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    db = Path("/tmp/rk-bench-outreach.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = {**base_env, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_DEBUG": "true", "DJANGO_LOG_LEVEL": "ERROR"}
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    trip_id = manage(env, "shell", "-c", (
        "import datetime; from django.utils import timezone; from accounts.models import District, User; "
        "from outreach.models import OutreachTrip; s = User.objects.get(username='petugas'); d = timezone.localdate(); "
        "t = OutreachTrip.objects.create(district=District.objects.get(name='Kepulauan Aru'), place='Dobo', starts_on=d, "
        "ends_on=d + datetime.timedelta(days=2), target=50, created_by=s); t.team.add(s); print(t.public_id, t.district_id)"
    )).strip().splitlines()[-1].split()
    trip_id, district_id = trip_id
    port = free_port()
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        result = drive(base, trip_id, district_id)
    finally:
        server.terminate()
        server.wait(10)
    counts = json.loads(manage(env, "shell", "-c", (
        "import json; from bookings.models import Booking; from outreach.models import OutreachRecord as R; "
        "print(json.dumps({'records': R.objects.filter(status='synced').count(), 'bookings': Booking.objects.filter(channel='outreach').count(), "
        "'keys': sorted(str(k) for k in R.objects.values_list('client_uuid', flat=True)), 'resent': R.objects.filter(attempts__gt=1).count()}))"
    )).strip().splitlines()[-1])
    device = set(result["ids"])
    lost = len(device - set(counts["keys"]))
    duplicated = counts["bookings"] - len(set(counts["keys"]))
    return "\n".join([
        "## Outreach: offline intake and sync over a slow network",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on a 2-core machine shared with other jobs "
        "(times are indicative; the counts are exact). Command: `python benchmarks/run.py --only outreach`.",
        "",
        "| what | result |",
        "| --- | --- |",
        f"| offline reload of the intake page (service worker, IndexedDB queue shown) | {result['reload_ms']:.0f} ms (target < 1000 ms) |",
        f"| own JavaScript of the outreach pages, gzipped (Bootstrap, Workbox, idb-keyval not counted) | {own_js_gzipped() / 1024:.1f} KB (target ≤ 50 KB) |",
        f"| records on the device / photo bytes | {len(device)} / {result['bytes'] / 1048576:.1f} MB |",
        "| network emulation | 400 kbit/s down and up, 400 ms latency (Chromium DevTools protocol) |",
        f"| answers thrown away (server stored, device not told) | {result['dropped']} |",
        f"| sync time for all records | {result['sync_s']:.0f} s ({result['presses']} presses of “Kirim sekarang”) |",
        f"| synced records / outreach bookings on the server | {counts['records']} / {counts['bookings']} |",
        f"| records sent again and answered as duplicates | {counts['resent']} |",
        f"| **lost** (on the device, not on the server) | **{lost}** |",
        f"| **duplicated** (bookings beyond one per device key) | **{duplicated}** |",
        f"| left on the device after sync | {result['left']} |",
    ])


def drive(base, trip_id, district_id):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("RK_CHROMIUM", "/usr/bin/chromium"),
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
        context.set_default_timeout(30000)
        page = context.new_page()
        page.goto(base + "/masuk/")
        page.fill("#id_username", "petugas")
        page.fill("#id_password", "rumahkemasan")
        page.click("#submit-id-submit")
        page.wait_for_load_state()
        page.goto(f"{base}/jemput-bola/{trip_id}/")
        page.click("#prepare-button")
        page.locator("#device-state", has_text="siap").wait_for()
        page.goto(f"{base}/jemput-bola/aplikasi/#{trip_id}")
        page.locator("#trip-title", has_text="Aru").wait_for()
        while not page.evaluate("navigator.serviceWorker.controller !== null"):
            page.wait_for_timeout(100)
        context.set_offline(True)
        made = page.evaluate(MAKE_RECORDS, [trip_id, COUNT, district_id])
        started = time.monotonic()
        page.reload()
        page.locator("#queue-count", has_text=str(COUNT)).wait_for()
        reload_ms = (time.monotonic() - started) * 1000
        dropped = []
        seen = [0]

        def drop_every_tenth(route):
            seen[0] += 1
            if seen[0] % 10:
                return route.continue_()
            route.fetch(timeout=0)
            dropped.append(seen[0])
            route.abort("connectionreset")

        context.route("**/kirim/", drop_every_tenth)  # the context: the service worker sends too
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 400, "downloadThroughput": 50_000,
                                                      "uploadThroughput": 50_000})
        context.set_offline(False)
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 400, "downloadThroughput": 50_000,
                                                      "uploadThroughput": 50_000})
        started, presses = time.monotonic(), 0
        while page.inner_text("#queue-count") != "0" and time.monotonic() - started < 1200:
            if page.evaluate("navigator.locks.query().then(s => s.held.length === 0)"):
                page.click("#send-now")  # staff press again after a lost answer stopped the loop
                presses += 1
            page.wait_for_timeout(500)
        sync_s = time.monotonic() - started
        left = page.evaluate("RKOutreach.all().then(r => r.filter(x => x.state !== 'draft').length)")
        browser.close()
    return {"ids": made["ids"], "bytes": made["bytes"], "reload_ms": reload_ms, "dropped": len(dropped), "sync_s": sync_s,
            "presses": presses, "left": left}
