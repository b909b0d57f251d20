// Concord's service worker: the application's own files (index.html, the hashed assets, the
// manifest and icons) from a cache when the network is gone, so the installed app opens offline
// and shows the member's last loaded programme (kept by the app in IndexedDB). API calls, sign-in
// and live streams are never touched: they go to the network as they are.
const CACHE = 'concord-app-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const res = await fetch('/', { cache: 'no-cache' });
      if (res.ok) {
        const html = await res.clone().text();
        await cache.put('/', res);
        const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
        await cache.addAll([...new Set([...assets, '/manifest.webmanifest', '/icon-192.png', '/icon-512.png', '/favicon.svg'])]);
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/console/')) return;
  if (event.request.mode === 'navigate') {
    // The page: the network first (a new version is seen at once), the kept copy offline.
    event.respondWith(
      (async () => {
        try {
          const res = await fetch(event.request);
          if (res.ok) (await caches.open(CACHE)).put('/', res.clone());
          return res;
        } catch {
          return (await caches.match('/')) ?? Response.error();
        }
      })(),
    );
    return;
  }
  // Hashed assets never change under their name: the cache first, then the network (kept).
  event.respondWith(
    (async () => {
      const cached = await caches.match(event.request);
      if (cached) return cached;
      const res = await fetch(event.request);
      if (res.ok && url.pathname.startsWith('/assets/')) (await caches.open(CACHE)).put(event.request, res.clone());
      return res;
    })(),
  );
});
