-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "publishJobId" INTEGER,
ADD COLUMN     "segmentsDefinitionId" TEXT;

-- CreateTable
CREATE TABLE "CustomerPublication" (
    "customerId" INTEGER NOT NULL,
    "shopId" INTEGER NOT NULL,
    "dirty" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "segments" TEXT DEFAULT '[]',
    "tags" TEXT NOT NULL DEFAULT '[]',
    "error" TEXT,
    "publishedAt" TIMESTAMP(3),

    CONSTRAINT "CustomerPublication_pkey" PRIMARY KEY ("customerId")
);

-- CreateIndex
CREATE INDEX "CustomerPublication_shopId_dirty_customerId_idx" ON "CustomerPublication"("shopId", "dirty", "customerId");

-- AddForeignKey
ALTER TABLE "CustomerPublication" ADD CONSTRAINT "CustomerPublication_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill (decision 010): every customer already in a segment has its membership to publish.
INSERT INTO "CustomerPublication" ("customerId", "shopId", "dirty", "version", "segments", "tags")
SELECT DISTINCT "customerId", "shopId", true, 1, '[]', '[]' FROM "SegmentMember"
ON CONFLICT ("customerId") DO NOTHING;
