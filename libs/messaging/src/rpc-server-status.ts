import { Injectable } from '@nestjs/common';

/** Whether the app's Nest NATS transport (its request/reply server) is connected right now. */
@Injectable()
export class RpcServerStatus {
  private connected = false;

  set(status: string) {
    this.connected = status === 'connected';
  }

  isConnected(): boolean {
    return this.connected;
  }
}
