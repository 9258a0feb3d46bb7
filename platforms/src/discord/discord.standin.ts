import { generateKeyPairSync, randomBytes, sign as signBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeServer, readBody, sleep } from '../standin-kit';

/*
 * A local Discord (API v10) for tests, written from Discord's public documents: REST under
 * `/api/v10` (users, gateway, DM channels, messages, slash commands, interaction callbacks,
 * member roles and timeouts) and a gateway WebSocket (HELLO, IDENTIFY → READY, heartbeats,
 * MESSAGE_CREATE and INTERACTION_CREATE dispatches; RESUME replays what a dropped session
 * missed, then RESUMED; an unknown, expired or 1000/1001-closed session gets an invalid
 * session, so the client identifies again). Reached through DISCORD_API_ROOT.
 */

const DISCORD_EPOCH = 1_420_070_400_000n;

export interface DiscordFan {
  id: string;
  username: string;
  globalName?: string;
  locale?: string;
}

export type DiscordFault =
  | { status: 429; retryAfter: number }
  | { status: 500 }
  /** The message is created, then the connection drops before any answer. */
  | { processThenClose: true };

export interface DiscordSent {
  id: string;
  channelId: string;
  /** The fan whose DM this is. */
  userId: string;
  text: string;
  components: unknown[];
  embeds: unknown[];
  files: string[];
  at: number;
}

interface StoredMessage {
  id: string;
  channel_id: string;
  author: { id: string; username: string; global_name?: string | null; bot?: boolean };
  content: string;
  timestamp: string;
  attachments: unknown[];
  embeds?: unknown[];
  components?: unknown[];
}

export interface DiscordStandinOptions {
  /** Heartbeat interval the gateway asks for (Discord: 41 250 ms). */
  heartbeatMs?: number;
  /** How long a dropped session can still be resumed (Discord does not publish it). */
  resumeWindowMs?: number;
}

/** A gateway session: its connection, and every dispatch it was sent (replayed on RESUME). */
interface Session {
  id: string;
  socket: WebSocket;
  identifiedAt: number;
  resumedAt: number[];
  closedAt?: number;
  closeCode?: number;
  seq: number;
  log: { op: number; t: string; s: number; d: unknown }[];
}

export async function startDiscordStandin(options: DiscordStandinOptions = {}) {
  let counter = 0n;
  const snowflake = () => String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (counter++ & 0x3fffffn));
  const applicationId = snowflake();
  const guildId = snowflake();
  const buyerRoleId = snowflake();
  const bot = { id: applicationId, username: 'velvet_bot', global_name: null, bot: true };
  const token = `${Buffer.from(applicationId).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(20).toString('base64url')}`;
  const keys = generateKeyPairSync('ed25519');
  const publicKey = keys.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');

  const sent: DiscordSent[] = [];
  const calls: { route: string; userId?: string; at: number }[] = [];
  const callbacks: { interactionId: string; type: number; at: number }[] = [];
  const dispatchedAt = new Map<string, number>();
  const interactionTokens = new Map<string, { open: boolean }>();
  const commands = new Map<string, unknown[]>();
  const roles: { userId: string; roleId: string; op: 'add' | 'remove'; at: number }[] = [];
  const timeouts: { userId: string; until: string | null; at: number }[] = [];
  const dms = new Map<string, string>(); // user id → DM channel id
  const userOfChannel = new Map<string, string>();
  const messages: StoredMessage[] = [];
  /** Users who wrote or pressed something: the only ones a bot should DM. */
  const acted = new Set<string>();
  const strangersOpened: string[] = [];
  const faults: DiscordFault[] = [];
  const sessions: Session[] = [];

  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, { message: '500: Internal Server Error', code: 0 });
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/gateway')) return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => gateway(ws));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  function reply(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
    if (status === 204) return void res.writeHead(204, headers).end();
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  function dmChannelOf(userId: string): string {
    let channel = dms.get(userId);
    if (!channel) {
      channel = snowflake();
      dms.set(userId, channel);
      userOfChannel.set(channel, userId);
    }
    return channel;
  }

  function gateway(socket: WebSocket) {
    let session: Session | undefined;
    const send = (payload: unknown) => socket.send(JSON.stringify(payload));
    send({ op: 10, d: { heartbeat_interval: options.heartbeatMs ?? 41_250 }, s: null, t: null });
    socket.on('message', (data) => {
      let packet: { op?: number; d?: { token?: string; session_id?: string; seq?: number } };
      try {
        packet = JSON.parse(String(data));
      } catch {
        return void socket.close(4002, 'Decode error');
      }
      if (packet.op === 1) return send({ op: 11, d: null, s: null, t: null });
      if (packet.op === 6) {
        const resumed = sessions.find((s) => s.id === packet.d?.session_id);
        const seq = Number(packet.d?.seq);
        if (
          packet.d?.token !== token ||
          !resumed ||
          !resumable(resumed) ||
          !Number.isInteger(seq) ||
          seq > resumed.seq
        ) {
          return send({ op: 9, d: false, s: null, t: null });
        }
        // The session moves to this connection: an older one still attached is dropped.
        if (resumed.closedAt === undefined) resumed.socket.terminate();
        session = resumed;
        resumed.socket = socket;
        resumed.closedAt = undefined;
        resumed.closeCode = undefined;
        resumed.resumedAt.push(Date.now());
        for (const payload of resumed.log.filter((p) => p.s > seq)) send(payload);
        return send({ op: 0, t: 'RESUMED', s: ++resumed.seq, d: {} });
      }
      if (packet.op === 2) {
        if (packet.d?.token !== token) return void socket.close(4004, 'Authentication failed.');
        session = {
          id: randomBytes(16).toString('hex'),
          socket,
          identifiedAt: Date.now(),
          resumedAt: [],
          seq: 0,
          log: [],
        };
        sessions.push(session);
        const ready = {
          op: 0,
          t: 'READY',
          s: ++session.seq,
          d: {
            v: 10,
            user: bot,
            guilds: [],
            session_id: session.id,
            resume_gateway_url: `ws://127.0.0.1:${port}/gateway`,
            shard: [0, 1],
            application: { id: applicationId, flags: 0 },
            private_channels: [],
          },
        };
        session.log.push(ready);
        send(ready);
      }
    });
    socket.on('close', (code) => {
      if (session && session.socket === socket) {
        session.closedAt = Date.now();
        session.closeCode = code;
      }
    });
  }

  /** Discord keeps a dropped session's events for a while; closing with 1000 or 1001 ends it. */
  function resumable(session: Session): boolean {
    if (session.closedAt === undefined) return true;
    if (session.closeCode === 1000 || session.closeCode === 1001) return false;
    return Date.now() - session.closedAt < (options.resumeWindowMs ?? 120_000);
  }

  function dispatch(t: string, d: unknown) {
    for (const session of sessions) {
      if (!resumable(session)) continue;
      const payload = { op: 0, t, s: ++session.seq, d };
      session.log.push(payload);
      if (session.closedAt === undefined && session.socket.readyState === session.socket.OPEN) {
        session.socket.send(JSON.stringify(payload));
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', origin);
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const raw = await readBody(req);
    const type = String(req.headers['content-type'] ?? '');
    const body = jsonOf(raw, type);
    const webhookRoute = /^\/(webhooks|interactions)\//.test(path);
    if (!webhookRoute && req.headers.authorization !== `Bot ${token}`) {
      return reply(res, 401, { message: '401: Unauthorized', code: 0 });
    }
    let match: RegExpExecArray | null;
    if (req.method === 'GET' && path === '/users/@me') return reply(res, 200, bot);
    if (req.method === 'GET' && path === '/gateway/bot') {
      return reply(res, 200, {
        url: `ws://127.0.0.1:${port}/gateway`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
      });
    }
    if ((match = /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/.exec(path)) && req.method === 'PUT') {
      if (match[1] !== applicationId) return reply(res, 404, { message: 'Unknown Application', code: 10002 });
      if (match[2] !== guildId) return reply(res, 403, { message: 'Missing Access', code: 50001 });
      const list = (Array.isArray(body) ? body : []).map((c) => ({ id: snowflake(), ...(c as object) }));
      commands.set(match[2], list);
      return reply(res, 200, list);
    }
    if (req.method === 'POST' && path === '/users/@me/channels') {
      const userId = String((body as { recipient_id?: unknown })?.recipient_id ?? '');
      if (!/^\d+$/.test(userId)) return reply(res, 400, { message: 'Invalid Form Body', code: 50035 });
      if (!acted.has(userId)) strangersOpened.push(userId);
      calls.push({ route: 'open_dm', userId, at: Date.now() });
      return reply(res, 200, { id: dmChannelOf(userId), type: 1, recipients: [{ id: userId }] });
    }
    if ((match = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const channelId = match[1]!;
      const userId = userOfChannel.get(channelId);
      if (!userId) return reply(res, 404, { message: 'Unknown Channel', code: 10003 });
      if (req.method === 'GET') {
        const after = url.searchParams.get('after');
        const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), 100);
        const found = messages
          .filter((m) => m.channel_id === channelId && (!after || BigInt(m.id) > BigInt(after)))
          .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
          .slice(0, limit)
          .reverse();
        return reply(res, 200, found);
      }
      if (req.method === 'POST') {
        const at = Date.now();
        calls.push({ route: 'send', userId, at });
        const fault = faults.shift();
        if (fault && 'status' in fault && fault.status === 429) {
          return reply(
            res,
            429,
            { message: 'You are being rate limited.', retry_after: fault.retryAfter, global: false },
            { 'retry-after': String(fault.retryAfter), 'x-ratelimit-scope': 'user' },
          );
        }
        if (fault && 'status' in fault)
          return reply(res, 500, { message: '500: Internal Server Error', code: 0 });
        const payload = body as { content?: string; components?: unknown[]; embeds?: unknown[] } | undefined;
        const files = [...raw.toString('latin1').matchAll(/name="files\[\d+\]"; filename="([^"]*)"/g)].map(
          (m) => m[1]!,
        );
        const message: StoredMessage = {
          id: snowflake(),
          channel_id: channelId,
          author: bot,
          content: payload?.content ?? '',
          timestamp: new Date(at).toISOString(),
          attachments: files.map((name) => ({ filename: name })),
          embeds: payload?.embeds ?? [],
          components: payload?.components ?? [],
        };
        messages.push(message);
        sent.push({
          id: message.id,
          channelId,
          userId,
          text: message.content,
          components: message.components ?? [],
          embeds: message.embeds ?? [],
          files,
          at,
        });
        if (fault) return void req.socket.destroy();
        return reply(res, 200, message);
      }
    }
    if ((match = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path)) && req.method === 'POST') {
      if (callbacks.some((c) => c.interactionId === match![1])) {
        return reply(res, 400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      }
      callbacks.push({
        interactionId: match[1]!,
        type: Number((body as { type?: unknown })?.type),
        at: Date.now(),
      });
      return reply(res, 204);
    }
    if ((match = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path)) && req.method === 'DELETE') {
      const known = interactionTokens.get(match[2]!);
      if (match[1] !== applicationId || !known?.open)
        return reply(res, 404, { message: 'Unknown Webhook', code: 10015 });
      known.open = false;
      calls.push({ route: 'close_command', at: Date.now() });
      return reply(res, 204);
    }
    if ((match = /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/.exec(path))) {
      if (match[1] !== guildId) return reply(res, 404, { message: 'Unknown Guild', code: 10004 });
      if (req.method !== 'PUT' && req.method !== 'DELETE')
        return reply(res, 405, { message: '405: Method Not Allowed', code: 0 });
      roles.push({
        userId: match[2]!,
        roleId: match[3]!,
        op: req.method === 'PUT' ? 'add' : 'remove',
        at: Date.now(),
      });
      return reply(res, 204);
    }
    if ((match = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(path)) && req.method === 'PATCH') {
      if (match[1] !== guildId) return reply(res, 404, { message: 'Unknown Guild', code: 10004 });
      const until =
        (body as { communication_disabled_until?: string | null })?.communication_disabled_until ?? null;
      timeouts.push({ userId: match[2]!, until, at: Date.now() });
      return reply(res, 200, { user: { id: match[2] }, roles: [], communication_disabled_until: until });
    }
    return reply(res, 404, { message: '404: Not Found', code: 0 });
  }

  function userOf(fan: DiscordFan) {
    return { id: fan.id, username: fan.username, global_name: fan.globalName ?? null };
  }

  /** An interaction as Discord sends it, with a fresh id and token. */
  function interactionBody(
    fan: DiscordFan,
    what: { command: string } | { button: string },
    where: 'dm' | 'guild' = 'dm',
  ): Record<string, unknown> {
    acted.add(fan.id);
    const interactionToken = `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`;
    interactionTokens.set(interactionToken, { open: true });
    const channelId = where === 'guild' ? snowflake() : dmChannelOf(fan.id);
    // A button sits under a message the bot sent: Discord sends that message along.
    const under =
      'button' in what
        ? messages.filter((m) => m.channel_id === channelId && m.author.bot).at(-1)
        : undefined;
    return {
      id: snowflake(),
      application_id: applicationId,
      token: interactionToken,
      version: 1,
      entitlements: [],
      app_permissions: '0',
      authorizing_integration_owners: { '0': guildId },
      context: where === 'guild' ? 0 : 1,
      attachment_size_limit: 10_485_760,
      ...('button' in what
        ? {
            message: under ?? {
              id: snowflake(),
              channel_id: channelId,
              author: bot,
              content: '',
              timestamp: new Date().toISOString(),
              attachments: [],
            },
          }
        : {}),
      type: 'command' in what ? 2 : 3,
      data:
        'command' in what
          ? { id: snowflake(), name: what.command, type: 1 }
          : { custom_id: what.button, component_type: 2 },
      ...(where === 'guild'
        ? {
            guild_id: guildId,
            guild_locale: 'en-US',
            channel_id: channelId,
            member: { user: userOf(fan), roles: [], joined_at: new Date().toISOString(), permissions: '0' },
          }
        : { channel_id: channelId, user: userOf(fan) }),
      ...(fan.locale ? { locale: fan.locale } : {}),
    };
  }

  return {
    apiRoot: `${origin}/api`,
    token,
    applicationId,
    guildId,
    buyerRoleId,
    publicKey,
    bot,
    sent,
    calls,
    callbacks,
    commands,
    roles,
    timeouts,
    strangersOpened,
    /** Gateway sessions that identified, when each was resumed, and whether each is open. */
    sessions: () =>
      sessions.map((s) => ({
        id: s.id,
        identifiedAt: s.identifiedAt,
        resumedAt: [...s.resumedAt],
        open: s.closedAt === undefined,
        closeCode: s.closeCode,
      })),
    /** A fan writes to the bot: stored in their DM, dispatched to every open session. */
    dm(fan: DiscordFan, text: string): StoredMessage {
      acted.add(fan.id);
      const message: StoredMessage = {
        id: snowflake(),
        channel_id: dmChannelOf(fan.id),
        author: userOf(fan),
        content: text,
        timestamp: new Date().toISOString(),
        attachments: [],
      };
      messages.push(message);
      dispatch('MESSAGE_CREATE', message);
      return message;
    },
    /** The MESSAGE_CREATE payload of a DM, not delivered (for the webhook-shaped suites). */
    messageBody(fan: DiscordFan, text: string): StoredMessage {
      acted.add(fan.id);
      return {
        id: snowflake(),
        channel_id: dmChannelOf(fan.id),
        author: userOf(fan),
        content: text,
        timestamp: new Date().toISOString(),
        attachments: [],
      };
    },
    interactionBody,
    /** A slash command or button press dispatched over the gateway. */
    interact(fan: DiscordFan, what: { command: string } | { button: string }, where: 'dm' | 'guild' = 'dm') {
      const body = interactionBody(fan, what, where);
      dispatchedAt.set(String(body.id), Date.now());
      dispatch('INTERACTION_CREATE', body);
      return body;
    },
    /** How long after its dispatch an interaction was acknowledged, in ms. */
    acknowledgedAfter(interactionId: string): number | undefined {
      const callback = callbacks.find((c) => c.interactionId === interactionId);
      const at = dispatchedAt.get(interactionId);
      return callback && at !== undefined ? callback.at - at : undefined;
    },
    /** Headers of an interaction Discord signs with the application's key. */
    sign(rawBody: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
      const signature = signBytes(null, Buffer.from(`${timestamp}${rawBody}`), keys.privateKey).toString(
        'hex',
      );
      return { 'x-signature-ed25519': signature, 'x-signature-timestamp': String(timestamp) };
    },
    failNext(fault: DiscordFault) {
      faults.push(fault);
    },
    /** Drops every gateway connection, as a network cut would. */
    dropConnections() {
      for (const session of sessions) session.socket.terminate();
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await sleep(0);
      await closeServer(server);
    },
  };
}

export type DiscordStandin = Awaited<ReturnType<typeof startDiscordStandin>>;

function jsonOf(raw: Buffer, type: string): unknown {
  if (raw.length === 0) return undefined;
  if (type.startsWith('multipart/form-data')) {
    const part = /name="payload_json"\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/.exec(raw.toString('utf8'));
    return part ? JSON.parse(part[1]!) : undefined;
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
