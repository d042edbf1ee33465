import { z } from 'zod';
import { TenantIdSchema } from './auth.ts';

/** A tenant as the control-plane API returns it (GET/POST/PATCH /v1/tenants). */
export const TenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  strictSafelist: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Tenant = z.infer<typeof TenantSchema>;

export const CreateTenantSchema = z
  .object({
    id: TenantIdSchema,
    name: z.string().trim().min(1).max(200),
    strictSafelist: z.boolean().default(false),
  })
  .strict();
export type CreateTenant = z.infer<typeof CreateTenantSchema>;

export const UpdateTenantSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    strictSafelist: z.boolean().optional(),
  })
  .strict()
  .refine((patch) => patch.name !== undefined || patch.strictSafelist !== undefined, 'give at least one of name, strictSafelist');
export type UpdateTenant = z.infer<typeof UpdateTenantSchema>;
