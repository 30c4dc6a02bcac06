import { z } from "zod";

/**
 * A row id from a URL (`/app/customers/123`): digits only, within the store's integer range — a
 * larger number would be a database error, not the 404 it deserves.
 */
export const rowIdParams = z.object({
  id: z
    .string()
    .regex(/^\d{1,10}$/)
    .transform(Number)
    .pipe(z.number().int().positive().max(2_147_483_647)),
});
