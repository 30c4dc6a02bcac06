-- CreateEnum
CREATE TYPE "DiscountMethod" AS ENUM ('AUTOMATIC', 'CODE');

-- CreateEnum
CREATE TYPE "SegmentDiscountStatus" AS ENUM ('ACTIVE', 'PAUSED', 'SCHEDULED', 'EXPIRED');

-- CreateTable
CREATE TABLE "SegmentDiscount" (
    "id" TEXT NOT NULL,
    "shopId" INTEGER NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "method" "DiscountMethod" NOT NULL,
    "code" TEXT,
    "title" TEXT NOT NULL,
    "configuration" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3),
    "usageLimit" INTEGER,
    "appliesOncePerCustomer" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithProduct" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithOrder" BOOLEAN NOT NULL DEFAULT false,
    "combinesWithShipping" BOOLEAN NOT NULL DEFAULT false,
    "contextSegmentIds" TEXT NOT NULL DEFAULT '[]',
    "status" "SegmentDiscountStatus" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SegmentDiscount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SegmentDiscountSegment" (
    "discountId" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "shopId" INTEGER NOT NULL,
    "segmentId" TEXT,
    "name" TEXT NOT NULL,

    CONSTRAINT "SegmentDiscountSegment_pkey" PRIMARY KEY ("discountId","handle")
);

-- CreateIndex
CREATE INDEX "SegmentDiscount_shopId_createdAt_idx" ON "SegmentDiscount"("shopId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SegmentDiscount_shopId_shopifyId_key" ON "SegmentDiscount"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "SegmentDiscountSegment_shopId_segmentId_idx" ON "SegmentDiscountSegment"("shopId", "segmentId");

-- AddForeignKey
ALTER TABLE "SegmentDiscount" ADD CONSTRAINT "SegmentDiscount_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SegmentDiscountSegment" ADD CONSTRAINT "SegmentDiscountSegment_discountId_fkey" FOREIGN KEY ("discountId") REFERENCES "SegmentDiscount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SegmentDiscountSegment" ADD CONSTRAINT "SegmentDiscountSegment_segmentId_fkey" FOREIGN KEY ("segmentId") REFERENCES "Segment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

