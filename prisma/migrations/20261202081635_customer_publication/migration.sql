-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "publishJobId" INTEGER;
ALTER TABLE "Shop" ADD COLUMN "segmentsDefinitionId" TEXT;

-- CreateTable
CREATE TABLE "CustomerPublication" (
    "customerId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "dirty" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "segments" TEXT DEFAULT '[]',
    "tags" TEXT NOT NULL DEFAULT '[]',
    "error" TEXT,
    "publishedAt" DATETIME,
    CONSTRAINT "CustomerPublication_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "CustomerPublication_shopId_dirty_customerId_idx" ON "CustomerPublication"("shopId", "dirty", "customerId");

-- Backfill (decision 010): every customer already in a segment has its membership to publish.
INSERT INTO "CustomerPublication" ("customerId", "shopId", "dirty", "version", "segments", "tags")
SELECT DISTINCT "customerId", "shopId", true, 1, '[]', '[]' FROM "SegmentMember" WHERE true
ON CONFLICT ("customerId") DO NOTHING;
