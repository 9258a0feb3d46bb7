import fc from 'fast-check';
import type { Ack, ClientToServerEvents } from '@velvet/shared';
import type { InboxClient } from '../stack';
import { deepJson, mutated } from './arbitraries';
import type { World } from './world';

/**
 * A valid payload of every client→server event on `/inbox`, for the fuzzer to mutate. Typed
 * against the shared event map: an event added there without a line here does not compile.
 */
export const EVENTS: {
  [E in keyof ClientToServerEvents]: (w: World) => Parameters<ClientToServerEvents[E]>[0];
} = {
  'metrics:subscribe': () => ({}),
  'metrics:unsubscribe': () => ({}),
  'draft:approve': (w) => ({ draftId: w.ids.draft[0]!, text: 'Coucou, merci !' }),
  'draft:reject': (w) => ({ draftId: w.ids.draft[1]!, reason: 'trop familier' }),
  'message:send': (w) => ({
    conversationId: w.ids.conversation[0]!,
    text: 'Bonjour toi',
    clientMessageId: `fuzz-${w.nextSerial()}`,
  }),
  'conversation:assign': (w) => ({ conversationId: w.ids.conversation[0]!, userId: w.ids.user[0]! }),
  'conversation:escalate': (w) => ({ conversationId: w.ids.conversation[1]! }),
  'conversation:release': (w) => ({ conversationId: w.ids.conversation[0]! }),
  'conversation:resolve': (w) => ({ conversationId: w.ids.conversation[1]! }),
  'conversation:reopen': (w) => ({ conversationId: w.ids.conversation[1]! }),
  'conversation:snooze': (w) => ({
    conversationId: w.ids.conversation[0]!,
    until: new Date(Date.now() + 3600_000).toISOString(),
  }),
};

/** A mutated valid payload, or now and then one nested far past the depth limit. */
export function payloadsFor(w: World, event: keyof ClientToServerEvents): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 20, arbitrary: fc.constant(null).chain(() => mutated(EVENTS[event](w))) },
    { weight: 1, arbitrary: fc.constant(null).map(() => JSON.parse(`{"x":${deepJson(3_000, true)}}`)) },
  );
}

/** Emits what no typed client would: any payload under the event's name, waiting for the ack. */
export function emitRaw(socket: InboxClient, event: string, payload: unknown): Promise<Ack> {
  const untyped = socket.timeout(5000) as unknown as {
    emitWithAck(event: string, payload: unknown): Promise<Ack>;
  };
  return untyped.emitWithAck(event, payload);
}
