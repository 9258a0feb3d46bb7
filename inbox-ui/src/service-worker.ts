/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `velvet-${version}`;
// Hashed build output and static files never change under one version: safe to serve from cache.
const ASSETS = new Set([...build, ...files]);

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...ASSETS]))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  // Pages, the API and sockets always go to the hub; only versioned assets come from cache.
  if (event.request.method !== 'GET' || url.origin !== sw.location.origin || !ASSETS.has(url.pathname))
    return;
  event.respondWith(caches.match(event.request).then((hit) => hit ?? fetch(event.request)));
});

interface PushData {
  kind?: 'draft' | 'digest';
  draftId?: string;
  url?: string;
  count?: number;
  creatorName?: string;
  fanName?: string;
  text?: string;
  title?: string;
  body?: string;
}

function readPush(event: PushEvent): PushData {
  try {
    const data: unknown = event.data?.json();
    return data && typeof data === 'object' ? (data as PushData) : {};
  } catch {
    return {};
  }
}

/** Only pages of this app may be opened from a notification. */
function targetUrl(data: PushData): string {
  const url = new URL(typeof data.url === 'string' ? data.url : '/approvals', sw.location.origin);
  return url.origin === sw.location.origin ? url.href : new URL('/approvals', sw.location.origin).href;
}

sw.addEventListener('push', (event) => {
  const data = readPush(event);
  const fr = (sw.navigator.language ?? '').toLowerCase().startsWith('fr');
  let title: string;
  let body: string;
  if (data.kind === 'digest') {
    const n = Number(data.count) || 1;
    title = fr
      ? n === 1
        ? 'Une réponse attend ta validation'
        : `${n} réponses attendent ta validation`
      : n === 1
        ? 'A reply waits for you'
        : `${n} replies wait for you`;
    body = fr ? 'Ouvre Velvet pour les valider.' : 'Open Velvet to approve them.';
  } else if (data.kind === 'draft') {
    title = fr
      ? `${data.creatorName ?? 'Velvet'} : une réponse à valider`
      : `${data.creatorName ?? 'Velvet'}: a reply to approve`;
    body = data.text
      ? `${data.fanName ?? ''}: ${data.text}`
      : fr
        ? 'Ouvre pour la valider.'
        : 'Open to approve it.';
  } else {
    title = data.title ?? 'Velvet';
    body = data.body ?? '';
  }
  event.waitUntil(
    sw.registration.showNotification(title, {
      body,
      tag: data.kind === 'draft' && data.draftId ? `draft-${data.draftId}` : 'velvet-approvals',
      data: { url: targetUrl(data), draftId: data.draftId },
      icon: '/icons/icon-192.png',
      badge: '/icons/badge-96.png',
    }),
  );
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = (event.notification.data ?? {}) as { url?: string; draftId?: string };
  const url = targetUrl(data);
  event.waitUntil(
    (async () => {
      const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).pathname === '/approvals') ?? windows[0];
      if (open) {
        // The approvals page scrolls to the card itself; other pages navigate there.
        if (new URL(open.url).pathname === '/approvals') open.postMessage({ type: 'open-draft', url });
        else await open.navigate(url);
        await open.focus();
        return;
      }
      await sw.clients.openWindow(url);
    })(),
  );
});
