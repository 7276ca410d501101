import { Injectable } from '@nestjs/common';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';

/** The app's database answers a query within a second. */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(private readonly typeorm: TypeOrmHealthIndicator) {}

  check(key = 'database') {
    return this.typeorm.pingCheck(key).withTimeout(1_000);
  }
}
