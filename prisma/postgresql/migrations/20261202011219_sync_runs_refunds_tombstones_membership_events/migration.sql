-- CreateEnum
CREATE TYPE "MembershipChange" AS ENUM ('JOINED', 'LEFT');

-- CreateEnum
CREATE TYPE "ResourceKind" AS ENUM ('CUSTOMER', 'ORDER', 'PRODUCT', 'CHECKOUT');

-- CreateEnum
CREATE TYPE "SyncRunState" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED');

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "detailsStale" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "redactedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "lastReconciledAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN     "customerShopifyId" TEXT;

-- CreateTable
CREATE TABLE "SegmentMembershipEvent" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "segmentId" TEXT NOT NULL,
    "customerId" INTEGER NOT NULL,
    "change" "MembershipChange" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SegmentMembershipEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderRefund" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "orderShopifyId" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "note" TEXT,
    "shopifyCreatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderRefund_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeletedResource" (
    "shopId" INTEGER NOT NULL,
    "kind" "ResourceKind" NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "deletedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeletedResource_pkey" PRIMARY KEY ("shopId","kind","shopifyId")
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "state" "SyncRunState" NOT NULL DEFAULT 'RUNNING',
    "phase" TEXT NOT NULL,
    "bulkOperationId" TEXT,
    "bulkStatus" TEXT,
    "bulkUrl" TEXT,
    "bulkObjectCount" INTEGER,
    "linesDone" INTEGER NOT NULL DEFAULT 0,
    "objectsDone" INTEGER NOT NULL DEFAULT 0,
    "objectsTotal" INTEGER,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerDataRequest" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "customerShopifyId" TEXT NOT NULL,
    "requestId" TEXT,
    "ordersRequested" JSONB NOT NULL,
    "report" TEXT,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "assembledAt" TIMESTAMP(3),

    CONSTRAINT "CustomerDataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SegmentMembershipEvent_segmentId_at_idx" ON "SegmentMembershipEvent"("segmentId", "at");

-- CreateIndex
CREATE INDEX "SegmentMembershipEvent_shopId_customerId_at_idx" ON "SegmentMembershipEvent"("shopId", "customerId", "at");

-- CreateIndex
CREATE INDEX "OrderRefund_shopId_orderShopifyId_idx" ON "OrderRefund"("shopId", "orderShopifyId");

-- CreateIndex
CREATE UNIQUE INDEX "OrderRefund_shopId_shopifyId_key" ON "OrderRefund"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "SyncRun_shopId_startedAt_idx" ON "SyncRun"("shopId", "startedAt");

-- CreateIndex
CREATE INDEX "CustomerDataRequest_shopId_requestedAt_idx" ON "CustomerDataRequest"("shopId", "requestedAt");

-- CreateIndex
CREATE INDEX "CustomerDataRequest_shopId_customerShopifyId_idx" ON "CustomerDataRequest"("shopId", "customerShopifyId");

-- CreateIndex
CREATE INDEX "Customer_shopId_detailsStale_idx" ON "Customer"("shopId", "detailsStale");

-- CreateIndex
CREATE INDEX "WebhookEvent_shopId_customerShopifyId_idx" ON "WebhookEvent"("shopId", "customerShopifyId");

-- AddForeignKey
ALTER TABLE "SegmentMembershipEvent" ADD CONSTRAINT "SegmentMembershipEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SegmentMembershipEvent" ADD CONSTRAINT "SegmentMembershipEvent_segmentId_fkey" FOREIGN KEY ("segmentId") REFERENCES "Segment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SegmentMembershipEvent" ADD CONSTRAINT "SegmentMembershipEvent_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderRefund" ADD CONSTRAINT "OrderRefund_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeletedResource" ADD CONSTRAINT "DeletedResource_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerDataRequest" ADD CONSTRAINT "CustomerDataRequest_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

