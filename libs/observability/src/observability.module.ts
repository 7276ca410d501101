import { Global, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import { metricProviders } from './metrics.js';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { NatsHandlerInterceptor } from './nats-handler.interceptor.js';
import { RequestIdMiddleware } from './request-id.middleware.js';

/**
 * `/metrics` (process metrics + handler histograms, every series labelled with the app) and
 * request ids on every HTTP request.
 */
@Global()
@Module({})
export class ObservabilityModule implements NestModule {
  static forApp(app: string) {
    // prom-client's registry is process-global and its default metrics register once. An app owns
    // its process, so start from an empty registry: this also lets tests boot apps one after another.
    register.clear();
    return {
      module: ObservabilityModule,
      imports: [
        PrometheusModule.register({
          path: '/metrics',
          defaultMetrics: { enabled: true },
          defaultLabels: { app },
        }),
      ],
      providers: [
        ...metricProviders,
        { provide: APP_INTERCEPTOR, useClass: NatsHandlerInterceptor },
      ],
      exports: [...metricProviders],
    };
  }

  configure(consumer: MiddlewareConsumer) {
    consumer.apply(RequestIdMiddleware, HttpMetricsMiddleware).forRoutes('*path');
  }
}
