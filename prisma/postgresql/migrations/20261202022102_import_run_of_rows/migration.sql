-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "importRunId" INTEGER;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "importRunId" INTEGER;

-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "importRunId" INTEGER;

