-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "domain" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "currencyCode" TEXT NOT NULL DEFAULT 'USD',
    "ianaTimezone" TEXT NOT NULL DEFAULT 'UTC',
    "planName" TEXT,
    "installState" TEXT NOT NULL DEFAULT 'INSTALLED',
    "scopes" TEXT,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "syncState" TEXT NOT NULL DEFAULT 'NEVER',
    "syncStartedAt" DATETIME,
    "syncFinishedAt" DATETIME,
    "syncObjectsDone" INTEGER NOT NULL DEFAULT 0,
    "syncObjectsTotal" INTEGER,
    "syncError" TEXT,
    "lastWebhookAt" DATETIME,
    "tierHighPercentile" REAL NOT NULL DEFAULT 70,
    "tierLowPercentile" REAL NOT NULL DEFAULT 10,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Customer" (
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

-- CreateTable
CREATE TABLE "CustomerTag" (
    "shopId" INTEGER NOT NULL,
    "customerId" INTEGER NOT NULL,
    "tag" TEXT NOT NULL,
    "normalized" TEXT NOT NULL,

    PRIMARY KEY ("customerId", "normalized"),
    CONSTRAINT "CustomerTag_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CustomerAddress" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "customerId" INTEGER NOT NULL,
    "shopifyId" TEXT,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "city" TEXT,
    "province" TEXT,
    "provinceCode" TEXT,
    "countryCode" TEXT,
    "zip" TEXT,
    "company" TEXT,
    CONSTRAINT "CustomerAddress_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MetafieldDefinition" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "shopifyId" TEXT,
    "ownerType" TEXT NOT NULL DEFAULT 'CUSTOMER',
    "namespace" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    CONSTRAINT "MetafieldDefinition_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CustomerMetafield" (
    "shopId" INTEGER NOT NULL,
    "customerId" INTEGER NOT NULL,
    "namespace" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    PRIMARY KEY ("customerId", "namespace", "key"),
    CONSTRAINT "CustomerMetafield_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Order" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "name" TEXT,
    "customerId" INTEGER,
    "customerShopifyId" TEXT,
    "email" TEXT,
    "currencyCode" TEXT NOT NULL,
    "subtotalMinor" BIGINT NOT NULL,
    "totalDiscountsMinor" BIGINT NOT NULL DEFAULT 0,
    "totalShippingMinor" BIGINT NOT NULL DEFAULT 0,
    "totalTaxMinor" BIGINT NOT NULL DEFAULT 0,
    "totalMinor" BIGINT NOT NULL,
    "totalRefundedMinor" BIGINT NOT NULL DEFAULT 0,
    "discountCodes" JSONB NOT NULL,
    "hasDiscountCode" BOOLEAN NOT NULL DEFAULT false,
    "financialStatus" TEXT,
    "cancelledAt" DATETIME,
    "cancelReason" TEXT,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "processedAt" DATETIME NOT NULL,
    "shopifyCreatedAt" DATETIME NOT NULL,
    "shopifyUpdatedAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Order_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Order_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OrderLine" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "orderId" INTEGER NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "productShopifyId" TEXT,
    "variantShopifyId" TEXT,
    "sku" TEXT,
    "title" TEXT NOT NULL,
    "productType" TEXT,
    "quantity" INTEGER NOT NULL,
    "unitPriceMinor" BIGINT NOT NULL,
    "totalDiscountMinor" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "OrderLine_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Product" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "productType" TEXT,
    "vendor" TEXT,
    "shopifyCreatedAt" DATETIME NOT NULL,
    "shopifyUpdatedAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Product_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ProductVariant" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "productId" INTEGER NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "sku" TEXT,
    "title" TEXT NOT NULL,
    "priceMinor" BIGINT NOT NULL,
    CONSTRAINT "ProductVariant_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ProductTag" (
    "shopId" INTEGER NOT NULL,
    "productId" INTEGER NOT NULL,
    "tag" TEXT NOT NULL,
    "normalized" TEXT NOT NULL,

    PRIMARY KEY ("productId", "normalized"),
    CONSTRAINT "ProductTag_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Collection" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    CONSTRAINT "Collection_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ProductCollection" (
    "shopId" INTEGER NOT NULL,
    "productId" INTEGER NOT NULL,
    "collectionId" INTEGER NOT NULL,

    PRIMARY KEY ("productId", "collectionId"),
    CONSTRAINT "ProductCollection_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ProductCollection_collectionId_fkey" FOREIGN KEY ("collectionId") REFERENCES "Collection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AbandonedCheckout" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "token" TEXT,
    "customerId" INTEGER,
    "customerShopifyId" TEXT,
    "email" TEXT,
    "currencyCode" TEXT NOT NULL,
    "totalMinor" BIGINT NOT NULL,
    "completedAt" DATETIME,
    "shopifyCreatedAt" DATETIME NOT NULL,
    "shopifyUpdatedAt" DATETIME NOT NULL,
    CONSTRAINT "AbandonedCheckout_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AbandonedCheckout_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Segment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "description" TEXT,
    "templateKey" TEXT,
    "memberCount" INTEGER NOT NULL DEFAULT 0,
    "computedAt" DATETIME,
    "publishTag" BOOLEAN NOT NULL DEFAULT false,
    "mirrorNative" BOOLEAN NOT NULL DEFAULT false,
    "nativeSegmentId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Segment_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SegmentMember" (
    "shopId" INTEGER NOT NULL,
    "segmentId" TEXT NOT NULL,
    "customerId" INTEGER NOT NULL,
    "joinedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("segmentId", "customerId"),
    CONSTRAINT "SegmentMember_segmentId_fkey" FOREIGN KEY ("segmentId") REFERENCES "Segment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SegmentMember_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SegmentSizeHistory" (
    "shopId" INTEGER NOT NULL,
    "segmentId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "memberCount" INTEGER NOT NULL,

    PRIMARY KEY ("segmentId", "day"),
    CONSTRAINT "SegmentSizeHistory_segmentId_fkey" FOREIGN KEY ("segmentId") REFERENCES "Segment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER,
    "shopDomain" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "eventId" TEXT,
    "topic" TEXT NOT NULL,
    "apiVersion" TEXT,
    "triggeredAt" DATETIME,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" DATETIME,
    CONSTRAINT "WebhookEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");

-- CreateIndex
CREATE INDEX "Customer_shopId_amountSpentMinor_idx" ON "Customer"("shopId", "amountSpentMinor");

-- CreateIndex
CREATE INDEX "Customer_shopId_numberOfOrders_idx" ON "Customer"("shopId", "numberOfOrders");

-- CreateIndex
CREATE INDEX "Customer_shopId_lastOrderAt_idx" ON "Customer"("shopId", "lastOrderAt");

-- CreateIndex
CREATE INDEX "Customer_shopId_firstOrderAt_idx" ON "Customer"("shopId", "firstOrderAt");

-- CreateIndex
CREATE INDEX "Customer_shopId_shopifyCreatedAt_idx" ON "Customer"("shopId", "shopifyCreatedAt");

-- CreateIndex
CREATE INDEX "Customer_shopId_emailDomain_idx" ON "Customer"("shopId", "emailDomain");

-- CreateIndex
CREATE INDEX "Customer_shopId_email_idx" ON "Customer"("shopId", "email");

-- CreateIndex
CREATE INDEX "Customer_shopId_predictedSpendTier_idx" ON "Customer"("shopId", "predictedSpendTier");

-- CreateIndex
CREATE INDEX "Customer_shopId_rfmGroup_idx" ON "Customer"("shopId", "rfmGroup");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_shopId_shopifyId_key" ON "Customer"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "CustomerTag_shopId_normalized_idx" ON "CustomerTag"("shopId", "normalized");

-- CreateIndex
CREATE INDEX "CustomerAddress_customerId_idx" ON "CustomerAddress"("customerId");

-- CreateIndex
CREATE INDEX "CustomerAddress_shopId_countryCode_idx" ON "CustomerAddress"("shopId", "countryCode");

-- CreateIndex
CREATE INDEX "CustomerAddress_shopId_countryCode_provinceCode_idx" ON "CustomerAddress"("shopId", "countryCode", "provinceCode");

-- CreateIndex
CREATE INDEX "CustomerAddress_shopId_city_idx" ON "CustomerAddress"("shopId", "city");

-- CreateIndex
CREATE UNIQUE INDEX "MetafieldDefinition_shopId_ownerType_namespace_key_key" ON "MetafieldDefinition"("shopId", "ownerType", "namespace", "key");

-- CreateIndex
CREATE INDEX "CustomerMetafield_shopId_namespace_key_value_idx" ON "CustomerMetafield"("shopId", "namespace", "key", "value");

-- CreateIndex
CREATE INDEX "Order_shopId_customerId_processedAt_idx" ON "Order"("shopId", "customerId", "processedAt");

-- CreateIndex
CREATE INDEX "Order_shopId_customerShopifyId_idx" ON "Order"("shopId", "customerShopifyId");

-- CreateIndex
CREATE INDEX "Order_shopId_processedAt_idx" ON "Order"("shopId", "processedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Order_shopId_shopifyId_key" ON "Order"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "OrderLine_shopId_productShopifyId_idx" ON "OrderLine"("shopId", "productShopifyId");

-- CreateIndex
CREATE INDEX "OrderLine_shopId_sku_idx" ON "OrderLine"("shopId", "sku");

-- CreateIndex
CREATE INDEX "OrderLine_shopId_productType_idx" ON "OrderLine"("shopId", "productType");

-- CreateIndex
CREATE UNIQUE INDEX "OrderLine_orderId_shopifyId_key" ON "OrderLine"("orderId", "shopifyId");

-- CreateIndex
CREATE INDEX "Product_shopId_productType_idx" ON "Product"("shopId", "productType");

-- CreateIndex
CREATE UNIQUE INDEX "Product_shopId_shopifyId_key" ON "Product"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "ProductVariant_shopId_sku_idx" ON "ProductVariant"("shopId", "sku");

-- CreateIndex
CREATE UNIQUE INDEX "ProductVariant_shopId_shopifyId_key" ON "ProductVariant"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "ProductTag_shopId_normalized_idx" ON "ProductTag"("shopId", "normalized");

-- CreateIndex
CREATE UNIQUE INDEX "Collection_shopId_shopifyId_key" ON "Collection"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "ProductCollection_shopId_collectionId_idx" ON "ProductCollection"("shopId", "collectionId");

-- CreateIndex
CREATE INDEX "AbandonedCheckout_shopId_customerId_shopifyCreatedAt_idx" ON "AbandonedCheckout"("shopId", "customerId", "shopifyCreatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AbandonedCheckout_shopId_shopifyId_key" ON "AbandonedCheckout"("shopId", "shopifyId");

-- CreateIndex
CREATE UNIQUE INDEX "Segment_shopId_name_key" ON "Segment"("shopId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Segment_shopId_handle_key" ON "Segment"("shopId", "handle");

-- CreateIndex
CREATE INDEX "SegmentMember_shopId_customerId_idx" ON "SegmentMember"("shopId", "customerId");

-- CreateIndex
CREATE INDEX "SegmentSizeHistory_shopId_day_idx" ON "SegmentSizeHistory"("shopId", "day");

-- CreateIndex
CREATE INDEX "WebhookEvent_status_nextAttemptAt_idx" ON "WebhookEvent"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "WebhookEvent_shopId_receivedAt_idx" ON "WebhookEvent"("shopId", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEvent_shopDomain_webhookId_key" ON "WebhookEvent"("shopDomain", "webhookId");

