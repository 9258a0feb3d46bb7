ALTER TABLE "purchases" ADD COLUMN "refunded_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "purchases" ADD COLUMN "refund_kind" text;--> statement-breakpoint
ALTER TABLE "purchases" ADD CONSTRAINT "purchases_refund_kind_check" CHECK ("purchases"."refund_kind" in ('refund','chargeback'));