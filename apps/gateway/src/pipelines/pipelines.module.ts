import { Module } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { PipelinesClient } from './pipelines.client.js';
import { PipelinesController } from './pipelines.controller.js';

/**
 * The admin API over the trainer-controller's retraining pipeline: start a run (or join the active
 * one), list, read, cancel and retry runs under /api/pipelines, bearer-protected, each route one
 * request to the controller.
 */
@Module({
  controllers: [PipelinesController],
  providers: [PipelinesClient, AdminTokenGuard],
  exports: [PipelinesClient],
})
export class PipelinesModule {}
