import { Module } from '@nestjs/common';
import { FeedbackController } from './feedback.controller.js';
import { feedbackMetricProvider } from './feedback.metrics.js';
import { FeedbackService } from './feedback.service.js';

/**
 * Public POST /feedback: ground truth for served predictions and new labelled texts, published as
 * `feedback.received.v1` for the drift app (live accuracy) and the retraining pipeline.
 */
@Module({
  controllers: [FeedbackController],
  providers: [FeedbackService, feedbackMetricProvider],
})
export class FeedbackModule {}
