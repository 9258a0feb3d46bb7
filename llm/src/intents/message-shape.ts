/**
 * What part of a fan message is the fan's own words. Real chats carry text that is not a
 * request: a forwarded message, a media placeholder or description written by an app, a
 * caption prefix. Classifying those as if the fan had written them turns "[photo]" into a
 * pack request and a forwarded "unsubscribe links never work" into spam.
 */
export type MessageShapeKind = 'plain' | 'forwarded' | 'media' | 'emoji';

export interface MessageShape {
  kind: MessageShapeKind;
  /** The fan's own words: what the intent is read from. Empty when there are none. */
  own: string;
}

const FORWARDED =
  /^\s*(?:\[\s*(?:forwarded|fwd|transf[ée]r[ée])\s*\]|(?:fwd|forwarded(?:\s+message)?(?:\s+from\s+[^:\n]{1,40})?|(?:message\s+)?transf[ée]r[ée](?:\s+de\s+[^:\n]{1,40})?)\s*:)/iu;

const MEDIA_WORD = String.raw`(?:photo|image|picture|pic|selfie|video|vid[ée]o|gif|sticker|voice(?:\s+(?:message|note))?|message\s+vocal|vocal|audio|file|fichier|document|attachment|pi[èe]ce\s+jointe)`;
/** "[photo]", "(video)", "voice message (0:12)", "Photo": what apps write for a media without words. */
const MEDIA_ALONE = new RegExp(
  String.raw`^\s*[[(<]?\s*${MEDIA_WORD}\s*[\])>]?\s*(?:\(\s*\d{1,2}:\d{2}\s*\))?\s*[.!]?\s*$`,
  'iu',
);
const FILE_NAME = /^\s*[\w\-. ]{1,80}\.(?:jpe?g|png|gif|heic|webp|mp4|mov|m4a|ogg|opus|mp3|pdf)\s*$/iu;
/** "photo description: …", "image description : …": an app's (or screen reader's) account of a picture. */
const DESCRIPTION = new RegExp(String.raw`^\s*${MEDIA_WORD}\s+description\s*:`, 'iu');
/** "caption: …", "légende : …": the words after it are the fan's. */
const CAPTION = /^\s*(?:caption|l[ée]gende)\s*:\s*/iu;

/** Lines quoting an earlier message ("> …") are not the fan's new words. */
const QUOTED_LINE = /^\s*>/;

export function messageShape(text: string): MessageShape {
  if (FORWARDED.test(text)) return { kind: 'forwarded', own: '' };
  if (MEDIA_ALONE.test(text) || FILE_NAME.test(text) || DESCRIPTION.test(text)) {
    return { kind: 'media', own: '' };
  }
  const own = text
    .replace(CAPTION, '')
    .split('\n')
    .filter((line) => !QUOTED_LINE.test(line))
    .join('\n')
    .trim();
  if (own !== '' && !/[\p{L}\p{N}]/u.test(own)) return { kind: 'emoji', own };
  return { kind: 'plain', own };
}

/** Emojis that say something warm about the creator: alone, they are a compliment. */
const WARM = /[😍🥰😘😻🤤🔥❤💕💖💗💓💞💘💝💋😋🤩😏😈💯👌👏🙌🥵]/u;

/** An emoji-only message: a compliment when it carries a warm emoji, otherwise nothing to act on. */
export function emojiIntent(own: string): 'compliment' | 'other' {
  return WARM.test(own) ? 'compliment' : 'other';
}
