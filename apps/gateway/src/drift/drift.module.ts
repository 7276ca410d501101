import { Module } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { DriftClient } from './drift.client.js';
import { DriftController } from './drift.controller.js';

/**
 * The admin API over the drift app: run a check, list and read reports (JSON or the HTML page)
 * under /api/drift, bearer-protected, each route one request to the drift app.
 */
@Module({
  controllers: [DriftController],
  providers: [DriftClient, AdminTokenGuard],
  exports: [DriftClient],
})
export class DriftModule {}
