-- Analytics: metric snapshots of published posts (a time series partitioned by month),
-- daily account figures, the rollups the pages read, the collection schedule and the
-- conversions attributed to posts.
CREATE TABLE "post_metrics" (
	"target_id" uuid NOT NULL,
	"creator_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"captured_at" timestamp (3) with time zone NOT NULL,
	"likes" integer NOT NULL,
	"comments" integer NOT NULL,
	"shares" integer NOT NULL,
	"views" integer NOT NULL,
	"reach" integer,
	"saves" integer
) PARTITION BY RANGE ("captured_at");
--> statement-breakpoint
CREATE TABLE "post_metrics_default" PARTITION OF "post_metrics" DEFAULT;
--> statement-breakpoint
ALTER TABLE "post_metrics" ADD CONSTRAINT "post_metrics_target_id_post_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."post_targets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "post_metrics_creator_platform_time_idx" ON "post_metrics" USING btree ("creator_id","platform","captured_at");--> statement-breakpoint
CREATE INDEX "post_metrics_target_time_idx" ON "post_metrics" USING btree ("target_id","captured_at");--> statement-breakpoint
CREATE TABLE "post_metrics_latest" (
	"target_id" uuid PRIMARY KEY NOT NULL,
	"creator_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"kind" text NOT NULL,
	"published_at" timestamp (3) with time zone NOT NULL,
	"captured_at" timestamp (3) with time zone NOT NULL,
	"likes" integer DEFAULT 0 NOT NULL,
	"comments" integer DEFAULT 0 NOT NULL,
	"shares" integer DEFAULT 0 NOT NULL,
	"views" integer DEFAULT 0 NOT NULL,
	"reach" integer,
	"saves" integer,
	"conversions" integer DEFAULT 0 NOT NULL,
	"conversion_cents" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "post_metrics_latest" ADD CONSTRAINT "post_metrics_latest_target_id_post_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."post_targets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_metrics_latest" ADD CONSTRAINT "post_metrics_latest_creator_id_creators_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."creators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "post_metrics_latest_creator_platform_idx" ON "post_metrics_latest" USING btree ("creator_id","platform","published_at");--> statement-breakpoint
CREATE TABLE "metrics_daily" (
	"creator_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"day" date NOT NULL,
	"likes" bigint DEFAULT 0 NOT NULL,
	"comments" bigint DEFAULT 0 NOT NULL,
	"shares" bigint DEFAULT 0 NOT NULL,
	"views" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "metrics_daily_pkey" PRIMARY KEY("creator_id","platform","day")
);
--> statement-breakpoint
ALTER TABLE "metrics_daily" ADD CONSTRAINT "metrics_daily_creator_id_creators_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."creators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "account_metrics" (
	"account_id" uuid NOT NULL,
	"creator_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"day" date NOT NULL,
	"followers" integer NOT NULL,
	"geography" jsonb,
	"captured_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_metrics_pkey" PRIMARY KEY("account_id","day")
);
--> statement-breakpoint
ALTER TABLE "account_metrics" ADD CONSTRAINT "account_metrics_account_id_platform_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."platform_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_metrics" ADD CONSTRAINT "account_metrics_creator_id_creators_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."creators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_metrics_creator_day_idx" ON "account_metrics" USING btree ("creator_id","platform","day");--> statement-breakpoint
CREATE TABLE "metrics_schedule" (
	"target_id" uuid PRIMARY KEY NOT NULL,
	"creator_id" uuid NOT NULL,
	"published_at" timestamp (3) with time zone NOT NULL,
	"next_at" timestamp (3) with time zone NOT NULL,
	"last_at" timestamp (3) with time zone,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "metrics_schedule" ADD CONSTRAINT "metrics_schedule_target_id_post_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."post_targets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metrics_schedule" ADD CONSTRAINT "metrics_schedule_creator_id_creators_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."creators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "metrics_schedule_due_idx" ON "metrics_schedule" USING btree ("next_at");--> statement-breakpoint
CREATE TABLE "post_conversions" (
	"purchase_id" uuid PRIMARY KEY NOT NULL,
	"target_id" uuid NOT NULL,
	"creator_id" uuid NOT NULL,
	"method" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "post_conversions_method_check" CHECK ("post_conversions"."method" in ('link','promo_code','chat_window'))
);
--> statement-breakpoint
ALTER TABLE "post_conversions" ADD CONSTRAINT "post_conversions_purchase_id_purchases_id_fk" FOREIGN KEY ("purchase_id") REFERENCES "public"."purchases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_conversions" ADD CONSTRAINT "post_conversions_target_id_post_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."post_targets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_conversions" ADD CONSTRAINT "post_conversions_creator_id_creators_id_fk" FOREIGN KEY ("creator_id") REFERENCES "public"."creators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "post_conversions_target_idx" ON "post_conversions" USING btree ("target_id");
