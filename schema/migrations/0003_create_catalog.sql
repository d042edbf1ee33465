CREATE TABLE "catalog_ops" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"service" text NOT NULL,
	"p95_target_ms" integer NOT NULL,
	"p99_target_ms" integer NOT NULL,
	"unit_cost_micros" bigint NOT NULL,
	"slo_objective_ppm" integer NOT NULL,
	"slo_window_days" integer NOT NULL,
	"safelisted_operation" text,
	"service_time_mean_ms" double precision NOT NULL,
	"service_time_scv" double precision NOT NULL,
	"arrival_rate_per_second" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalog_ops_targets_check" CHECK ("catalog_ops"."p95_target_ms" >= 1 and "catalog_ops"."p99_target_ms" >= "catalog_ops"."p95_target_ms"),
	CONSTRAINT "catalog_ops_unit_cost_check" CHECK ("catalog_ops"."unit_cost_micros" >= 0),
	CONSTRAINT "catalog_ops_slo_check" CHECK ("catalog_ops"."slo_objective_ppm" between 1 and 999999 and "catalog_ops"."slo_window_days" between 1 and 366),
	CONSTRAINT "catalog_ops_fallback_check" CHECK ("catalog_ops"."service_time_mean_ms" > 0 and "catalog_ops"."service_time_scv" >= 0 and "catalog_ops"."arrival_rate_per_second" >= 0)
);
--> statement-breakpoint
CREATE TABLE "catalog_services" (
	"name" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"system" text NOT NULL,
	"lifecycle" text NOT NULL,
	"depends_on" jsonb NOT NULL,
	"pricing_model" text NOT NULL,
	"instance_hour_micros" bigint,
	"instances" integer,
	"per_instance_concurrency" integer,
	"per_request_micros" bigint,
	"gb_second_micros" bigint,
	"memory_mb" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalog_services_lifecycle_check" CHECK ("catalog_services"."lifecycle" in ('experimental', 'production', 'deprecated')),
	CONSTRAINT "catalog_services_pricing_model_check" CHECK ("catalog_services"."pricing_model" in ('instance', 'request')),
	CONSTRAINT "catalog_services_pricing_inputs_check" CHECK (("catalog_services"."pricing_model" = 'instance' and "catalog_services"."instance_hour_micros" >= 0 and "catalog_services"."instances" >= 1 and "catalog_services"."per_instance_concurrency" >= 1
            and "catalog_services"."per_request_micros" is null and "catalog_services"."gb_second_micros" is null and "catalog_services"."memory_mb" is null)
        or ("catalog_services"."pricing_model" = 'request' and "catalog_services"."per_request_micros" >= 0 and "catalog_services"."gb_second_micros" >= 0 and "catalog_services"."memory_mb" >= 1
            and "catalog_services"."instance_hour_micros" is null and "catalog_services"."instances" is null and "catalog_services"."per_instance_concurrency" is null))
);
--> statement-breakpoint
CREATE TABLE "whatif_backtests" (
	"report_id" text NOT NULL,
	"run_at" timestamp with time zone NOT NULL,
	"op_id" text NOT NULL,
	"level" text NOT NULL,
	"lambda" double precision NOT NULL,
	"rho" double precision NOT NULL,
	"observed_p_95_ms" double precision NOT NULL,
	"observed_p_99_ms" double precision NOT NULL,
	"predicted_p_95_ms" double precision NOT NULL,
	"predicted_p_99_ms" double precision NOT NULL,
	"error_p_95_pct" double precision NOT NULL,
	"error_p_99_pct" double precision NOT NULL,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "whatif_backtests_report_id_op_id_level_pk" PRIMARY KEY("report_id","op_id","level")
);
--> statement-breakpoint
ALTER TABLE "catalog_ops" ADD CONSTRAINT "catalog_ops_service_catalog_services_name_fk" FOREIGN KEY ("service") REFERENCES "public"."catalog_services"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatif_backtests" ADD CONSTRAINT "whatif_backtests_op_id_catalog_ops_id_fk" FOREIGN KEY ("op_id") REFERENCES "public"."catalog_ops"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "catalog_ops_service_index" ON "catalog_ops" USING btree ("service");--> statement-breakpoint
CREATE INDEX "catalog_ops_safelisted_operation_index" ON "catalog_ops" USING btree ("safelisted_operation");--> statement-breakpoint
CREATE INDEX "whatif_backtests_op_id_run_at_index" ON "whatif_backtests" USING btree ("op_id","run_at");