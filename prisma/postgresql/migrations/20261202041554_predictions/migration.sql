-- CreateEnum
CREATE TYPE "PredictionStatus" AS ENUM ('RUNNING', 'FITTED', 'FALLBACK', 'FAILED');

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "expectedOrders12m" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "clvAnnualDiscountRate" DOUBLE PRECISION NOT NULL DEFAULT 0.1,
ADD COLUMN     "clvHorizonMonths" INTEGER NOT NULL DEFAULT 36;

-- CreateTable
CREATE TABLE "PredictionRun" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "PredictionStatus" NOT NULL DEFAULT 'RUNNING',
    "detail" TEXT,
    "asOf" TIMESTAMP(3) NOT NULL,
    "customers" INTEGER NOT NULL DEFAULT 0,
    "repeatBuyers" INTEGER NOT NULL DEFAULT 0,
    "model" JSONB,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "PredictionRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PredictionRun_shopId_startedAt_idx" ON "PredictionRun"("shopId", "startedAt");

-- AddForeignKey
ALTER TABLE "PredictionRun" ADD CONSTRAINT "PredictionRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

