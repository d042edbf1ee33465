CREATE TABLE "exports" (
	"export_id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'building' NOT NULL,
	"requested_by" text NOT NULL,
	"license" text NOT NULL,
	"purpose" text[] NOT NULL,
	"redact" boolean DEFAULT false NOT NULL,
	"max_documents" integer,
	"chunk_size" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"manifest" jsonb,
	"merkle_root" text,
	"total_size" bigint,
	"pii_report" jsonb,
	"reviewed_by" text,
	"review_reason" text,
	"reviewed_at" timestamp with time zone,
	"failure" text,
	CONSTRAINT "exports_kind_check" CHECK ("exports"."kind" in ('extractive-summary')),
	CONSTRAINT "exports_status_check" CHECK ("exports"."status" in ('building', 'pending_review', 'approved', 'rejected', 'failed')),
	CONSTRAINT "exports_proofs_check" CHECK (length("exports"."license") > 0 and cardinality("exports"."purpose") >= 1 and array_position("exports"."purpose", '') is null),
	CONSTRAINT "exports_max_documents_check" CHECK ("exports"."max_documents" is null or "exports"."max_documents" >= 1),
	CONSTRAINT "exports_chunk_size_check" CHECK ("exports"."chunk_size" between 1 and 67108864),
	CONSTRAINT "exports_published_check" CHECK (("exports"."manifest" is not null and "exports"."merkle_root" is not null and "exports"."total_size" >= 0) = ("exports"."status" not in ('building', 'failed'))
        and ("exports"."manifest" is null) = ("exports"."merkle_root" is null) and ("exports"."manifest" is null) = ("exports"."total_size" is null)),
	CONSTRAINT "exports_review_check" CHECK (("exports"."reviewed_by" is not null and "exports"."review_reason" is not null and "exports"."reviewed_at" is not null) = ("exports"."status" in ('approved', 'rejected'))
        and ("exports"."reviewed_by" is null) = ("exports"."review_reason" is null) and ("exports"."reviewed_by" is null) = ("exports"."reviewed_at" is null)),
	CONSTRAINT "exports_self_review_check" CHECK ("exports"."reviewed_by" is null or "exports"."reviewed_by" <> "exports"."requested_by"),
	CONSTRAINT "exports_failure_check" CHECK (("exports"."failure" is not null) = ("exports"."status" = 'failed'))
);
--> statement-breakpoint
CREATE TABLE "export_chunks" (
	"export_id" uuid NOT NULL,
	"ix" integer NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"cursor" jsonb,
	"cursor_offset" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "export_chunks_export_id_ix_pk" PRIMARY KEY("export_id","ix"),
	CONSTRAINT "export_chunks_ix_check" CHECK ("export_chunks"."ix" >= 0),
	CONSTRAINT "export_chunks_sha256_check" CHECK ("export_chunks"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "export_chunks_size_check" CHECK ("export_chunks"."size" between 1 and 67108864),
	CONSTRAINT "export_chunks_cursor_offset_check" CHECK ("export_chunks"."cursor_offset" >= 0)
);
--> statement-breakpoint
ALTER TABLE "exports" ADD CONSTRAINT "exports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "export_chunks" ADD CONSTRAINT "export_chunks_export_id_exports_export_id_fk" FOREIGN KEY ("export_id") REFERENCES "public"."exports"("export_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "exports_status_created_at_index" ON "exports" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "exports_tenant_id_created_at_index" ON "exports" USING btree ("tenant_id","created_at");