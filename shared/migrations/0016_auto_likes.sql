CREATE TABLE "auto_likes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"creator_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"post_remote_id" text NOT NULL,
	"reply_id" text NOT NULL,
	"decision" text NOT NULL,
	"reason" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "auto_likes_decision_check" CHECK ("auto_likes"."decision" in ('liking','liked','skipped','refused'))
);
--> statement-breakpoint
ALTER TABLE "auto_likes" ADD CONSTRAINT "auto_likes_creator_id_creators_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."creators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auto_likes" ADD CONSTRAINT "auto_likes_account_id_platform_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."platform_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "auto_likes_account_reply_key" ON "auto_likes" USING btree ("account_id","reply_id");--> statement-breakpoint
CREATE INDEX "auto_likes_creator_created_idx" ON "auto_likes" USING btree ("creator_id","created_at");
