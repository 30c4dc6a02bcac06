-- CreateEnum
CREATE TYPE "ExportFormat" AS ENUM ('CSV', 'XLSX', 'AUDIENCE');

-- CreateEnum
CREATE TYPE "ExportState" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "SegmentExport" (
    "id" SERIAL NOT NULL,
    "shopId" INTEGER NOT NULL,
    "segmentId" TEXT,
    "segmentName" TEXT NOT NULL,
    "format" "ExportFormat" NOT NULL,
    "columns" JSONB NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'en',
    "state" "ExportState" NOT NULL DEFAULT 'QUEUED',
    "rowsDone" INTEGER NOT NULL DEFAULT 0,
    "rowsTotal" INTEGER,
    "fileName" TEXT,
    "filePath" TEXT,
    "fileBytes" INTEGER,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "SegmentExport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SegmentExport_shopId_createdAt_idx" ON "SegmentExport"("shopId", "createdAt");

-- AddForeignKey
ALTER TABLE "SegmentExport" ADD CONSTRAINT "SegmentExport_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SegmentExport" ADD CONSTRAINT "SegmentExport_segmentId_fkey" FOREIGN KEY ("segmentId") REFERENCES "Segment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

