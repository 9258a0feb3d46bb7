import type { Role } from '../domain';

/** The signed-in user as authorization sees it. */
export interface Actor {
  id: string;
  role: Role;
  /** Creators this user works for; ignored for admins, who see every creator. */
  creatorIds: readonly string[];
}

export type Action =
  | 'user:create'
  | 'user:list'
  | 'user:update'
  | 'creator:create'
  | 'creator:list'
  | 'creator:read'
  | 'creator:update'
  /** Archive or unarchive: automation stops, messages are still stored. */
  | 'creator:archive'
  /** The agency's home: every creator in scope at a glance. */
  | 'home:agency'
  /** A creator's own dashboard: their figures and what automation did for them. */
  | 'home:creator'
  | 'account:create'
  | 'account:read'
  | 'account:update'
  | 'audit:read'
  | 'conversation:read'
  | 'conversation:reply'
  | 'conversation:assign'
  | 'conversation:assign_others'
  | 'conversation:escalate'
  | 'conversation:release'
  | 'conversation:resolve'
  | 'intent:correct'
  | 'intent:export'
  | 'fan:unmute'
  | 'fan:clear_minor'
  | 'fan:mark_minor'
  /** A fan's data rights (GDPR access and erasure): admins only, so no role lists them. */
  | 'fan:export'
  | 'fan:erase'
  | 'retention:read'
  /** Scheduled backups: list and download (admins only, so no role lists it). */
  | 'backup:read'
  | 'draft:decide'
  | 'metrics:read'
  | 'pack:read'
  | 'pack:write'
  | 'offer:create'
  | 'followup:cancel'
  | 'sales:read'
  /** The publishing media library. */
  | 'media:read'
  | 'media:write'
  /** Posts for the publishers. */
  | 'post:read'
  | 'post:write'
  /** The planner's rules per creator and platform, "Plan the week" and accepting it. */
  | 'planner:write'
  /** The analytics pages: figures, best posts, best times, CSV export. */
  | 'analytics:read'
  /** Who works a creator's conversations, how they are shared out, and the waiting queue. */
  | 'team:manage'
  /** Go on or off duty (auto-assignment hands conversations to people on duty). */
  | 'shift:update'
  /** Add, change and delete saved replies (a creator's, or shared ones without a resource). */
  | 'saved_reply:write'
  /** Prompt experiments (A/B tests of an intent's guidance) and their figures. */
  | 'experiment:read'
  /** Start, stop and promote prompt experiments. */
  | 'experiment:write';

/** What an action is about: nothing (a collection) or one creator's data. */
export type Resource = { creatorId: string } | undefined;

type Rule = (actor: Actor, resource: Resource) => boolean;

const anyone: Rule = () => true;
const inScope: Rule = (actor, resource) =>
  resource === undefined || actor.creatorIds.includes(resource.creatorId);

/**
 * One readable rule list. Admins may do everything; other roles only what is listed,
 * and only for creators in their scope.
 */
const RULES: Record<Exclude<Role, 'admin'>, Partial<Record<Action, Rule>>> = {
  manager: {
    'creator:create': anyone,
    'creator:list': anyone,
    'creator:read': inScope,
    'creator:update': inScope,
    'creator:archive': inScope,
    'home:agency': anyone,
    'account:create': inScope,
    'account:read': inScope,
    'account:update': inScope,
    /** Their creators' activity; agency-wide entries (sign-ins, users, backups) stay with admins. */
    'audit:read': inScope,
    'conversation:read': inScope,
    'conversation:reply': inScope,
    'conversation:assign': inScope,
    'conversation:assign_others': inScope,
    'conversation:escalate': inScope,
    'conversation:release': inScope,
    'conversation:resolve': inScope,
    'intent:correct': inScope,
    'fan:unmute': inScope,
    'fan:mark_minor': inScope,
    'draft:decide': inScope,
    'metrics:read': anyone,
    'pack:read': inScope,
    'pack:write': inScope,
    'offer:create': inScope,
    'followup:cancel': inScope,
    'sales:read': inScope,
    'media:read': inScope,
    'media:write': inScope,
    'post:read': inScope,
    'post:write': inScope,
    'planner:write': inScope,
    'analytics:read': inScope,
    'team:manage': inScope,
    'shift:update': anyone,
    'saved_reply:write': inScope,
    'experiment:read': inScope,
    'experiment:write': inScope,
  },
  chatter: {
    'creator:list': anyone,
    'creator:read': inScope,
    'conversation:read': inScope,
    'conversation:reply': inScope,
    'conversation:assign': inScope,
    'conversation:escalate': inScope,
    'conversation:release': inScope,
    'conversation:resolve': inScope,
    'intent:correct': inScope,
    'fan:mark_minor': inScope,
    'draft:decide': inScope,
    'pack:read': inScope,
    'offer:create': inScope,
    'followup:cancel': inScope,
    'shift:update': anyone,
  },
  model: {
    'creator:list': anyone,
    'home:creator': anyone,
    'creator:read': inScope,
    'account:read': inScope,
    'conversation:read': inScope,
    'conversation:reply': inScope,
    'conversation:escalate': inScope,
    'conversation:resolve': inScope,
    'fan:mark_minor': inScope,
    'draft:decide': inScope,
    'pack:read': inScope,
    'followup:cancel': inScope,
    'sales:read': inScope,
    'media:read': inScope,
    'post:read': inScope,
    'analytics:read': inScope,
    'experiment:read': inScope,
  },
};

export function can(actor: Actor, action: Action, resource?: Resource): boolean {
  if (actor.role === 'admin') return true;
  const rule = RULES[actor.role][action];
  return rule ? rule(actor, resource) : false;
}

/** The actions a user may take on collections, sent to the UI so it hides the rest. */
export function abilities(actor: Actor): Action[] {
  const all: Action[] = [
    'user:create',
    'user:list',
    'user:update',
    'creator:create',
    'creator:list',
    'creator:update',
    'creator:archive',
    'home:agency',
    'home:creator',
    'account:create',
    'account:read',
    'account:update',
    'audit:read',
    'metrics:read',
    'fan:export',
    'fan:erase',
    'backup:read',
    // The catalog screen: packs and promo codes to edit, and the sales figures.
    'pack:write',
    'sales:read',
    // The content library, the posts screens and the calendar: seeing them, and changing them.
    'media:read',
    'media:write',
    'post:read',
    'post:write',
    // The planner screen: rules per creator, plan the week.
    'planner:write',
    // The analytics pages.
    'analytics:read',
    // Teams and saved replies (the panel's screen for them; the inbox's duty switch).
    'team:manage',
    'saved_reply:write',
    'shift:update',
    // The prompt experiments screen and the dashboard's experiments card.
    'experiment:read',
    'experiment:write',
  ];
  return all.filter((action) => (actor.role === 'admin' ? true : RULES[actor.role][action] !== undefined));
}
