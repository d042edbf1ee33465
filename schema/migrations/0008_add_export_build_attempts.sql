ALTER TABLE "exports" ADD COLUMN "build_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "exports" ADD COLUMN "build_error" text;--> statement-breakpoint
ALTER TABLE "exports" ADD CONSTRAINT "exports_build_attempts_check" CHECK ("exports"."build_attempts" >= 0);