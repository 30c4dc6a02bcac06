import type { DatabaseKind, Db } from "~/db/client";
import type { Prisma } from "~/db/generated/sqlite/client";
import type { SpendTier } from "~/predict/model";
import type { RfmGroup } from "~/predict/rfm";

/** Customers a page of the admin's list shows. */
export const CUSTOMERS_PAGE_SIZE = 50;

/** Orders the customers list can be sorted in (each breaks ties by customer id). */
export const CUSTOMER_SORTS = ["predictedSpend", "amountSpent", "orders", "churn"] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

type Direction = "asc" | "desc";

// customers without a prediction come last in either direction
const SORT_ORDERS: Record<CustomerSort, (direction: Direction) => Prisma.CustomerOrderByWithRelationInput> = {
  predictedSpend: (sort) => ({ predictedSpend12mMinor: { sort, nulls: "last" } }),
  amountSpent: (sort) => ({ amountSpentMinor: sort }),
  orders: (sort) => ({ numberOfOrders: sort }),
  churn: (sort) => ({ churnProbability: { sort, nulls: "last" } }),
};

export interface CustomerListQuery {
  shopId: number;
  /** words that must each appear in the first name, last name or e-mail (any case) */
  search: string;
  sort: CustomerSort;
  direction: Direction;
  /** 1-based; past the last page reads the last page */
  page: number;
  pageSize: number;
}

export interface CustomerListPage {
  customers: {
    id: number;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    numberOfOrders: number;
    amountSpentMinor: bigint;
    predictedSpendTier: SpendTier | null;
    rfmGroup: RfmGroup | null;
    predictedSpend12mMinor: bigint | null;
    churnProbability: number | null;
  }[];
  total: number;
  page: number;
  pages: number;
}

/** One page of a shop's customers, searched and sorted in the database. */
export async function listCustomers(db: Db, kind: DatabaseKind, query: CustomerListQuery): Promise<CustomerListPage> {
  const words = query.search.split(/\s+/).filter(Boolean).slice(0, 5);
  const where = {
    shopId: query.shopId,
    AND: words.map((word) => ({
      OR: [{ firstName: textContains(kind, word) }, { lastName: textContains(kind, word) }, { email: textContains(kind, word) }],
    })),
  };
  const total = await db.customer.count({ where });
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  const page = Math.min(Math.max(1, query.page), pages);
  const customers = await db.customer.findMany({
    where,
    orderBy: [SORT_ORDERS[query.sort](query.direction), { id: "asc" }],
    skip: (page - 1) * query.pageSize,
    take: query.pageSize,
    select: {
      id: true,
      firstName: true,
      lastName: true,
      email: true,
      numberOfOrders: true,
      amountSpentMinor: true,
      predictedSpendTier: true,
      rfmGroup: true,
      predictedSpend12mMinor: true,
      churnProbability: true,
    },
  });
  return { customers, total, page, pages };
}

/**
 * Prisma's `contains` is a LIKE. PostgreSQL: case-insensitive only when asked, and a backslash (its
 * default escape) keeps % and _ literal. SQLite: LIKE already ignores (ASCII) case, and Prisma writes
 * no ESCAPE clause there, so a % or _ in a search word still matches any text or character.
 */
function textContains(kind: DatabaseKind, word: string): { contains: string } {
  if (kind === "sqlite") return { contains: word };
  return { contains: word.replace(/[\\%_]/g, "\\$&"), mode: "insensitive" } as { contains: string };
}
