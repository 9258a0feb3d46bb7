CREATE TABLE "experiments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"creator_id" uuid NOT NULL,
	"intent" text NOT NULL,
	"name" text NOT NULL,
	"mode" text DEFAULT 'append' NOT NULL,
	"variants" jsonb NOT NULL,
	"min_sample" integer DEFAULT 30 NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"winner" text,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp (3) with time zone,
	CONSTRAINT "experiments_mode_check" CHECK ("experiments"."mode" in ('append','replace')),
	CONSTRAINT "experiments_status_check" CHECK ("experiments"."status" in ('running','stopped','promoted'))
);
--> statement-breakpoint
CREATE TABLE "intent_guidance" (
	"creator_id" uuid NOT NULL,
	"intent" text NOT NULL,
	"mode" text NOT NULL,
	"text" text NOT NULL,
	"experiment_id" uuid,
	"updated_by" uuid,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intent_guidance_creator_id_intent_pk" PRIMARY KEY("creator_id","intent"),
	CONSTRAINT "intent_guidance_mode_check" CHECK ("intent_guidance"."mode" in ('append','replace'))
);
--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "experiment_id" uuid;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "variant" text;--> statement-breakpoint
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_creator_id_creators_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."creators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intent_guidance" ADD CONSTRAINT "intent_guidance_creator_id_creators_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."creators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intent_guidance" ADD CONSTRAINT "intent_guidance_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intent_guidance" ADD CONSTRAINT "intent_guidance_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "experiments_running_key" ON "experiments" USING btree ("creator_id","intent") WHERE "experiments"."status" = 'running';--> statement-breakpoint
CREATE INDEX "experiments_creator_idx" ON "experiments" USING btree ("creator_id","created_at");--> statement-breakpoint
CREATE INDEX "drafts_experiment_idx" ON "drafts" USING btree ("experiment_id","variant") WHERE "drafts"."experiment_id" is not null;
