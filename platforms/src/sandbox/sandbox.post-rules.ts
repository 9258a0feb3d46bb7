import { kindProblems, type PostRules } from '@velvet/shared';

/** The sandbox takes any well-formed post: what each kind carries, nothing platform-specific. */
export const sandboxPostRules: PostRules = (post) => kindProblems(post);
