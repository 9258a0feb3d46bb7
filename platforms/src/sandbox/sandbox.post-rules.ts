import { kindProblems, type PostRules } from '@velvet/shared';
import type { PublishProfile } from '../publisher';

/** The sandbox takes any well-formed post: what each kind carries, nothing platform-specific. */
export const sandboxPostRules: PostRules = (post) => kindProblems(post);

export const sandboxPublishing: PublishProfile = {
  platform: 'sandbox',
  label: 'Sandbox',
  rules: sandboxPostRules,
  text: { counting: 'chars' },
  dailyReel: false,
  defaultMix: { text_photo: 4, text: 2, carousel: 1, reel: 1 },
};
