import webpush from 'web-push';
import type { VapidKeys } from '@velvet/shared';

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface PushMessage {
  /** JSON the service worker reads; encrypted end to end (RFC 8291, aes128gcm). */
  payload: object;
  ttlSeconds: number;
  urgency: 'normal' | 'high';
  /** Replaces a not-yet-delivered message with the same topic at the push service. */
  topic?: string;
}

/** Delivers one message to one push service; answers the push service's HTTP status. */
export type PushSender = (target: PushTarget, message: PushMessage) => Promise<{ status: number }>;

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292): web-push builds the encrypted body and the
 * signed headers, fetch delivers them (web-push's own sender only speaks https).
 */
export function createWebPushSender(vapid: VapidKeys, timeoutMs = 10_000): PushSender {
  return async (target, message) => {
    const request = webpush.generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      JSON.stringify(message.payload),
      {
        vapidDetails: vapid,
        TTL: message.ttlSeconds,
        urgency: message.urgency,
        contentEncoding: 'aes128gcm',
        ...(message.topic ? { topic: message.topic } : {}),
      },
    );
    const headers = Object.fromEntries(
      Object.entries(request.headers)
        // fetch sets the length itself.
        .filter(([name]) => name.toLowerCase() !== 'content-length')
        .map(([name, value]) => [name, String(value)]),
    );
    const response = await fetch(request.endpoint, {
      method: request.method,
      headers,
      body: request.body ? new Uint8Array(request.body) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return { status: response.status };
  };
}
