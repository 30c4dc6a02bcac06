-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "lastReconciledAt" DATETIME;

-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN "customerShopifyId" TEXT;

-- CreateTable
CREATE TABLE "SegmentMembershipEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "segmentId" TEXT NOT NULL,
    "customerId" INTEGER NOT NULL,
    "change" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "SegmentMembershipEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SegmentMembershipEvent_segmentId_fkey" FOREIGN KEY ("segmentId") REFERENCES "Segment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SegmentMembershipEvent_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OrderRefund" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "orderShopifyId" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "note" TEXT,
    "shopifyCreatedAt" DATETIME NOT NULL,
    CONSTRAINT "OrderRefund_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DeletedResource" (
    "shopId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "deletedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "kind", "shopifyId"),
    CONSTRAINT "DeletedResource_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'RUNNING',
    "phase" TEXT NOT NULL,
    "bulkOperationId" TEXT,
    "bulkStatus" TEXT,
    "bulkUrl" TEXT,
    "bulkObjectCount" INTEGER,
    "linesDone" INTEGER NOT NULL DEFAULT 0,
    "objectsDone" INTEGER NOT NULL DEFAULT 0,
    "objectsTotal" INTEGER,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "error" TEXT,
    CONSTRAINT "SyncRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CustomerDataRequest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "customerShopifyId" TEXT NOT NULL,
    "requestId" TEXT,
    "ordersRequested" JSONB NOT NULL,
    "report" TEXT,
    "requestedAt" DATETIME NOT NULL,
    "assembledAt" DATETIME,
    CONSTRAINT "CustomerDataRequest_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Customer" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "emailDomain" TEXT,
    "phone" TEXT,
    "company" TEXT,
    "locale" TEXT,
    "accountState" TEXT NOT NULL DEFAULT 'DISABLED',
    "verifiedEmail" BOOLEAN NOT NULL DEFAULT false,
    "note" TEXT,
    "emailMarketingState" TEXT NOT NULL DEFAULT 'NOT_SUBSCRIBED',
    "emailMarketingUpdatedAt" DATETIME,
    "smsMarketingState" TEXT NOT NULL DEFAULT 'NOT_SUBSCRIBED',
    "smsMarketingUpdatedAt" DATETIME,
    "shopifyCreatedAt" DATETIME NOT NULL,
    "shopifyUpdatedAt" DATETIME NOT NULL,
    "detailsStale" BOOLEAN NOT NULL DEFAULT false,
    "redactedAt" DATETIME,
    "numberOfOrders" INTEGER NOT NULL DEFAULT 0,
    "amountSpentMinor" BIGINT NOT NULL DEFAULT 0,
    "amountPaidMinor" BIGINT NOT NULL DEFAULT 0,
    "firstOrderAt" DATETIME,
    "lastOrderAt" DATETIME,
    "lastOrderAmountMinor" BIGINT,
    "averageOrderValueMinor" BIGINT,
    "discountOrderShare" REAL,
    "lastAbandonedCheckoutAt" DATETIME,
    "predictedSpendTier" TEXT,
    "rfmGroup" TEXT,
    "predictedSpend12mMinor" BIGINT,
    "predictedClvMinor" BIGINT,
    "churnProbability" REAL,
    "expectedNextOrderAt" DATETIME,
    "predictedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Customer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Customer" ("accountState", "amountPaidMinor", "amountSpentMinor", "averageOrderValueMinor", "churnProbability", "company", "createdAt", "discountOrderShare", "email", "emailDomain", "emailMarketingState", "emailMarketingUpdatedAt", "expectedNextOrderAt", "firstName", "firstOrderAt", "id", "lastAbandonedCheckoutAt", "lastName", "lastOrderAmountMinor", "lastOrderAt", "locale", "note", "numberOfOrders", "phone", "predictedAt", "predictedClvMinor", "predictedSpend12mMinor", "predictedSpendTier", "rfmGroup", "shopId", "shopifyCreatedAt", "shopifyId", "shopifyUpdatedAt", "smsMarketingState", "smsMarketingUpdatedAt", "updatedAt", "verifiedEmail") SELECT "accountState", "amountPaidMinor", "amountSpentMinor", "averageOrderValueMinor", "churnProbability", "company", "createdAt", "discountOrderShare", "email", "emailDomain", "emailMarketingState", "emailMarketingUpdatedAt", "expectedNextOrderAt", "firstName", "firstOrderAt", "id", "lastAbandonedCheckoutAt", "lastName", "lastOrderAmountMinor", "lastOrderAt", "locale", "note", "numberOfOrders", "phone", "predictedAt", "predictedClvMinor", "predictedSpend12mMinor", "predictedSpendTier", "rfmGroup", "shopId", "shopifyCreatedAt", "shopifyId", "shopifyUpdatedAt", "smsMarketingState", "smsMarketingUpdatedAt", "updatedAt", "verifiedEmail" FROM "Customer";
DROP TABLE "Customer";
ALTER TABLE "new_Customer" RENAME TO "Customer";
CREATE INDEX "Customer_shopId_amountSpentMinor_idx" ON "Customer"("shopId", "amountSpentMinor");
CREATE INDEX "Customer_shopId_numberOfOrders_idx" ON "Customer"("shopId", "numberOfOrders");
CREATE INDEX "Customer_shopId_lastOrderAt_idx" ON "Customer"("shopId", "lastOrderAt");
CREATE INDEX "Customer_shopId_firstOrderAt_idx" ON "Customer"("shopId", "firstOrderAt");
CREATE INDEX "Customer_shopId_shopifyCreatedAt_idx" ON "Customer"("shopId", "shopifyCreatedAt");
CREATE INDEX "Customer_shopId_emailDomain_idx" ON "Customer"("shopId", "emailDomain");
CREATE INDEX "Customer_shopId_email_idx" ON "Customer"("shopId", "email");
CREATE INDEX "Customer_shopId_predictedSpendTier_idx" ON "Customer"("shopId", "predictedSpendTier");
CREATE INDEX "Customer_shopId_rfmGroup_idx" ON "Customer"("shopId", "rfmGroup");
CREATE INDEX "Customer_shopId_detailsStale_idx" ON "Customer"("shopId", "detailsStale");
CREATE UNIQUE INDEX "Customer_shopId_shopifyId_key" ON "Customer"("shopId", "shopifyId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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
CREATE INDEX "WebhookEvent_shopId_customerShopifyId_idx" ON "WebhookEvent"("shopId", "customerShopifyId");

