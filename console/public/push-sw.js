/*
 * The console's service worker: Angular's (app shell cache, updates) plus what web push needs
 * from Maestro's payload ({ id, type, priority, title, body, url? }), which is not Angular's
 * { notification: … } shape: show it, and on a click open the page it names (else the
 * notification itself on the notifications page), focusing an open console window if there is one.
 */
importScripts('./ngsw-worker.js');

self.addEventListener('push', (event) => {
  let payload = null;
  try {
    payload = event.data ? event.data.json() : null;
  } catch {
    payload = null;
  }
  // Angular's worker shows payloads in its own shape.
  if (!payload || typeof payload !== 'object' || payload.notification) return;
  const page = typeof payload.url === 'string' ? payload.url : payload.id ? `notifications?id=${encodeURIComponent(payload.id)}` : 'notifications';
  event.waitUntil(
    self.registration.showNotification(typeof payload.title === 'string' ? payload.title : 'Maestro', {
      body: typeof payload.body === 'string' ? payload.body : '',
      tag: typeof payload.id === 'string' ? payload.id : undefined,
      icon: 'icons/icon-192.png',
      badge: 'icons/maskable-192.png',
      data: { page },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  const page = event.notification.data && event.notification.data.page;
  if (typeof page !== 'string') return;
  event.notification.close();
  // Only pages of this console: a relative path under the worker's scope.
  const target = new URL(page.replace(/^\/+/, '').replace(/^console\//, ''), self.registration.scope);
  if (!target.href.startsWith(self.registration.scope)) return;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url.startsWith(self.registration.scope));
      if (open) return open.focus().then((client) => (client && 'navigate' in client ? client.navigate(target.href) : undefined));
      return self.clients.openWindow(target.href);
    }),
  );
});
