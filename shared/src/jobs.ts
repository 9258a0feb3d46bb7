/**
 * Web push to the users who may approve a draft: `draft` when it starts waiting, `digest` at
 * the end of a user's quiet window (`at`, ms) for the drafts that arrived during it.
 */
export type PushNotifyData =
  | { kind: 'draft'; draftId: string }
  | { kind: 'digest'; userId: string; since: number; at: number }
  /** One stored notification, pushed if its person wants that kind. */
  | { kind: 'notification'; notificationId: number };

/** Every job that crosses a process boundary: one name, one payload shape. */
export type Job =
  | { name: 'push.notify'; data: PushNotifyData }
  | {
      name: 'inbound.process';
      /** `edit` (ms): the fan edited the message then; its new text goes through the safety gates again. */
      data: { messageId: string; edit?: number; outboxId?: number };
    }
  | { name: 'outbound.send'; data: { messageId: string; outboxId?: number } }
  | {
      name: 'draft.generate';
      /** `paying`: the fan has bought before; their drafts go first when Ollama is busy. */
      data: { messageId: string; selling: boolean; paying?: boolean; outboxId?: number };
    }
  | {
      name: 'post.publish';
      /**
       * `dueAt` (ms): the target's scheduled time when the job was made; a job whose target
       * has moved since does nothing. `check`: ask the platform how a publication it is still
       * processing went, or whether an unconfirmed post is there (`attempt`: how many times
       * it has been asked), instead of publishing.
       */
      data: { targetId: string; dueAt: number; check?: boolean; attempt?: number; outboxId?: number };
    }
  /** Repeated: is tomorrow's reel/short planned on every platform that owes one? */
  | { name: 'planner.reel_check'; data: { outboxId?: number } }
  /** Repeated: read the counters of the published posts that are due, and the daily upkeep. */
  | { name: 'analytics.collect'; data: { outboxId?: number } }
  /** Repeated: like the friendly replies to the own posts of creators who turned auto-like on. */
  | { name: 'interactions.auto_like'; data: { outboxId?: number } }
  /**
   * Vector memory: the fan's recent messages up to `messageId` (and the operators' notes)
   * embedded and stored for recall; what is stored already is skipped.
   */
  | { name: 'memory.embed'; data: { messageId: string; outboxId?: number } }
  /** Vector memory: every vector of an erased fan deleted (retried until the store answers). */
  | { name: 'memory.forget'; data: { fanId: string; outboxId?: number } }
  | {
      name: 'followup.send';
      /** `dueAt` (ms): the job is delayed until then; the row decides whether it still goes out. */
      data: { followUpId: string; dueAt: number; outboxId?: number };
    }
  | {
      name: 'satisfaction.ask';
      /** `dueAt` (ms): delayed until then; the survey row decides whether the question still goes out. */
      data: { surveyId: string; dueAt: number; outboxId?: number };
    };

export type JobName = Job['name'];
export type JobOf<N extends JobName> = Extract<Job, { name: N }>;
export type JobData<N extends JobName> = JobOf<N>['data'];

export const JOB_NAMES = [
  'inbound.process',
  'outbound.send',
  'draft.generate',
  'push.notify',
  'followup.send',
  'post.publish',
  'planner.reel_check',
  'analytics.collect',
  'interactions.auto_like',
  'memory.embed',
  'memory.forget',
  'satisfaction.ask',
] as const satisfies readonly JobName[];
