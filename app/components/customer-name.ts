import type { Translate } from "~/i18n";

/** How the admin names a customer: their name, else their e-mail, else "Customer 12" (e.g. after a redact). */
export function customerName(t: Translate, customer: { id: number; firstName: string | null; lastName: string | null; email: string | null }): string {
  const name = [customer.firstName, customer.lastName].filter((part) => part && part.trim()).join(" ").trim();
  return name || customer.email || t("customers.unnamed", { id: customer.id });
}
