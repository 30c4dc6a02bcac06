import type { Db } from "~/db/client";

export async function listSegments({ db, shop }: { db: Db; shop: string }) {
  return db.segment.findMany({
    where: { shop: { domain: shop } },
    orderBy: { name: "asc" },
    select: { id: true, name: true, handle: true, memberCount: true, updatedAt: true },
  });
}
