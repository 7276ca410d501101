import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceConfig } from './service.config.js';

/**
 * Makes an app's validated config injectable both as its own class and as `ServiceConfig`,
 * so shared libraries read the common keys without knowing which app they run in.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot<T extends ServiceConfig>(config: T): DynamicModule {
    const ownClass = config.constructor as new () => T;
    return {
      module: ConfigModule,
      providers: [
        { provide: ownClass, useValue: config },
        { provide: ServiceConfig, useValue: config },
      ],
      exports: [ownClass, ServiceConfig],
    };
  }
}
