import { z } from 'zod';

/*
 * The reference provider's wire shapes (OnlyFansAPI.com, docs.onlyfansapi.com, November
 * 2026), all in one place: the adapter and the stand-in both read them from here. Fields
 * the docs do not show for an event (the subscriber and unlock payloads) are kept loose.
 */

/** The account id the provider gives each connected OnlyFans account (`acct_…`). */
export const providerAccountId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{3,100}$/, 'must be the provider account id (acct_…)');

const id = z.union([z.string().min(1).max(100), z.number().int().nonnegative()]).transform(String);

/** A user as the provider embeds it (`fromUser`); only what Velvet reads. */
export const ofUser = z.looseObject({
  id,
  name: z.string().max(500).optional(),
  username: z.string().max(200).optional(),
});

const mediaUrl = z.url({ protocol: /^https?$/ }).max(4000);
const dimension = z.number().int().nonnegative().nullish();
/** A file's address and size, as OnlyFans lists each rendition (`files.full`) or the source. */
const ofMediaFile = z.looseObject({
  url: mediaUrl.nullish(),
  source: mediaUrl.nullish(),
  width: dimension,
  height: dimension,
  size: dimension,
  duration: z.number().nonnegative().nullish(),
});

/** One photo, video or audio in a message; a locked one (`canView: false`) has no address to read. */
export const ofMedia = z.looseObject({
  id: z.union([z.string().max(100), z.number()]),
  type: z.string().max(20),
  canView: z.boolean().optional(),
  full: mediaUrl.nullish(),
  src: mediaUrl.nullish(),
  duration: z.number().nonnegative().nullish(),
  files: z.looseObject({ full: ofMediaFile.nullish() }).nullish(),
  source: ofMediaFile.nullish(),
});
export type OfMedia = z.output<typeof ofMedia>;

/** A chat message as OnlyFans (and so the provider) describes it. */
export const ofMessage = z.looseObject({
  id,
  text: z.string().max(100_000).nullish(),
  price: z.number().nonnegative().nullish(),
  isTip: z.boolean().optional(),
  fromUser: ofUser,
  createdAt: z.string().max(64).optional(),
  media: z.array(z.unknown()).max(100).optional(),
});

/** `messages.ppv.unlocked`: a fan bought a paid message (price in US dollars). */
export const ofPpvUnlocked = z.looseObject({
  id,
  price: z.number().nonnegative(),
  fromUser: ofUser.optional(),
  user: ofUser.optional(),
});

/** `subscriptions.new` / `subscriptions.renewed`: the fan and when the period started. */
export const ofSubscription = z.looseObject({
  user: ofUser,
  subscribedAt: z.string().min(1).max(64).optional(),
  price: z.number().nonnegative().optional(),
});

/** `accounts.*`: the provider's session state for the OnlyFans account. */
export const ofAccountState = z.looseObject({
  state: z.string().max(100).optional(),
  latestAuthAttempt: z
    .looseObject({ error_message: z.string().max(1000).nullish(), needs_otp: z.boolean().optional() })
    .nullish(),
});

export const OF_EVENTS = [
  'messages.received',
  'subscriptions.new',
  'subscriptions.renewed',
  'messages.ppv.unlocked',
  'accounts.session_expired',
  'accounts.otp_code_required',
] as const;

/** Every webhook call: `{event, account_id, payload}`, signed in the `Signature` header. */
export const ofWebhookEnvelope = z.looseObject({
  event: z.string().min(1).max(100),
  account_id: z.string().min(1).max(100),
  payload: z.unknown(),
});
export type OfWebhookEnvelope = z.infer<typeof ofWebhookEnvelope>;

/** `POST /{account}/chats/{chat}/messages`. A paid message (price 3–200) needs media. */
export const ofSendMessageBody = z
  .strictObject({
    text: z.string().max(10_000),
    price: z.number().int().min(0).max(200).optional(),
    mediaFiles: z.array(z.union([z.string().min(1), z.number().int()])).optional(),
    previews: z.array(z.union([z.string().min(1), z.number().int()])).optional(),
    lockedText: z.boolean().optional(),
  })
  .refine((b) => !b.price || b.price >= 3, { message: 'price must be 0 or between 3 and 200' })
  .refine((b) => !b.price || (b.mediaFiles?.length ?? 0) > 0, {
    message: 'mediaFiles is required when price is not 0',
  })
  .refine((b) => (b.previews ?? []).every((p) => (b.mediaFiles ?? []).includes(p)), {
    message: 'every previews value must also be in mediaFiles',
  });
export type OfSendMessageBody = z.infer<typeof ofSendMessageBody>;

/** The answer to a send: the message, under `data`. */
export const ofSendMessageResponse = z.looseObject({ data: z.looseObject({ id }) });

/** `POST /{account}/media/upload` (form-data `file`, or JSON `file_url`): a single-use id. */
export const ofMediaUploadResponse = z.looseObject({ prefixed_id: z.string().min(1).max(200) });

/** `GET /{account}/chats`: used to check an API key and account id at connect. */
export const ofChatsResponse = z.looseObject({ data: z.array(z.unknown()) });

/** Error bodies: `{error: "…"}` or `{message: "…"}`. */
export const ofErrorBody = z.looseObject({
  error: z.string().max(2000).optional(),
  message: z.string().max(2000).optional(),
});

/** The prices OnlyFans allows on a paid message, in whole US dollars. */
export const OF_PPV_MIN_USD = 3;
export const OF_PPV_MAX_USD = 200;

/*
 * Posts (docs.onlyfansapi.com, "Posts", checked November 2026). Confirmed there:
 * `POST /{account}/posts` with `text`, `mediaFiles` (upload ids `ofapi_media_…` or vault ids),
 * `scheduledDate` (ISO), `labelIds`, `expireDays`, … answering the post under `data`
 * (`id`, `text` as HTML, `rawText`, `postedAt`, `favoritesCount`, `mediaCount`, `author`);
 * `GET /{account}/posts` (List Posts: the account's own posts); `GET /{account}/posts/{id}`;
 * `DELETE /{account}/posts/{id}`. Not shown in the pages read: List Posts' query
 * parameters and envelope; Velvet sends `limit` and `offset` and reads the provider's usual
 * list envelope (`data.list`, `data.hasMore`, as its labels and vault lists answer), or a bare
 * `data` array.
 */

/** `POST /{account}/posts`: the fields Velvet sends (text, upload ids, an optional schedule). */
export const ofCreatePostBody = z.looseObject({
  text: z.string().max(50_000),
  mediaFiles: z
    .array(z.union([z.string().min(1).max(200), z.number().int()]))
    .max(100)
    .optional(),
  scheduledDate: z.iso.datetime({ offset: true }).optional(),
  labelIds: z.array(z.union([z.string(), z.number()])).optional(),
});
export type OfCreatePostBody = z.infer<typeof ofCreatePostBody>;

const count = z.number().int().nonnegative().nullish();

/** One post of the account, as the provider shows it; only what Velvet reads. */
export const ofPost = z.looseObject({
  id,
  text: z.string().max(100_000).nullish(),
  rawText: z.string().max(100_000).nullish(),
  postedAt: z.string().max(100).nullish(),
  mediaCount: count,
  media: z.array(z.unknown()).nullish(),
  favoritesCount: count,
  commentsCount: count,
  tipsAmount: z.union([z.string(), z.number()]).nullish(),
  author: z.looseObject({ id: id.optional(), username: z.string().max(200).optional() }).nullish(),
});
export type OfPost = z.output<typeof ofPost>;

/** The answer to `POST /posts` and `GET /posts/{id}`: the post under `data`. */
export const ofPostResponse = z.looseObject({ data: ofPost });

/** `GET /{account}/posts`: a page of the account's posts, newest first. */
export const ofPostListResponse = z.looseObject({
  data: z.union([
    z.looseObject({ list: z.array(z.unknown()), hasMore: z.boolean().optional() }),
    z.array(z.unknown()),
  ]),
});
