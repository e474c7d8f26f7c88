/* Rumah Kemasan outreach service worker (rendered by outreach.views.service_worker).
   Workbox (vendored, static/vendor/workbox) precaches the app's files, keeps the intake page and the
   trip's reference data for offline use, and the Background Sync "sync" event sends the queue. */
importScripts.apply(self, {{ scripts|safe }});

workbox.core.setCacheNameDetails({ prefix: "rk-outreach" });
workbox.core.clientsClaim();
self.addEventListener("install", function () { self.skipWaiting(); });

workbox.precaching.precacheAndRoute({{ precache|safe }}, { ignoreURLParametersMatching: [/.*/] });
workbox.precaching.cleanupOutdatedCaches();

/* Keep only real pages: a redirect (to the sign-in page, when the session has ended) or an error never
   replaces what is cached. */
var onlyGood = { cacheWillUpdate: function (p) { return Promise.resolve(p.response && p.response.status === 200 && !p.response.redirected ? p.response : null); } };
var pages = "rk-outreach-pages";

workbox.routing.registerRoute(
  function (o) { return o.url.origin === self.location.origin && o.url.pathname === {{ app_url|safe }}; },
  new workbox.strategies.StaleWhileRevalidate({ cacheName: pages, plugins: [onlyGood], matchOptions: { ignoreVary: true, ignoreSearch: true } })
);
workbox.routing.registerRoute(
  function (o) { return o.url.origin === self.location.origin && /^\/jemput-bola\/[0-9a-f-]{36}\/data\.json$/.test(o.url.pathname); },
  new workbox.strategies.NetworkFirst({ cacheName: pages, networkTimeoutSeconds: 4, plugins: [onlyGood], matchOptions: { ignoreVary: true } })
);

/* Background Sync: the browser fires "sync" once it has a network; a rejected promise makes it try again
   later, a few times with a growing delay. Rejected on a network failure and on a server error (the page,
   while open, also retries server errors itself); not when the session has ended (the page asks). */
self.addEventListener("sync", function (event) {
  if (event.tag !== RKOutreach.SYNC_TAG) { return; }
  event.waitUntil(RKOutreach.syncAll().then(function (summary) {
    return self.clients.matchAll().then(function (clients) {
      clients.forEach(function (c) { c.postMessage("rk-outreach-synced"); });
      if (summary.offline || summary.retry) { throw new Error(summary.offline ? "offline" : "server error"); }
    });
  }));
});
