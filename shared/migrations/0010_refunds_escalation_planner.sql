CREATE TABLE "planner_rules" (
	"creator_id" uuid PRIMARY KEY NOT NULL,
	"markets" jsonb NOT NULL,
	"platforms" jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "escalation_reason" text;--> statement-breakpoint
ALTER TABLE "purchases" ADD COLUMN "refunded_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "purchases" ADD COLUMN "refund_kind" text;--> statement-breakpoint
ALTER TABLE "planner_rules" ADD CONSTRAINT "planner_rules_creator_id_creators_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."creators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "planner_rules" ADD CONSTRAINT "planner_rules_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_stale_idx" ON "outbox" USING btree (coalesce("enqueued_at", "created_at")) WHERE "outbox"."processed_at" is null;--> statement-breakpoint
ALTER TABLE "purchases" ADD CONSTRAINT "purchases_refund_kind_check" CHECK ("purchases"."refund_kind" in ('refund','chargeback'));