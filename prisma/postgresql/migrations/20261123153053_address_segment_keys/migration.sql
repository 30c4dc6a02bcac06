-- AlterTable
ALTER TABLE "CustomerAddress" ADD COLUMN     "cityKey" TEXT,
ADD COLUMN     "regionKey" TEXT;

-- CreateIndex
CREATE INDEX "CustomerAddress_shopId_regionKey_idx" ON "CustomerAddress"("shopId", "regionKey");

-- CreateIndex
CREATE INDEX "CustomerAddress_shopId_cityKey_idx" ON "CustomerAddress"("shopId", "cityKey");

