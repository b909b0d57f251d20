// The service worker (public/sw.js) keeps the application's own files so that it opens without
// a network, where the member's last loaded programme is then shown. It never sees a token:
// it caches only the application's files, never /api/ or /console/v1/.
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  });
}
