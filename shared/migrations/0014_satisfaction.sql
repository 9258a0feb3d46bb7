CREATE TABLE "satisfaction_surveys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"creator_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"fan_id" uuid NOT NULL,
	"user_id" uuid,
	"purchase_id" uuid,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"question_message_id" uuid,
	"sent_at" timestamp (3) with time zone,
	"score" integer,
	"answer_message_id" uuid,
	"answered_at" timestamp (3) with time zone,
	"cancel_reason" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "satisfaction_surveys_trigger_check" CHECK ("satisfaction_surveys"."trigger" in ('purchase','handled')),
	CONSTRAINT "satisfaction_surveys_status_check" CHECK ("satisfaction_surveys"."status" in ('pending','sent','answered','cancelled')),
	CONSTRAINT "satisfaction_surveys_score_check" CHECK ("satisfaction_surveys"."score" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ADD CONSTRAINT "satisfaction_surveys_creator_id_creators_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."creators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ADD CONSTRAINT "satisfaction_surveys_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ADD CONSTRAINT "satisfaction_surveys_fan_id_fans_id_fk" FOREIGN KEY ("fan_id") REFERENCES "public"."fans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ADD CONSTRAINT "satisfaction_surveys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ADD CONSTRAINT "satisfaction_surveys_purchase_id_purchases_id_fk" FOREIGN KEY ("purchase_id") REFERENCES "public"."purchases"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ADD CONSTRAINT "satisfaction_surveys_question_message_id_messages_id_fk" FOREIGN KEY ("question_message_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ADD CONSTRAINT "satisfaction_surveys_answer_message_id_messages_id_fk" FOREIGN KEY ("answer_message_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "satisfaction_surveys_pending_fan_key" ON "satisfaction_surveys" USING btree ("fan_id") WHERE "satisfaction_surveys"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "satisfaction_surveys_fan_sent_idx" ON "satisfaction_surveys" USING btree ("fan_id","sent_at");--> statement-breakpoint
CREATE INDEX "satisfaction_surveys_creator_sent_idx" ON "satisfaction_surveys" USING btree ("creator_id","sent_at");
