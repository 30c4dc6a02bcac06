-- CreateTable
CREATE TABLE "SegmentDiscount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" INTEGER NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "code" TEXT,
    "title" TEXT NOT NULL,
    "configuration" TEXT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME,
    "usageLimit" INTEGER,
    "appliesOncePerCustomer" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithProduct" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithOrder" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithShipping" BOOLEAN NOT NULL DEFAULT false,
    "contextSegmentIds" TEXT NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "SegmentDiscount_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SegmentDiscountSegment" (
    "discountId" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "shopId" INTEGER NOT NULL,
    "segmentId" TEXT,
    "name" TEXT NOT NULL,

    PRIMARY KEY ("discountId", "handle"),
    CONSTRAINT "SegmentDiscountSegment_discountId_fkey" FOREIGN KEY ("discountId") REFERENCES "SegmentDiscount" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SegmentDiscountSegment_segmentId_fkey" FOREIGN KEY ("segmentId") REFERENCES "Segment" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "SegmentDiscount_shopId_createdAt_idx" ON "SegmentDiscount"("shopId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SegmentDiscount_shopId_shopifyId_key" ON "SegmentDiscount"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "SegmentDiscountSegment_shopId_segmentId_idx" ON "SegmentDiscountSegment"("shopId", "segmentId");

