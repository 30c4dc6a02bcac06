-- AlterTable
ALTER TABLE "Customer" ADD COLUMN "expectedOrders12m" REAL;

-- CreateTable
CREATE TABLE "PredictionRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shopId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "detail" TEXT,
    "asOf" DATETIME NOT NULL,
    "customers" INTEGER NOT NULL DEFAULT 0,
    "repeatBuyers" INTEGER NOT NULL DEFAULT 0,
    "model" JSONB,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    CONSTRAINT "PredictionRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
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
    "lastReconciledAt" DATETIME,
    "tierHighPercentile" REAL NOT NULL DEFAULT 70,
    "tierLowPercentile" REAL NOT NULL DEFAULT 10,
    "clvHorizonMonths" INTEGER NOT NULL DEFAULT 36,
    "clvAnnualDiscountRate" REAL NOT NULL DEFAULT 0.1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("createdAt", "currencyCode", "domain", "email", "ianaTimezone", "id", "installState", "installedAt", "lastReconciledAt", "lastWebhookAt", "name", "planName", "scopes", "syncError", "syncFinishedAt", "syncObjectsDone", "syncObjectsTotal", "syncStartedAt", "syncState", "tierHighPercentile", "tierLowPercentile", "uninstalledAt", "updatedAt") SELECT "createdAt", "currencyCode", "domain", "email", "ianaTimezone", "id", "installState", "installedAt", "lastReconciledAt", "lastWebhookAt", "name", "planName", "scopes", "syncError", "syncFinishedAt", "syncObjectsDone", "syncObjectsTotal", "syncStartedAt", "syncState", "tierHighPercentile", "tierLowPercentile", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "PredictionRun_shopId_startedAt_idx" ON "PredictionRun"("shopId", "startedAt");

