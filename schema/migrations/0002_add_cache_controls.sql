CREATE TABLE "edge_settings" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"caching_enabled" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "edge_settings_single_row_check" CHECK ("edge_settings"."id")
);
--> statement-breakpoint
ALTER TABLE "safelisted_operations" ADD COLUMN "stale_while_revalidate_seconds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "safelisted_operations" ADD COLUMN "stale_if_error_seconds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "safelisted_operations" ADD COLUMN "caching_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "safelisted_operations" ADD CONSTRAINT "safelisted_operations_stale_while_revalidate_seconds_check" CHECK ("safelisted_operations"."stale_while_revalidate_seconds" >= 0);--> statement-breakpoint
ALTER TABLE "safelisted_operations" ADD CONSTRAINT "safelisted_operations_stale_if_error_seconds_check" CHECK ("safelisted_operations"."stale_if_error_seconds" >= 0);